/**
 * Catalog queries (ReactOS enumprot.c and addrconv.c): `WSAEnumProtocolsW`, and the address-string
 * conversions `WSAAddressToStringW` / `WSAStringToAddressW`, answered by the provider of a catalog
 * entry.
 * @module
 */
import { enumerateProtocols } from '../../catalog/enumerate-protocols';
import { isArgumentProblem } from '../../catalog/provider-arguments';
import { WSAEFAULT, WSAEINVAL, WSANOTINITIALISED, WSASYSCALLFAILURE } from '../../constants/error-codes';
import { PFL_HIDDEN } from '../../constants/provider-flags';
import { SOCKET_ERROR } from '../../constants/socket-api';
import type { WSPPROC_TABLE } from '../../spi/wsp-proc-table';
import { type Out, out } from '../../types/out-cell';
import { cloneProtocolInfo, isLayeredEntry, type WSAPROTOCOL_INFOW } from '../../types/protocol-info';
import type { SOCKADDR } from '../../types/sockaddr';
import {
  captureOptionalSockaddr,
  captureProtocolInfo,
  isIntegerArgument,
  isLengthArgument,
  isLengthCell,
  isOptionalWritableArray,
  isWritableCell,
} from '../argument-checks';
import { Ws2Core } from '../ws2-core';

/** The catalog queries of `Ws2`; installed on its prototype, never instantiated. */
export abstract class Ws2CatalogQueries extends Ws2Core {
  /**
   * `WSAEnumProtocolsW`: the process's catalog snapshot without hidden (`PFL_HIDDEN`) and layered
   * (ChainLen 0) entries, filtered by a NULL-terminated protocol list; `WSAENOBUFS` with the
   * required size (in bytes of `WSAPROTOCOL_INFOW`) when the buffer is too small.
   */
  WSAEnumProtocolsW(
    lpiProtocols: number[] | null,
    lpProtocolBuffer: WSAPROTOCOL_INFOW[] | null,
    lpdwBufferLength: Out<number> | null,
  ): number {
    if (!this.current) return this.fail(WSANOTINITIALISED);
    // The out-cell and the buffer are probed first: nothing is enumerated into memory that cannot
    // take it (a frozen array, a cell whose value cannot be written back).
    if (!isWritableCell(lpdwBufferLength) || !isOptionalWritableArray(lpProtocolBuffer)) {
      return this.fail(WSAEFAULT);
    }
    const visible = this.current.snapshot.entries
      .map((e) => e.info)
      .filter((info) => !isLayeredEntry(info) && !(info.dwProviderFlags & PFL_HIDDEN));
    let result: ReturnType<typeof enumerateProtocols>;
    try {
      result = enumerateProtocols(visible, lpiProtocols, lpProtocolBuffer, lpdwBufferLength);
    } catch {
      // A filter array whose elements throw when read: memory that cannot be read.
      return this.fail(WSAEFAULT);
    }
    return isArgumentProblem(result) ? this.fail(result.code) : result;
  }

  /** `WSAAddressToStringW`, through the provider of the protocol info (or the first base entry of the family). */
  WSAAddressToStringW(
    lpsaAddress: SOCKADDR | null,
    dwAddressLength: number,
    lpProtocolInfo: WSAPROTOCOL_INFOW | null,
    lpszAddressString: Out<string>,
    lpdwAddressStringLength: Out<number>,
  ): Promise<number> {
    if (!this.current) return this.failAsync(WSANOTINITIALISED);
    const address = captureOptionalSockaddr(lpsaAddress);
    if (
      address === null ||
      typeof address === 'number' ||
      !isLengthArgument(dwAddressLength) ||
      !isWritableCell(lpszAddressString) ||
      !isLengthCell(lpdwAddressStringLength)
    ) {
      return this.failAsync(WSAEFAULT);
    }
    const af = address.sa_family;
    return this.callForFamily(af, lpProtocolInfo, 'lpWSPAddressToString', (t, info, errno) =>
      t.lpWSPAddressToString(
        address,
        dwAddressLength,
        info,
        lpszAddressString,
        lpdwAddressStringLength,
        errno,
      ),
    );
  }

  /** `WSAStringToAddressW`, through the provider of the protocol info (or the first base entry of the family). */
  WSAStringToAddressW(
    AddressString: string,
    AddressFamily: number,
    lpProtocolInfo: WSAPROTOCOL_INFOW | null,
    lpAddress: Out<SOCKADDR | null>,
    lpAddressLength: Out<number>,
  ): Promise<number> {
    if (!this.current) return this.failAsync(WSANOTINITIALISED);
    if (typeof AddressString !== 'string' || !isWritableCell(lpAddress) || !isLengthCell(lpAddressLength)) {
      return this.failAsync(WSAEFAULT);
    }
    if (!isIntegerArgument(AddressFamily)) return this.failAsync(WSAEINVAL);
    return this.callForFamily(AddressFamily, lpProtocolInfo, 'lpWSPStringToAddress', (t, info, errno) =>
      t.lpWSPStringToAddress(AddressString, AddressFamily, info, lpAddress, lpAddressLength, errno),
    );
  }

  private async callForFamily(
    af: number,
    lpProtocolInfo: WSAPROTOCOL_INFOW | null,
    name: keyof WSPPROC_TABLE,
    invoke: (table: WSPPROC_TABLE, info: WSAPROTOCOL_INFOW, errno: Out<number>) => number,
  ): Promise<number> {
    const cell = this.lastError.claim();
    const failWith = (code: number): number => {
      this.lastError.complete(cell, code);
      return SOCKET_ERROR;
    };
    const process = this.current;
    if (!process) return failWith(WSANOTINITIALISED);
    const callerInfo = captureProtocolInfo(lpProtocolInfo);
    if (typeof callerInfo === 'number') return failWith(callerInfo);
    const entry = callerInfo
      ? isIntegerArgument(callerInfo.dwCatalogEntryId)
        ? process.entry(callerInfo.dwCatalogEntryId)
        : undefined
      : process.selection.firstEntryOfFamily(af);
    if (!entry) return failWith(WSAEINVAL);
    const started = await process.ensureProvider(entry);
    if (!started.provider || this.current !== process) return failWith(started.error ?? WSANOTINITIALISED);
    const provider = started.provider;
    const errno = out(0);
    try {
      const rc = invoke(provider.procTable, cloneProtocolInfo(entry.info), errno);
      if (rc !== SOCKET_ERROR) return rc;
      return failWith(errno.value || WSASYSCALLFAILURE);
    } catch (error) {
      this.providerBroke(provider, name, 'threw', error);
      return failWith(WSASYSCALLFAILURE);
    }
  }
}

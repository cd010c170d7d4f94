/**
 * `GetAcceptExSockaddrs`: the addresses `AcceptEx` left in its buffer, given the same three
 * lengths. It takes no socket, so one function serves every provider; it returns nothing and
 * reports nothing. A local slot of 0 leaves the local out-parameters untouched (as Windows does).
 * @module
 */

import type { LPFN_GETACCEPTEXSOCKADDRS } from '../../spi/mswsock-types';
import type { Out } from '../../types/out-cell';
import { isOut } from '../buffer-io';
import { readAddressSlot } from './accept-ex-address-slots';

function setSlot(
  buffer: Uint8Array,
  offset: number,
  slotLength: number,
  address: Out<unknown>,
  length: Out<number>,
): void {
  if (!isOut(address) || !isOut(length)) return;
  const slot = readAddressSlot(buffer, offset, slotLength);
  if (!slot) return;
  address.value = slot.address;
  length.value = slot.length;
}

/** `GetAcceptExSockaddrs` (mswsock.h). */
export const GetAcceptExSockaddrs: LPFN_GETACCEPTEXSOCKADDRS = (
  lpOutputBuffer,
  dwReceiveDataLength,
  dwLocalAddressLength,
  dwRemoteAddressLength,
  LocalSockaddr,
  LocalSockaddrLength,
  RemoteSockaddr,
  RemoteSockaddrLength,
) => {
  if (!(lpOutputBuffer instanceof Uint8Array)) return;
  const receive = dwReceiveDataLength >>> 0;
  const local = dwLocalAddressLength >>> 0;
  const remote = dwRemoteAddressLength >>> 0;
  if (local > 0) setSlot(lpOutputBuffer, receive, local, LocalSockaddr, LocalSockaddrLength);
  setSlot(lpOutputBuffer, receive + local, remote, RemoteSockaddr, RemoteSockaddrLength);
};

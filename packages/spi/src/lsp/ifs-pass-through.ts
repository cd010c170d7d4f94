/**
 * The IFS pass-through: the table of a layer that hands the layer above the lower provider's own
 * (IFS) handles — the Microsoft sample's `ifslsp`. It starts as a copy of the next provider's
 * table, so every call the layer does not need goes straight to the provider below
 * (`WSPSendDisconnect`, `WSPRecvDisconnect` and `WSPShutdown` never touch the layer, as in the sample's
 * `ifslsp`), and
 * overrides only what an IFS layer must do itself:
 *
 * - `WSPSocket`, `WSPAccept`, `WSPJoinLeaf`: claim the new handle with `WPUModifyIFSHandle` and
 *   this layer's catalog entry ID, so the dispatcher routes the socket's calls here;
 * - `WSPStartup`'s counterpart `WSPCleanup`: cleans up the next provider;
 * - `WSPAddressToString`, `WSPStringToAddress`, `WSPDuplicateSocket`, and `WSPGetSockOpt` for
 *   `SO_PROTOCOL_INFOW`: base providers never see chains and the application never sees the base
 *   entry in place of its chain (WSPStartup remarks).
 *
 * An IFS layer only works over IFS handles: over a non-IFS layer `WPUModifyIFSHandle` refuses the
 * handle (`WSAEINVAL`), which is why installers put IFS layers below non-IFS ones (the sample's
 * `InstallIfsLspProtocolChains`).
 * One IFS layer instance serves the one chain it was started for; the dispatcher starts one per
 * chain entry, since each chain entry has its own ProviderId (as the IFS sample requires).
 * @module
 */

import { WSAEINVAL } from '../constants/error-codes';
import { INVALID_SOCKET, SOCKET_ERROR } from '../constants/socket-api';
import { SO_PROTOCOL_INFOW, SOL_SOCKET } from '../constants/socket-options';
import type { WSPPROC_TABLE } from '../spi/wsp-proc-table';
import type { LPINT, SOCKET } from '../spi/wsp-types';
import { out } from '../types/out-cell';
import { cloneProtocolInfo, type WSAPROTOCOL_INFOW } from '../types/protocol-info';
import { expectedChainPosition } from './chain-position-hint';
import type { LayerInstance } from './layer-instance';

/** Builds the table of an IFS layer: the next provider's table with the few overrides above. */
export function ifsPassThrough(layer: LayerInstance): WSPPROC_TABLE {
  const { route, claimId: startupClaimId } = layer.startup;
  const lower = route.lower;

  /** `WPUModifyIFSHandle(claimId, s)`; if refused, the lower socket is closed and the error stays in lpErrno. */
  function claim(s: SOCKET, claimId: number, lpErrno: LPINT): SOCKET {
    const handle = layer.upcalls.lpWPUModifyIFSHandle(claimId, s, lpErrno);
    if (handle === INVALID_SOCKET) lower.lpWSPCloseSocket(s, out(0));
    return handle;
  }
  function sameRoute(info: WSAPROTOCOL_INFOW | null, lpErrno: LPINT) {
    const resolved = layer.resolve(info, expectedChainPosition(info));
    if (typeof resolved === 'number') {
      lpErrno.value = resolved;
      return undefined;
    }
    if (resolved.route !== route) {
      // This instance forwards to one lower table; another chain needs its own startup.
      lpErrno.value = WSAEINVAL;
      return undefined;
    }
    return resolved;
  }

  return {
    ...lower,

    lpWSPSocket: (af, type, protocol, lpProtocolInfo, g, dwFlags, lpErrno) => {
      const resolved = sameRoute(lpProtocolInfo, lpErrno);
      if (!resolved) return INVALID_SOCKET;
      const info = lpProtocolInfo ?? layer.protocolInfo;
      const s = lower.lpWSPSocket(af, type, protocol, route.infoForNext(info), g, dwFlags, lpErrno);
      if (s === INVALID_SOCKET) return INVALID_SOCKET;
      return claim(s, resolved.claimId, lpErrno);
    },

    lpWSPAccept: async (s, addr, addrlen, lpfnCondition, dwCallbackData, lpErrno) => {
      const accepted = await lower.lpWSPAccept(s, addr, addrlen, lpfnCondition, dwCallbackData, lpErrno);
      if (accepted === INVALID_SOCKET) return INVALID_SOCKET;
      return claim(accepted, startupClaimId, lpErrno);
    },

    lpWSPJoinLeaf: async (s, name, namelen, lpCallerData, lpCalleeData, lpSQOS, lpGQOS, dwFlags, lpErrno) => {
      const joined = await lower.lpWSPJoinLeaf(
        s,
        name,
        namelen,
        lpCallerData,
        lpCalleeData,
        lpSQOS,
        lpGQOS,
        dwFlags,
        lpErrno,
      );
      if (joined === INVALID_SOCKET || joined === s) return joined;
      return claim(joined, startupClaimId, lpErrno);
    },

    lpWSPCleanup: (lpErrno) => layer.cleanup(lpErrno),

    lpWSPGetSockOpt: (s, level, optname, optval, optlen, lpErrno) => {
      const rc = lower.lpWSPGetSockOpt(s, level, optname, optval, optlen, lpErrno);
      if (rc === 0 && level === SOL_SOCKET && optname === SO_PROTOCOL_INFOW && optval) {
        optval.value = cloneProtocolInfo(layer.protocolInfo);
      }
      return rc;
    },

    lpWSPDuplicateSocket: (s, dwProcessId, lpProtocolInfo, lpErrno) => {
      const rc = lower.lpWSPDuplicateSocket(s, dwProcessId, lpProtocolInfo, lpErrno);
      if (rc === 0 && lpProtocolInfo?.value) {
        lpProtocolInfo.value = {
          ...cloneProtocolInfo(layer.protocolInfo),
          dwProviderReserved: lpProtocolInfo.value.dwProviderReserved,
        };
      }
      return rc;
    },

    lpWSPAddressToString: (
      lpsaAddress,
      dwAddressLength,
      lpProtocolInfo,
      lpszAddressString,
      lpdwLength,
      lpErrno,
    ) => {
      if (!sameRoute(lpProtocolInfo, lpErrno)) return SOCKET_ERROR;
      return lower.lpWSPAddressToString(
        lpsaAddress,
        dwAddressLength,
        route.infoForNext(lpProtocolInfo ?? layer.protocolInfo),
        lpszAddressString,
        lpdwLength,
        lpErrno,
      );
    },

    lpWSPStringToAddress: (
      AddressString,
      AddressFamily,
      lpProtocolInfo,
      lpAddress,
      lpAddressLength,
      lpErrno,
    ) => {
      if (!sameRoute(lpProtocolInfo, lpErrno)) return SOCKET_ERROR;
      return lower.lpWSPStringToAddress(
        AddressString,
        AddressFamily,
        route.infoForNext(lpProtocolInfo ?? layer.protocolInfo),
        lpAddress,
        lpAddressLength,
        lpErrno,
      );
    },
  };
}

/**
 * A disconnect-data layer: an ordinary layered provider that adds, strips or rewrites the data an
 * application sends with `WSASendDisconnect` and receives with `WSARecvDisconnect`. Everything
 * else passes through. What the base provider makes of the result is the base provider's business:
 * over TCP (no `XP1_DISCONNECT_DATA`) adding data turns a plain `WSASendDisconnect(s, NULL)` into
 * `WSAENOPROTOOPT` from the base, exactly as an application that passed the data itself would see.
 *
 * - `outbound(data)`: what `WSPSendDisconnect` hands down, given what the caller passed (`null`
 *   for no buffer). Return `null` to send none.
 * - `inbound(data)`: what `WSPRecvDisconnect` hands up, given what the lower provider delivered.
 *   The lower provider is given room for `INBOUND_CAPACITY` bytes (or the caller's buffer, if
 *   larger); a rewritten result that does not fit the caller's buffer is `WSAEFAULT`, as a short
 *   buffer is for the provider itself. Unlike the provider's own `WSAEFAULT`, this one comes after
 *   the lower `WSPRecvDisconnect` succeeded — receiving is already shut and the lower provider
 *   need not hand the data over again — so the rewritten data is kept for the socket and the
 *   caller's retry with a larger buffer gets it (a retry with a NULL buffer drops it).
 * @module
 */

import { WSAEFAULT } from '../constants/error-codes';
import { SOCKET_ERROR } from '../constants/socket-api';
import type { ProviderHost } from '../dispatcher/provider-host';
import type { SOCKET } from '../spi/wsp-types';
import { type WSABUF, wsabuf, wsabufBytes } from '../types/wsabuf';
import type { DataRewrite, RewriteListener } from './connect-data-layer';
import { defineLayeredProvider, type LayeredProvider, type WspOverrides } from './define-layered-provider';
import type { LayerStyle } from './layer-instance';

/** Room the layer gives the lower provider for inbound disconnect data: more than any protocol carries. */
export const INBOUND_CAPACITY = 4096;

/** How a disconnect-data layer is made: `outbound` rewrites what `WSASendDisconnect` sends, `inbound` what `WSARecvDisconnect` gets. */
export interface DisconnectDataLayerOptions extends DataRewrite {
  /** `WSPDATA.szDescription` of the layer. */
  description?: string;
  /** IFS or non-IFS (default non-IFS). */
  style?: LayerStyle;
}

/**
 * An `outbound` rewrite that appends `bytes` to whatever the application sends (or sends `bytes` alone).
 *
 * @example
 * createDisconnectDataLayer({ outbound: appendDisconnectData(Uint8Array.of(0xff)) });
 */
export function appendDisconnectData(bytes: Uint8Array): (data: Uint8Array | null) => Uint8Array {
  return (data) => {
    if (!data) return bytes.slice();
    const joined = new Uint8Array(data.byteLength + bytes.byteLength);
    joined.set(data);
    joined.set(bytes, data.byteLength);
    return joined;
  };
}

/**
 * An `outbound` rewrite that always sends `bytes`, whatever the application passed.
 *
 * @example
 * createFaultInjectorLayer({ disconnectData: { outbound: replaceDisconnectData(Uint8Array.of(1, 2)) } });
 */
export function replaceDisconnectData(bytes: Uint8Array): () => Uint8Array {
  return () => bytes.slice();
}

/**
 * An `outbound` rewrite that never sends disconnect data.
 *
 * @example
 * createFaultInjectorLayer({ disconnectData: { outbound: stripDisconnectData() } });
 */
export function stripDisconnectData(): () => null {
  return () => null;
}

/** Room in a caller's `WSABUF`: its `len`, but never more than its buffer holds; -1 if it is no buffer. */
function roomOf(buffer: WSABUF): number {
  if (typeof buffer !== 'object' || !(buffer.buf instanceof Uint8Array)) return -1;
  if (!Number.isInteger(buffer.len) || buffer.len < 0) return -1;
  return Math.min(buffer.len, buffer.buf.byteLength);
}

/**
 * The `WSPSendDisconnect`, `WSPRecvDisconnect` and `WSPCloseSocket` overrides that apply `rewrite`
 * (see the module comment), for a layer of one's own.
 *
 * @example
 * defineLayeredProvider({ description: 'no goodbyes', style: 'non-ifs', calls: disconnectDataCalls({ outbound: stripDisconnectData() }) });
 */
export function disconnectDataCalls(rewrite: DataRewrite, onRewrite?: RewriteListener): WspOverrides {
  const { outbound, inbound } = rewrite;
  if (!outbound && !inbound) return {};
  // Rewritten inbound data that did not fit the caller's buffer, per process and socket (see the
  // module comment). Handles are unique in a process; weak, so a process that is gone takes its
  // entries with it.
  const unclaimed = new WeakMap<ProviderHost, Map<SOCKET, Uint8Array>>();
  const unclaimedOf = (host: ProviderHost): Map<SOCKET, Uint8Array> => {
    let map = unclaimed.get(host);
    if (!map) {
      map = new Map();
      unclaimed.set(host, map);
    }
    return map;
  };
  return {
    lpWSPSendDisconnect: (next) => (s, lpOutboundDisconnectData, lpErrno) => {
      if (!outbound) return next(s, lpOutboundDisconnectData, lpErrno);
      const given = lpOutboundDisconnectData ? wsabufBytes(lpOutboundDisconnectData).slice() : null;
      const sent = outbound(given);
      onRewrite?.('lpWSPSendDisconnect', s, 'outbound');
      return next(s, sent ? wsabuf(sent) : null, lpErrno);
    },
    lpWSPRecvDisconnect: (next, layer) => (s, lpInboundDisconnectData, lpErrno) => {
      if (!inbound) return next(s, lpInboundDisconnectData, lpErrno);
      const kept = unclaimedOf(layer.host);
      if (!lpInboundDisconnectData) {
        kept.delete(s);
        return next(s, lpInboundDisconnectData, lpErrno);
      }
      const room = roomOf(lpInboundDisconnectData);
      // Not a usable buffer: the lower provider reports it (WSAEFAULT) as it would without us.
      if (room < 0) return next(s, lpInboundDisconnectData, lpErrno);
      let data = kept.get(s);
      if (!data) {
        const lower: WSABUF = wsabuf(Math.max(INBOUND_CAPACITY, room));
        const rc = next(s, lower, lpErrno);
        if (rc === SOCKET_ERROR) return rc;
        data = inbound(wsabufBytes(lower).slice());
        onRewrite?.('lpWSPRecvDisconnect', s, 'inbound');
      }
      if (data.byteLength > room) {
        kept.set(s, data);
        lpErrno.value = WSAEFAULT;
        return SOCKET_ERROR;
      }
      kept.delete(s);
      lpInboundDisconnectData.buf.set(data);
      lpInboundDisconnectData.len = data.byteLength;
      return 0;
    },
    lpWSPCloseSocket: (next, layer) => (s, lpErrno) => {
      const rc = next(s, lpErrno);
      if (rc === 0) unclaimed.get(layer.host)?.delete(s);
      return rc;
    },
  };
}

/**
 * A layered provider that rewrites disconnect data as `options` says.
 *
 * @example
 * // Over ISO transport, every WSASendDisconnect carries "bye" after what the application sent.
 * const layer = createDisconnectDataLayer({ outbound: appendDisconnectData(new TextEncoder().encode('bye')) });
 */
export function createDisconnectDataLayer(options: DisconnectDataLayerOptions = {}): LayeredProvider {
  return defineLayeredProvider({
    description: options.description ?? 'disconnect data',
    style: options.style ?? 'non-ifs',
    calls: disconnectDataCalls(options),
  });
}

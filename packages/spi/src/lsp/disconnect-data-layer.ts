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
 *   buffer is for the provider itself.
 * @module
 */

import { WSAEFAULT } from '../constants/error-codes';
import { SOCKET_ERROR } from '../constants/socket-api';
import { type WSABUF, wsabuf, wsabufBytes } from '../types/wsabuf';
import { defineLayeredProvider, type LayeredProvider } from './define-layered-provider';
import type { LayerStyle } from './layer-instance';

/** Room the layer gives the lower provider for inbound disconnect data: more than any protocol carries. */
export const INBOUND_CAPACITY = 4096;

/** How a disconnect-data layer is made. */
export interface DisconnectDataLayerOptions {
  description?: string;
  /** IFS or non-IFS (default non-IFS). */
  style?: LayerStyle;
  /** Rewrites outgoing disconnect data (`null` = none). Default: unchanged. */
  outbound?: (data: Uint8Array | null) => Uint8Array | null;
  /** Rewrites incoming disconnect data. Default: unchanged. */
  inbound?: (data: Uint8Array) => Uint8Array;
}

/** An `outbound` rewrite that appends `bytes` to whatever the application sends (or sends `bytes` alone). */
export function appendDisconnectData(bytes: Uint8Array): (data: Uint8Array | null) => Uint8Array {
  return (data) => {
    if (!data) return bytes.slice();
    const joined = new Uint8Array(data.byteLength + bytes.byteLength);
    joined.set(data);
    joined.set(bytes, data.byteLength);
    return joined;
  };
}

/** An `outbound` rewrite that always sends `bytes`, whatever the application passed. */
export function replaceDisconnectData(bytes: Uint8Array): () => Uint8Array {
  return () => bytes.slice();
}

/** An `outbound` rewrite that never sends disconnect data. */
export function stripDisconnectData(): () => null {
  return () => null;
}

/** A layered provider that rewrites disconnect data as `options` says. */
export function createDisconnectDataLayer(options: DisconnectDataLayerOptions = {}): LayeredProvider {
  const { outbound, inbound } = options;
  return defineLayeredProvider({
    description: options.description ?? 'disconnect data',
    style: options.style ?? 'non-ifs',
    calls: {
      lpWSPSendDisconnect: (next) => (s, lpOutboundDisconnectData, lpErrno) => {
        if (!outbound) return next(s, lpOutboundDisconnectData, lpErrno);
        const given = lpOutboundDisconnectData ? wsabufBytes(lpOutboundDisconnectData).slice() : null;
        const sent = outbound(given);
        return next(s, sent ? wsabuf(sent) : null, lpErrno);
      },
      lpWSPRecvDisconnect: (next) => (s, lpInboundDisconnectData, lpErrno) => {
        if (!inbound || !lpInboundDisconnectData) return next(s, lpInboundDisconnectData, lpErrno);
        const room: WSABUF = wsabuf(Math.max(INBOUND_CAPACITY, lpInboundDisconnectData.len));
        const rc = next(s, room, lpErrno);
        if (rc === SOCKET_ERROR) return rc;
        const data = inbound(wsabufBytes(room).slice());
        if (data.byteLength > lpInboundDisconnectData.len) {
          lpErrno.value = WSAEFAULT;
          return SOCKET_ERROR;
        }
        lpInboundDisconnectData.buf.set(data);
        lpInboundDisconnectData.len = data.byteLength;
        return rc;
      },
    },
  });
}

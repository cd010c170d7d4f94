/**
 * A connect-data layer: an ordinary layered provider that adds, strips or rewrites the data an
 * application exchanges while connecting — the caller data of `WSAConnect` and the callee data a
 * `WSAAccept` condition answers with (outbound), the callee data `WSAConnect` receives and the
 * caller data the condition sees (inbound). Everything else passes through, and what the base
 * provider makes of the result is its business: over TCP (no `XP1_CONNECT_DATA`) added caller data
 * turns a plain `WSAConnect` into `WSAEPROTONOSUPPORT`, exactly as if the application had passed it.
 *
 * - `outbound(data)`: what goes down, given what the application gave (`null` for none); return
 *   `null` to send none. On the accepting side a layer with an `outbound` rewrite runs a condition
 *   of its own when the application accepts without one, so it can add callee data.
 * - `inbound(data)`: what the application sees. Received callee data that the rewrite makes longer
 *   than the application's buffer is cut to it (the connection is made by then; failing the call
 *   would leave a connected socket the application thinks failed).
 * @module
 */

import { CF_ACCEPT } from '../constants/socket-api';
import type { LPCONDITIONPROC, WspProcName } from '../spi/wsp-proc-table';
import type { SOCKET } from '../spi/wsp-types';
import { isValidWsabuf, type WSABUF, wsabuf, wsabufBytes } from '../types/wsabuf';
import { defineLayeredProvider, type LayeredProvider, type WspOverrides } from './define-layered-provider';
import type { LayerStyle } from './layer-instance';

/** How a layer rewrites data in one exchange (connect or disconnect). */
export interface DataRewrite {
  /** What goes down, given what the application passed (`null` = none). Default: unchanged. */
  outbound?: (data: Uint8Array | null) => Uint8Array | null;
  /** What the application gets, given what came up. Default: unchanged. */
  inbound?: (data: Uint8Array) => Uint8Array;
}

/** Called when a rewrite ran: for layers that keep a record of what they did. */
export type RewriteListener = (call: WspProcName, socket: SOCKET, direction: 'inbound' | 'outbound') => void;

/** How a connect-data layer is made. */
export interface ConnectDataLayerOptions extends DataRewrite {
  /** `WSPDATA.szDescription` of the layer. */
  description?: string;
  /** IFS or non-IFS (default non-IFS). */
  style?: LayerStyle;
}

/**
 * The `WSPConnect` and `WSPAccept` overrides that apply `rewrite` (see the module comment), for a
 * layer of one's own.
 *
 * @example
 * defineLayeredProvider({ description: 'tags', style: 'ifs', calls: connectDataCalls({ outbound: () => TAG }) });
 */
export function connectDataCalls(rewrite: DataRewrite, onRewrite?: RewriteListener): WspOverrides {
  const { outbound, inbound } = rewrite;
  if (!outbound && !inbound) return {};
  return {
    lpWSPConnect: (next) => async (s, name, namelen, lpCallerData, lpCalleeData, lpSQOS, lpGQOS, lpErrno) => {
      let caller = lpCallerData;
      if (outbound && (caller === null || isValidWsabuf(caller))) {
        const sent = outbound(caller ? wsabufBytes(caller).slice() : null);
        caller = sent ? wsabuf(sent) : null;
        onRewrite?.('lpWSPConnect', s, 'outbound');
      }
      const offered = lpCalleeData && isValidWsabuf(lpCalleeData) ? lpCalleeData.len : 0;
      const rc = await next(s, name, namelen, caller, lpCalleeData, lpSQOS, lpGQOS, lpErrno);
      if (rc === 0 && inbound && lpCalleeData && isValidWsabuf(lpCalleeData)) {
        writeInto(lpCalleeData, inbound(wsabufBytes(lpCalleeData).slice()), offered);
        onRewrite?.('lpWSPConnect', s, 'inbound');
      }
      return rc;
    },
    lpWSPAccept: (next) => (s, addr, addrlen, lpfnCondition, dwCallbackData, lpErrno) => {
      if (lpfnCondition !== null && typeof lpfnCondition !== 'function')
        return next(s, addr, addrlen, lpfnCondition, dwCallbackData, lpErrno);
      if (!lpfnCondition && !outbound) return next(s, addr, addrlen, lpfnCondition, dwCallbackData, lpErrno);
      const condition: LPCONDITIONPROC = (
        callerId,
        callerData,
        sqos,
        gqos,
        calleeId,
        calleeData,
        g,
        data,
      ) => {
        let seen = callerData;
        if (inbound && callerData && isValidWsabuf(callerData)) {
          seen = wsabuf(inbound(wsabufBytes(callerData).slice()));
          onRewrite?.('lpWSPAccept', s, 'inbound');
        }
        const offered = calleeData?.len ?? 0;
        // Without the application's condition, nothing is answered unless the rewrite adds it.
        if (!lpfnCondition && calleeData) calleeData.len = 0;
        const verdict = lpfnCondition
          ? lpfnCondition(callerId, seen, sqos, gqos, calleeId, calleeData, g, data)
          : CF_ACCEPT;
        if (verdict === CF_ACCEPT && outbound && calleeData && isValidWsabuf(calleeData)) {
          const given = calleeData.len > 0 ? wsabufBytes(calleeData).slice() : null;
          writeInto(calleeData, outbound(given) ?? new Uint8Array(0), offered);
          onRewrite?.('lpWSPAccept', s, 'outbound');
        }
        return verdict;
      };
      return next(s, addr, addrlen, condition, dwCallbackData, lpErrno);
    },
  };
}

/** Writes `data` into `target` (at most `room` bytes, and what its buffer holds) and sets its `len`. */
function writeInto(target: WSABUF, data: Uint8Array, room: number): void {
  const n = Math.min(data.byteLength, room, target.buf.byteLength);
  target.buf.set(data.subarray(0, n), 0);
  target.len = n;
}

/**
 * A layered provider that rewrites connect data as `options` says.
 *
 * @example
 * // Every connection made through the layer carries the caller data "hello".
 * const layer = createConnectDataLayer({ outbound: () => new TextEncoder().encode('hello') });
 */
export function createConnectDataLayer(options: ConnectDataLayerOptions = {}): LayeredProvider {
  return defineLayeredProvider({
    description: options.description ?? 'connect data',
    style: options.style ?? 'non-ifs',
    calls: connectDataCalls(options),
  });
}

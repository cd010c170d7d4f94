/**
 * The shape of each of the 30 `WSPPROC_TABLE` members as far as a generic layer needs it: whether
 * it returns a Promise (the calls that can block in C), what it returns on failure, and which
 * argument is the socket handle. Tracers and fault injectors wrap every member without knowing its
 * signature, and this table keeps them from, say, turning a synchronous call into an async one.
 * @module
 */

import { INVALID_SOCKET, SOCKET_ERROR } from '../constants/socket-api';
import type { WspProcName } from '../spi/wsp-proc-table';

/** How one `WSPPROC_TABLE` member returns, and where its socket argument is. */
export interface WspCallShape {
  /** True when the member returns a Promise (it can block in C). */
  readonly async: boolean;
  /** The value it returns on failure, with the code in `lpErrno`. */
  readonly failure: number | boolean;
  /** The index of the `SOCKET s` argument, or `undefined` when the call takes none. */
  readonly socketArg: number | undefined;
  /** True when a successful result is a new socket handle (`WSPSocket`, `WSPAccept`, `WSPJoinLeaf`). */
  readonly returnsSocket: boolean;
}

function shape(
  async: boolean,
  failure: number | boolean,
  socketArg: number | undefined,
  returnsSocket = false,
): WspCallShape {
  return { async, failure, socketArg, returnsSocket };
}

/** The shape of every `WSPPROC_TABLE` member, from the ws2spi.h prototypes. */
export const WSP_CALL_SHAPES: Readonly<Record<WspProcName, WspCallShape>> = {
  lpWSPAccept: shape(true, INVALID_SOCKET, 0, true),
  lpWSPAddressToString: shape(false, SOCKET_ERROR, undefined),
  lpWSPAsyncSelect: shape(false, SOCKET_ERROR, 0),
  lpWSPBind: shape(true, SOCKET_ERROR, 0),
  lpWSPCancelBlockingCall: shape(false, SOCKET_ERROR, undefined),
  lpWSPCleanup: shape(false, SOCKET_ERROR, undefined),
  lpWSPCloseSocket: shape(false, SOCKET_ERROR, 0),
  lpWSPConnect: shape(true, SOCKET_ERROR, 0),
  lpWSPDuplicateSocket: shape(false, SOCKET_ERROR, 0),
  lpWSPEnumNetworkEvents: shape(false, SOCKET_ERROR, 0),
  lpWSPEventSelect: shape(false, SOCKET_ERROR, 0),
  lpWSPGetOverlappedResult: shape(true, false, 0),
  lpWSPGetPeerName: shape(false, SOCKET_ERROR, 0),
  lpWSPGetSockName: shape(false, SOCKET_ERROR, 0),
  lpWSPGetSockOpt: shape(false, SOCKET_ERROR, 0),
  lpWSPGetQOSByName: shape(false, false, 0),
  lpWSPIoctl: shape(false, SOCKET_ERROR, 0),
  lpWSPJoinLeaf: shape(true, INVALID_SOCKET, 0, true),
  lpWSPListen: shape(true, SOCKET_ERROR, 0),
  lpWSPRecv: shape(true, SOCKET_ERROR, 0),
  lpWSPRecvDisconnect: shape(false, SOCKET_ERROR, 0),
  lpWSPRecvFrom: shape(true, SOCKET_ERROR, 0),
  lpWSPSelect: shape(true, SOCKET_ERROR, undefined),
  lpWSPSend: shape(true, SOCKET_ERROR, 0),
  lpWSPSendDisconnect: shape(false, SOCKET_ERROR, 0),
  lpWSPSendTo: shape(true, SOCKET_ERROR, 0),
  lpWSPSetSockOpt: shape(false, SOCKET_ERROR, 0),
  lpWSPShutdown: shape(false, SOCKET_ERROR, 0),
  lpWSPSocket: shape(false, INVALID_SOCKET, undefined, true),
  lpWSPStringToAddress: shape(false, SOCKET_ERROR, undefined),
};

/** The `LPINT lpErrno` argument of a WSP call: always the last one. */
export function errnoArgument(args: readonly unknown[]):
  | {
      /** The error code the call sets (`*lpErrno`). */
      value: number;
    }
  | undefined {
  const last = args[args.length - 1];
  return typeof last === 'object' && last !== null && 'value' in last
    ? (last as { value: number })
    : undefined;
}

/** True when `result` is the failure return of a member of this shape. */
export function isFailureResult(shape: WspCallShape, result: unknown): boolean {
  return result === shape.failure;
}

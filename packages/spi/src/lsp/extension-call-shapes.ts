/**
 * The extension functions as a generic layer sees them — by name, with where their sockets are
 * and what they return on failure — so that tracers and fault injectors can wrap them as they wrap
 * the 30 WSP functions. Unlike those, an extension function has no `lpErrno`: its error is the
 * process's last error (`WSAGetLastError`).
 * @module
 */

import {
  WSAID_ACCEPTEX,
  WSAID_CONNECTEX,
  WSAID_DISCONNECTEX,
  WSAID_GETACCEPTEXSOCKADDRS,
  WSAID_TRANSMITFILE,
  WSAID_WSARECVMSG,
  WSAID_WSASENDMSG,
} from '../constants/mswsock';
import { SOCKET_ERROR } from '../constants/socket-api';
import type { GUID } from '../types/guid';

/** The extension functions layers see, by their mswsock.h names. */
export type ExtensionFunctionName =
  | 'AcceptEx'
  | 'GetAcceptExSockaddrs'
  | 'ConnectEx'
  | 'DisconnectEx'
  | 'TransmitFile'
  | 'WSARecvMsg'
  | 'WSASendMsg';

/** How one extension function returns, and where its socket arguments are. */
export interface ExtensionCallShape {
  /** True when it returns a Promise (it can block in C). */
  readonly async: boolean;
  /** What it returns on failure (undefined: it returns nothing). */
  readonly failure: boolean | number | undefined;
  /** The indexes of its `SOCKET` arguments (`AcceptEx` has two). */
  readonly socketArgs: readonly number[];
}

/** The shape of every extension function. */
export const EXTENSION_CALL_SHAPES: Readonly<Record<ExtensionFunctionName, ExtensionCallShape>> = {
  AcceptEx: { async: false, failure: false, socketArgs: [0, 1] },
  GetAcceptExSockaddrs: { async: false, failure: undefined, socketArgs: [] },
  ConnectEx: { async: false, failure: false, socketArgs: [0] },
  DisconnectEx: { async: false, failure: false, socketArgs: [0] },
  TransmitFile: { async: true, failure: false, socketArgs: [0] },
  WSARecvMsg: { async: true, failure: SOCKET_ERROR, socketArgs: [0] },
  WSASendMsg: { async: true, failure: SOCKET_ERROR, socketArgs: [0] },
};

const NAMES = new Map<GUID, ExtensionFunctionName>([
  [WSAID_ACCEPTEX, 'AcceptEx'],
  [WSAID_GETACCEPTEXSOCKADDRS, 'GetAcceptExSockaddrs'],
  [WSAID_CONNECTEX, 'ConnectEx'],
  [WSAID_DISCONNECTEX, 'DisconnectEx'],
  [WSAID_TRANSMITFILE, 'TransmitFile'],
  [WSAID_WSARECVMSG, 'WSARecvMsg'],
  [WSAID_WSASENDMSG, 'WSASendMsg'],
]);

/** The name of the extension function a GUID stands for, or undefined. */
export function extensionFunctionName(guid: unknown): ExtensionFunctionName | undefined {
  if (typeof guid !== 'string') return undefined;
  return NAMES.get(
    guid
      .trim()
      .replace(/^\{(.*)\}$/, '$1')
      .toLowerCase(),
  );
}

/** True for a name of `EXTENSION_CALL_SHAPES`. */
export function isExtensionFunctionName(name: unknown): name is ExtensionFunctionName {
  return typeof name === 'string' && Object.hasOwn(EXTENSION_CALL_SHAPES, name);
}

/**
 * The extension functions of one kit provider instance, by the GUID
 * `SIO_GET_EXTENSION_FUNCTION_POINTER` names them with: the eight of Microsoft's TCP/IP provider
 * except `TransmitPackets`. One set per instance: a function finds its sockets in the instance
 * that handed it out, so the pointer belongs to the provider of the socket it was asked for.
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
} from '../../constants/mswsock';
import type { ExtensionFunction } from '../../spi/mswsock-types';
import type { GUID } from '../../types/guid';
import type { ProviderInstance } from '../provider-instance';
import { createAcceptEx } from './accept-ex';
import { createConnectEx } from './connect-ex';
import { createDisconnectEx } from './disconnect-ex';
import { GetAcceptExSockaddrs } from './get-accept-ex-sockaddrs';
import { createWsaRecvMsg } from './recv-msg';
import { createWsaSendMsg } from './send-msg';
import { createTransmitFile } from './transmit-file';

const tables = new WeakMap<ProviderInstance, ReadonlyMap<GUID, ExtensionFunction>>();

/** The instance's extension function for `guid` (any case, with or without braces), or undefined. */
export function extensionFunction(instance: ProviderInstance, guid: unknown): ExtensionFunction | undefined {
  if (typeof guid !== 'string') return undefined;
  let table = tables.get(instance);
  if (!table) {
    table = new Map<GUID, ExtensionFunction>([
      [WSAID_ACCEPTEX, createAcceptEx(instance)],
      [WSAID_CONNECTEX, createConnectEx(instance)],
      [WSAID_DISCONNECTEX, createDisconnectEx(instance)],
      [WSAID_GETACCEPTEXSOCKADDRS, GetAcceptExSockaddrs],
      [WSAID_TRANSMITFILE, createTransmitFile(instance)],
      [WSAID_WSARECVMSG, createWsaRecvMsg(instance)],
      [WSAID_WSASENDMSG, createWsaSendMsg(instance)],
    ]);
    tables.set(instance, table);
  }
  return table.get(
    guid
      .trim()
      .replace(/^\{(.*)\}$/, '$1')
      .toLowerCase(),
  );
}

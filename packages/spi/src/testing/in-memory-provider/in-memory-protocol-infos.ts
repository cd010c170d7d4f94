/**
 * The catalog entries (`WSAPROTOCOL_INFOW`) of the in-memory provider. What the provider does is
 * decided by these entries' service flags: stream (`SOCK_STREAM`) or message-oriented
 * (`SOCK_SEQPACKET`, `XP1_MESSAGE_ORIENTED`) connections, with or without `XP1_CONNECT_DATA` and
 * `XP1_DISCONNECT_DATA`, and a datagram flavour (`SOCK_DGRAM`).
 * @module
 */

import { defineProtocolInfo } from '../../catalog/define-protocol-info';
import { AF_INET, AF_INET6 } from '../../constants/address-families';
import { PFL_MATCHES_PROTOCOL_ZERO } from '../../constants/provider-flags';
import {
  XP1_CONNECT_DATA,
  XP1_CONNECTIONLESS,
  XP1_DISCONNECT_DATA,
  XP1_EXPEDITED_DATA,
  XP1_GRACEFUL_CLOSE,
  XP1_GUARANTEED_DELIVERY,
  XP1_GUARANTEED_ORDER,
  XP1_IFS_HANDLES,
  XP1_MESSAGE_ORIENTED,
  XP1_PARTIAL_MESSAGE,
  XP1_SUPPORT_BROADCAST,
} from '../../constants/service-flags';
import { SOCK_DGRAM, SOCK_SEQPACKET, SOCK_STREAM } from '../../constants/socket-types';
import type { GUID } from '../../types/guid';
import type { WSAPROTOCOL_INFOW } from '../../types/protocol-info';

/** The kinds of entry the in-memory provider offers. */
export type InMemoryFlavour = 'stream' | 'message' | 'datagram';

/** The default protocol number: 253, reserved for experimentation (RFC 3692), so it clashes with no real protocol. */
export const IN_MEMORY_DEFAULT_PROTOCOL = 253;

/** Largest message of the message-oriented flavour (`dwMessageSize`, `SO_MAX_MSG_SIZE`). */
export const IN_MEMORY_MAX_MESSAGE = 1024 * 1024;

/** How to describe the in-memory provider's entries. */
export interface InMemoryProtocolOptions {
  /** IP versions to offer; default both (`AF_INET` and `AF_INET6`). */
  families?: readonly (4 | 6)[];
  /** Entry kinds to offer; default stream and message. */
  flavours?: readonly InMemoryFlavour[];
  /** `iProtocol` of every entry (the socket types tell them apart); default 253. */
  protocol?: number;
  /** `XP1_CONNECT_DATA` on the connection-oriented entries; default false. */
  connectData?: boolean;
  /** `XP1_DISCONNECT_DATA` on the connection-oriented entries; default false. */
  disconnectData?: boolean;
  /** `XP1_EXPEDITED_DATA` on the connection-oriented entries; default true. */
  expedited?: boolean;
  /** `XP1_PARTIAL_MESSAGE` on the message-oriented entries; default false. */
  partialMessages?: boolean;
  /** `PFL_MATCHES_PROTOCOL_ZERO`, so `socket(af, type, 0)` may choose these entries; default false. */
  matchesProtocolZero?: boolean;
  /** IFS handles (`XP1_IFS_HANDLES`) or handles minted by `WPUCreateSocketHandle`; default `'ifs'`. */
  handles?: 'ifs' | 'non-ifs';
  /** The ProviderId; default a fixed GUID derived from the protocol number and the flags above. */
  providerId?: GUID;
}

function hex(value: number, digits: number): string {
  return (value >>> 0).toString(16).padStart(digits, '0').slice(-digits);
}

/**
 * The ProviderId of a configuration: the same options always give the same GUID, and different
 * protocol numbers or flags give different ones, so several configurations can be installed at once.
 *
 * @example
 * inMemoryProviderId({ disconnectData: true });   // the same GUID every time for these options
 */
export function inMemoryProviderId(options: InMemoryProtocolOptions = {}): GUID {
  if (options.providerId) return options.providerId;
  const protocol = options.protocol ?? IN_MEMORY_DEFAULT_PROTOCOL;
  const bits =
    (options.connectData ? 1 : 0) |
    (options.disconnectData ? 2 : 0) |
    (options.expedited === false ? 0 : 4) |
    (options.partialMessages ? 8 : 0) |
    (options.handles === 'non-ifs' ? 16 : 0);
  return `7a3d9e10-5b2c-4f8e-9c41-${hex(protocol, 4)}${hex(bits, 8)}`;
}

/**
 * The entries, one per family and flavour, in that order (IPv4 first).
 *
 * @example
 * catalog.WSCInstallProvider(inMemoryProviderId(), 'in-memory', inMemoryProtocolInfos({ families: [4] }), 2, out(0));
 */
export function inMemoryProtocolInfos(options: InMemoryProtocolOptions = {}): WSAPROTOCOL_INFOW[] {
  const families = options.families ?? [4, 6];
  const flavours = options.flavours ?? ['stream', 'message'];
  const protocol = options.protocol ?? IN_MEMORY_DEFAULT_PROTOCOL;
  const ifs = (options.handles ?? 'ifs') === 'ifs' ? XP1_IFS_HANDLES : 0;
  const providerId = inMemoryProviderId(options);
  const infos: WSAPROTOCOL_INFOW[] = [];
  for (const family of families) {
    for (const flavour of flavours) {
      let flags: number;
      let type: number;
      let messageSize: number;
      if (flavour === 'datagram') {
        flags = XP1_CONNECTIONLESS | XP1_MESSAGE_ORIENTED | XP1_SUPPORT_BROADCAST | ifs;
        type = SOCK_DGRAM;
        messageSize = family === 4 ? 65507 : 65527;
      } else {
        flags =
          XP1_GUARANTEED_DELIVERY |
          XP1_GUARANTEED_ORDER |
          XP1_GRACEFUL_CLOSE |
          ifs |
          (options.expedited === false ? 0 : XP1_EXPEDITED_DATA) |
          (options.connectData ? XP1_CONNECT_DATA : 0) |
          (options.disconnectData ? XP1_DISCONNECT_DATA : 0);
        if (flavour === 'message') {
          flags |= XP1_MESSAGE_ORIENTED | (options.partialMessages ? XP1_PARTIAL_MESSAGE : 0);
          type = SOCK_SEQPACKET;
          messageSize = IN_MEMORY_MAX_MESSAGE;
        } else {
          type = SOCK_STREAM;
          messageSize = 0;
        }
      }
      const data = [
        options.connectData && flavour !== 'datagram' ? 'connect data' : '',
        options.disconnectData && flavour !== 'datagram' ? 'disconnect data' : '',
      ]
        .filter(Boolean)
        .join(', ');
      infos.push(
        defineProtocolInfo({
          szProtocol: `In-memory ${flavour} [IPv${family}]${data ? ` (${data})` : ''}`,
          iAddressFamily: family === 4 ? AF_INET : AF_INET6,
          iSocketType: type,
          iProtocol: protocol,
          dwServiceFlags1: flags,
          dwMessageSize: messageSize,
          dwProviderFlags: options.matchesProtocolZero ? PFL_MATCHES_PROTOCOL_ZERO : 0,
          ProviderId: providerId,
        }),
      );
    }
  }
  return infos;
}

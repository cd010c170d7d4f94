/**
 * `WSPDuplicateSocket` of the kit, and the `WSPSocket` that opens a duplicate. Duplicating makes a
 * new descriptor of the same socket, not a new socket: every descriptor shares the connection,
 * its state and its options, and the socket lives until its last descriptor is closed.
 *
 * - Into another `Ws2` process of this Node process (or the same one): the protocol info carries a
 *   token in `dwProviderReserved`, and the target's `WSASocketW(FROM_PROTOCOL_INFO …, &info)` gets
 *   a new handle of the same kit socket. The duplicate counts as a descriptor from the moment it is
 *   made (Windows duplicates the handle into the target at once), so closing the source first does
 *   not close the socket.
 * - Into a child Node process (`registerChildProcess`): the connection's operating-system handle
 *   goes to the child over its IPC channel (`child.send(…, socket, { keepOpen: true })`) ahead of
 *   the protocol info, and the child's `WSASocketW` adopts it (`receiveDuplicatedSockets` in the
 *   child). Both processes then hold the same TCP connection: each side's close lets go of its own
 *   descriptor only (the system sends the FIN when the last one closes), and each side reads from
 *   the connection only while it has a receive waiting, so the bytes stay in the system for
 *   whichever process asks for them. A connected stream socket whose transport has a real handle
 *   (TCP over Node's `net`) can go to a child; anything else is `WSAEINVAL` there.
 *
 * The protocol info can be used once, in the process it was made for; another use is `WSAEINVAL`.
 * @module
 */

import { WSAEFAULT, WSAEINVAL } from '../constants/error-codes';
import { findProcess } from '../dispatcher/process-directory';
import { providerHost } from '../dispatcher/provider-host';
import type { SOCKET } from '../spi/wsp-types';
import type { Out } from '../types/out-cell';
import { cloneProtocolInfo, type WSAPROTOCOL_INFOW } from '../types/protocol-info';
import { isOut } from './buffer-io';
import { fail } from './kit-failure';
import type { KitSocket } from './kit-socket';
import type { ProviderInstance } from './provider-instance';
import { StreamSocket } from './stream-socket';

/** The IPC message that carries a duplicated connection's handle to a child. */
export const DUPLICATED_SOCKET_MESSAGE = 'ws2spi:duplicated-socket';

/** Duplicates made and not yet opened, at most this many (the oldest is dropped beyond). */
const MAX_PENDING = 4096;

interface PendingDuplicate {
  readonly socket: KitSocket;
  readonly targetPid: number;
}

const pending = new Map<number, PendingDuplicate>();
const received = new Map<number, unknown>();
const used = new Set<number>();
/** Descriptors beyond the first, per socket. */
const extraDescriptors = new WeakMap<KitSocket, number>();
let nextToken = 0;

/** A token unique to this Node process (its pid in the high bits), for `dwProviderReserved`. */
function newToken(): number {
  nextToken = (nextToken + 1) % 0x100000;
  return process.pid * 0x100000 + nextToken;
}

function remember(token: number): void {
  used.add(token);
  if (used.size > MAX_PENDING) used.delete(used.values().next().value as number);
}

/** One more descriptor of `socket`. */
function addDescriptor(socket: KitSocket): void {
  extraDescriptors.set(socket, (extraDescriptors.get(socket) ?? 0) + 1);
}

/**
 * A descriptor of `socket` is closed: true when others remain (the socket stays open), false
 * when it was the last (the socket closes).
 */
export function dropDescriptor(socket: KitSocket): boolean {
  const extra = extraDescriptors.get(socket) ?? 0;
  if (extra === 0) return false;
  if (extra === 1) extraDescriptors.delete(socket);
  else extraDescriptors.set(socket, extra - 1);
  return true;
}

/** `WSPDuplicateSocket`: the protocol info the target process opens the duplicate with. */
export function duplicateSocket(
  instance: ProviderInstance,
  s: SOCKET,
  dwProcessId: number,
  lpProtocolInfo: Out<WSAPROTOCOL_INFOW | null> | null,
): void {
  const socket = instance.lookup(s);
  const target = findProcess(dwProcessId);
  if (!target) fail(WSAEINVAL);
  if (!isOut(lpProtocolInfo)) fail(WSAEFAULT);
  const token = newToken();
  if (target.kind === 'local') {
    addDescriptor(socket);
    pending.set(token, { socket, targetPid: target.pid });
    if (pending.size > MAX_PENDING) {
      const [oldest, dropped] = pending.entries().next().value as [number, PendingDuplicate];
      pending.delete(oldest);
      if (!dropDescriptor(dropped.socket)) dropped.socket.close();
    }
  } else {
    const native = socket instanceof StreamSocket ? socket.exportConnection() : undefined;
    if (native === undefined || !(socket instanceof StreamSocket)) fail(WSAEINVAL);
    target.child.send({ type: DUPLICATED_SOCKET_MESSAGE, token }, native as never, { keepOpen: true });
    socket.shareAcrossProcesses();
  }
  lpProtocolInfo.value = { ...cloneProtocolInfo(socket.info), dwProviderReserved: token };
}

/**
 * `WSPSocket` with the protocol info of a duplicate: a new handle of the duplicated socket, or of
 * a connection a parent handed over; undefined when `dwProviderReserved` is no duplicate's token.
 */
export function openDuplicate(instance: ProviderInstance, info: WSAPROTOCOL_INFOW): SOCKET | undefined {
  const token = info.dwProviderReserved;
  if (typeof token !== 'number' || token === 0) return undefined;
  const local = pending.get(token);
  if (local) {
    if (providerHost(instance.upcalls)?.io?.processId !== local.targetPid) fail(WSAEINVAL);
    pending.delete(token);
    remember(token);
    return instance.registerDescriptor(local.socket);
  }
  const handle = received.get(token);
  if (handle !== undefined) {
    received.delete(token);
    remember(token);
    const driver = instance.driverFor(info);
    const link = driver.kind === 'stream' ? driver.adoptHandle?.(handle) : undefined;
    if (!link || driver.kind !== 'stream') return fail(WSAEINVAL);
    const socket = new StreamSocket(instance, info, driver);
    const s = instance.register(socket);
    socket.adoptAccepted(link);
    socket.shareAcrossProcesses();
    return s;
  }
  if (used.has(token)) fail(WSAEINVAL);
  return undefined;
}

/**
 * In a child process: takes the connections its parent duplicates into it (`WSADuplicateSocketW`
 * with the child's process ID), so that `WSASocketW` with the protocol info the parent then sends
 * opens them. Returns the function that stops listening.
 */
export function receiveDuplicatedSockets(channel: NodeJS.Process = process): () => void {
  const onMessage = (message: unknown, handle: unknown): void => {
    const m = message as { type?: unknown; token?: unknown } | null;
    if (m?.type !== DUPLICATED_SOCKET_MESSAGE || typeof m.token !== 'number' || handle === undefined) return;
    received.set(m.token, handle);
    if (received.size > MAX_PENDING) {
      const oldest = received.keys().next().value as number;
      const dropped = received.get(oldest) as { destroy?: () => void } | undefined;
      received.delete(oldest);
      dropped?.destroy?.();
    }
  };
  channel.on('message', onMessage);
  return () => channel.off('message', onMessage);
}

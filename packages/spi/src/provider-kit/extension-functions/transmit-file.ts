/**
 * `TransmitFile` of the kit: the head buffer, then a real file read with `node:fs` (from the
 * `OVERLAPPED`'s `Offset`/`OffsetHigh`, or from the file's current position without one), then the
 * tail buffer, in sends of `nNumberOfBytesPerSend` bytes (64 KiB by default); `TF_DISCONNECT` then
 * disconnects as `DisconnectEx` does, and `TF_REUSE_SOCKET` (only with it) leaves the socket
 * reusable. Overlapped it pends and completes with the bytes sent.
 *
 * Checks, in the order Windows shows them (Wine's test_TransmitFile): not a socket →
 * `WSAENOTSOCK`; not a connected stream socket (a datagram socket included) → `WSAENOTCONN`,
 * before the flags are looked at; `TF_REUSE_SOCKET` without `TF_DISCONNECT`, an unknown flag, more
 * than 2,147,483,646 bytes, a file that is not open or an offset past its end → `WSAEINVAL`; the
 * sending side shut → `WSAESHUTDOWN`.
 * @module
 */

import { fstatSync, read } from 'node:fs';
import {
  WSA_OPERATION_ABORTED,
  WSAEFAULT,
  WSAEINVAL,
  WSAENOTCONN,
  WSAENOTSOCK,
  WSAESHUTDOWN,
} from '../../constants/error-codes';
import {
  TF_DISCONNECT,
  TF_REUSE_SOCKET,
  TF_USE_KERNEL_APC,
  TF_USE_SYSTEM_THREAD,
  TF_WRITE_BEHIND,
} from '../../constants/mswsock';
import {
  type FILE_HANDLE,
  type LPFN_TRANSMITFILE,
  type TRANSMIT_FILE_BUFFERS,
  TRANSMIT_FILE_MAX_BYTES,
} from '../../spi/mswsock-types';
import type { WSAOVERLAPPED } from '../../spi/wsp-types';
import { fail } from '../kit-failure';
import type { KitSocket } from '../kit-socket';
import { pendRequest } from '../overlapped-io';
import type { ProviderInstance } from '../provider-instance';
import { StreamSocket } from '../stream-socket';
import { asyncCall } from './extension-call';

const KNOWN_FLAGS =
  TF_DISCONNECT | TF_REUSE_SOCKET | TF_WRITE_BEHIND | TF_USE_SYSTEM_THREAD | TF_USE_KERNEL_APC;
const DEFAULT_SEND_SIZE = 64 * 1024;

function fdOf(hFile: FILE_HANDLE): number | undefined {
  const fd = typeof hFile === 'number' ? hFile : typeof hFile === 'object' && hFile !== null ? hFile.fd : NaN;
  return Number.isInteger(fd) && fd >= 0 ? fd : undefined;
}

function readChunk(fd: number, length: number, position: number | null): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const buffer = Buffer.alloc(length);
    read(fd, buffer, 0, length, position, (error, n) => {
      if (error) reject(error);
      else resolve(new Uint8Array(buffer.buffer, buffer.byteOffset, n));
    });
  });
}

function buffersOf(b: TRANSMIT_FILE_BUFFERS | null): { head: Uint8Array | null; tail: Uint8Array | null } {
  if (b === null) return { head: null, tail: null };
  if (typeof b !== 'object') fail(WSAEFAULT);
  const piece = (data: Uint8Array | null, length: number): Uint8Array | null => {
    if (data === null || length === 0) return null;
    if (!(data instanceof Uint8Array) || !Number.isInteger(length) || length < 0 || length > data.byteLength)
      fail(WSAEFAULT);
    return data.slice(0, length);
  };
  return { head: piece(b.Head, b.HeadLength), tail: piece(b.Tail, b.TailLength) };
}

/** The `TransmitFile` of one provider instance. */
export function createTransmitFile(instance: ProviderInstance): LPFN_TRANSMITFILE {
  return (
    hSocket,
    hFile,
    nNumberOfBytesToWrite,
    nNumberOfBytesPerSend,
    lpOverlapped,
    lpTransmitBuffers,
    dwReserved,
  ) =>
    asyncCall(instance, false, async () => {
      let socket: KitSocket;
      try {
        socket = instance.lookup(hSocket);
      } catch {
        return fail(WSAENOTSOCK);
      }
      if (!(socket instanceof StreamSocket) || socket.connectionState !== 'connected') fail(WSAENOTCONN);
      const flags = dwReserved >>> 0;
      if (flags & ~KNOWN_FLAGS || (flags & TF_REUSE_SOCKET && !(flags & TF_DISCONNECT))) fail(WSAEINVAL);
      if (socket.sendingShut) fail(WSAESHUTDOWN);
      const toWrite = nNumberOfBytesToWrite >>> 0;
      if (toWrite > TRANSMIT_FILE_MAX_BYTES) fail(WSAEINVAL);
      const perSend = nNumberOfBytesPerSend >>> 0 || DEFAULT_SEND_SIZE;
      const ov = typeof lpOverlapped === 'object' && lpOverlapped !== null ? lpOverlapped : null;
      const { head, tail } = buffersOf(lpTransmitBuffers);
      let fd: number | undefined;
      let start: number | null = null;
      let fileBytes = 0;
      if (hFile !== null && hFile !== undefined) {
        fd = fdOf(hFile);
        if (fd === undefined) fail(WSAEINVAL);
        let size: number;
        try {
          size = fstatSync(fd).size;
        } catch {
          return fail(WSAEINVAL);
        }
        if (ov) {
          start = (ov.Offset ?? 0) + (ov.OffsetHigh ?? 0) * 0x100000000;
          if (start > size) fail(WSAEINVAL);
          fileBytes = toWrite === 0 ? size - start : Math.min(toWrite, size - start);
        } else {
          // The current position is the file's own: read on from there, as many bytes as asked (0:
          // to the end of the file).
          fileBytes = toWrite === 0 ? Number.POSITIVE_INFINITY : toWrite;
        }
      }
      const stream = socket;
      const transmit = async (): Promise<number> => {
        let sent = 0;
        const sendAll = async (data: Uint8Array): Promise<void> => {
          for (let at = 0; at < data.byteLength; at += perSend) {
            const piece = data.subarray(at, Math.min(data.byteLength, at + perSend));
            sent += await stream.send([{ len: piece.byteLength, buf: piece }], 0, null, 0, true);
          }
        };
        if (head) await sendAll(head);
        if (fd !== undefined) {
          let left = fileBytes;
          let position = start;
          while (left > 0) {
            const chunk = await readChunk(
              fd,
              Math.min(perSend, left === Number.POSITIVE_INFINITY ? perSend : left),
              position,
            );
            if (chunk.byteLength === 0) break;
            await sendAll(chunk);
            left -= chunk.byteLength;
            if (position !== null) position += chunk.byteLength;
          }
        }
        if (tail) await sendAll(tail);
        if (flags & TF_DISCONNECT) {
          stream.sendDisconnect(null);
          if (flags & TF_REUSE_SOCKET) stream.resetForReuse();
        }
        return sent;
      };
      if (!ov) {
        await transmit();
        return true;
      }
      pendRequest(
        instance,
        {
          socket: stream,
          handle: hSocket,
          lpOverlapped: ov as WSAOVERLAPPED,
          lpCompletionRoutine: null,
          lpThreadId: null,
          abortCode: WSA_OPERATION_ABORTED,
        },
        async () => ({ bytes: await transmit(), flags: 0, error: 0 }),
      );
    });
}

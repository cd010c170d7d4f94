/**
 * A send a layer makes on its own on the lower socket (a fault injector's pipe delivering queued
 * bytes), overlapped so that it waits for buffer space whatever blocking mode the application
 * chose, and awaited to its end: an overlapped call may finish at once (0) or pend
 * (`WSA_IO_PENDING`, and always does below a non-IFS layer); then the layer waits on the event of
 * its `OVERLAPPED` — one made with `WPUCreateEvent` — and reads the result with the lower
 * `WSPGetOverlappedResult`.
 * @module
 */

import { WSA_IO_PENDING, WSAENOBUFS } from '../constants/error-codes';
import { SOCKET_ERROR } from '../constants/socket-api';
import { isWsaEvent } from '../dispatcher/event-object';
import type { WSPPROC_TABLE } from '../spi/wsp-proc-table';
import type { LPINT, SOCKET, WSAOVERLAPPED } from '../spi/wsp-types';
import type { WSPUPCALLTABLE } from '../spi/wsp-upcall-table';
import { type Out, out } from '../types/out-cell';
import type { WSABUF } from '../types/wsabuf';

/**
 * `WSPSend(socket, buffers, 1, sent, flags, <own OVERLAPPED>)` awaited until it completed: 0 with
 * `sent` filled, or `SOCKET_ERROR` with the error in `lpErrno`.
 */
export async function sendAndWait(
  table: WSPPROC_TABLE,
  upcalls: WSPUPCALLTABLE,
  socket: SOCKET,
  buffer: WSABUF,
  flags: number,
  thread: unknown,
  sent: Out<number>,
  lpErrno: LPINT,
): Promise<number> {
  const event = upcalls.lpWPUCreateEvent(out(0));
  if (!isWsaEvent(event)) {
    lpErrno.value = WSAENOBUFS;
    return SOCKET_ERROR;
  }
  try {
    const overlapped: WSAOVERLAPPED = { Internal: 0, InternalHigh: 0, hEvent: event };
    const rc = await table.lpWSPSend(
      socket,
      [buffer],
      1,
      sent,
      flags,
      overlapped,
      null,
      thread as never,
      lpErrno,
    );
    if (rc !== SOCKET_ERROR || lpErrno.value !== WSA_IO_PENDING) return rc;
    await event.wait().promise;
    const ok = await table.lpWSPGetOverlappedResult(socket, overlapped, sent, false, out(0), lpErrno);
    return ok ? 0 : SOCKET_ERROR;
  } finally {
    upcalls.lpWPUCloseEvent(event, out(0));
  }
}

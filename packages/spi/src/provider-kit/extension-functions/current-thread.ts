/**
 * The calling "thread" of an extension function: the application calls it directly, without an
 * `lpThreadId`, so a completion routine's APC is queued to the thread `WPUOpenCurrentThread` names.
 * @module
 */

import type { WSATHREADID } from '../../spi/wsp-types';
import { out } from '../../types/out-cell';
import type { ProviderInstance } from '../provider-instance';

/** `WPUOpenCurrentThread` for the calling flow; null when the upcall fails. */
export function currentThread(instance: ProviderInstance): WSATHREADID | null {
  const thread: WSATHREADID = { ThreadHandle: 0, Reserved: 0 };
  try {
    return instance.upcalls.lpWPUOpenCurrentThread(thread, out(0)) === 0 ? thread : null;
  } catch {
    return null;
  }
}

/**
 * IFS handles. On Windows an IFS provider's socket handle is a kernel file handle, unique in the
 * process, which the provider registers with `WPUModifyIFSHandle` and releases with `CloseHandle`.
 * Here the "kernel" is this module: handles are numbers from one counter, multiples of 4 as
 * Windows handles are, never reused, so a handle from a closed socket or from an earlier
 * `WSAStartup` can never be mistaken for a live one. Non-IFS handles (`WPUCreateSocketHandle`)
 * come from the same counter.
 *
 * Because values are never reused, a closed IFS handle must be forgotten explicitly: a provider
 * calls `closeIfsHandle` (its `CloseHandle`), and every process's handle table drops the record —
 * also for handles the application never saw, such as a base provider's under a non-IFS layer.
 * The counter and the close listeners are this module's state: the kernel is one per Node process.
 * @module
 */

let next = 0x100;
const closeListeners = new Set<(handle: number) => void>();

/** A new kernel-style handle value for an IFS provider to propose to `WPUModifyIFSHandle`. */
export function createIfsHandle(): number {
  next += 4;
  return next;
}

/** `CloseHandle` for an IFS socket handle: the provider has closed the socket behind it. */
export function closeIfsHandle(handle: number): void {
  for (const listener of closeListeners) listener(handle);
}

/**
 * Calls `listener` with every IFS handle closed from now on; returns the function that stops it.
 * The dispatcher uses this to keep its handle tables free of closed handles.
 */
export function onIfsHandleClosed(listener: (handle: number) => void): () => void {
  closeListeners.add(listener);
  return () => closeListeners.delete(listener);
}

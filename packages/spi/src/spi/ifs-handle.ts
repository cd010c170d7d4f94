/**
 * IFS handles. On Windows an IFS provider's socket handle is a kernel file handle, unique in the
 * process, which the provider registers with `WPUModifyIFSHandle`. Here the "kernel" is this
 * module: handles are numbers from one counter, multiples of 4 as Windows handles are, never
 * reused, so a handle from a closed socket or from an earlier `WSAStartup` can never be mistaken
 * for a live one. Non-IFS handles (`WPUCreateSocketHandle`) come from the same counter.
 * @module
 */

let next = 0x100;

/** A new kernel-style handle value for an IFS provider to propose to `WPUModifyIFSHandle`. */
export function createIfsHandle(): number {
  next += 4;
  return next;
}

/**
 * An out-parameter: where C passes `LPINT lpErrno` or `LPDWORD lpdwBufferLength`, the TypeScript
 * face passes a `{ value }` cell that the callee writes. Keeping the C shape lets code and docs
 * written against winsock2.h / ws2spi.h be followed line by line.
 */
export interface Out<T> {
  /** What the callee wrote (or what the caller passed in, for in-out parameters). */
  value: T;
}

/** A fresh out-cell holding `initial`. */
export function out<T>(initial: T): Out<T> {
  return { value: initial };
}

/**
 * Socket addresses cross the WSP boundary by value, as C copies `struct sockaddr` bytes: the kit
 * never hands out, or keeps, an object the application can change afterwards.
 * @module
 */

import type { SOCKADDR } from '../types/sockaddr';

/** A copy of a socket address (its own fields; addresses are flat records). */
export function copySockaddr<T extends SOCKADDR>(address: T): T {
  return { ...address };
}

/** True when two addresses have the same family and the same field values. */
export function sameSockaddr(a: SOCKADDR, b: SOCKADDR): boolean {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const ra = a as unknown as Record<string, unknown>;
  const rb = b as unknown as Record<string, unknown>;
  return ka.every((k) => ra[k] === rb[k]);
}

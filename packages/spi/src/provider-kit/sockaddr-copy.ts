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

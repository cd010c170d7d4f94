/**
 * The sockets of a non-IFS layered provider in one process — the Microsoft sample's `SOCK_INFO`
 * list, which lives in the DLL's globals and so is shared by every `WSPStartup` of the layer in
 * that process. The dispatcher starts an LSP once per chain entry (each has its own ProviderId),
 * and `WSPSelect` reaches the layer through one of those startups with handles made by another:
 * a table per startup would answer `WSAENOTSOCK` for them.
 * @module
 */

import type { SOCKET } from '../spi/wsp-types';

/** The sockets of one non-IFS layer in one process, each with the startup that made it. */
export class LayerSocketTable<Socket extends { readonly lower: SOCKET }, Owner> {
  private readonly owners = new Map<Socket, Owner>();
  private readonly byLowerHandle = new Map<SOCKET, Socket>();

  /** Records a socket adopted by `owner` (a startup of the layer). */
  add(socket: Socket, owner: Owner): void {
    this.owners.set(socket, owner);
    this.byLowerHandle.set(socket.lower, socket);
  }

  /** True when `socket` is a live socket of this layer (of any startup). */
  has(socket: Socket): boolean {
    return this.owners.has(socket);
  }

  /** The socket whose lower handle is `lower`. Lower handles are the process's, so unique in it. */
  byLower(lower: SOCKET): Socket | undefined {
    return this.byLowerHandle.get(lower);
  }

  /** Forgets a socket. */
  delete(socket: Socket): void {
    if (!this.owners.delete(socket)) return;
    if (this.byLowerHandle.get(socket.lower) === socket) this.byLowerHandle.delete(socket.lower);
  }

  /** The sockets `owner` adopted and has not released, for its `WSPCleanup`. */
  ownedBy(owner: Owner): Socket[] {
    return [...this.owners].filter(([, o]) => o === owner).map(([socket]) => socket);
  }
}

/**
 * The processes a socket can be duplicated into (`WSADuplicateSocketW`'s `dwProcessId`): every
 * `Ws2` process of this Node process, each with a process ID of its own, and the child Node
 * processes registered with `registerChildProcess`, by their OS process ID. Windows opens any
 * process by its ID; a Node process can only reach the processes it shares an IPC channel with.
 * @module
 */

import type { ChildProcess } from 'node:child_process';

/** Where a process ID leads. */
export type ProcessTarget =
  | {
      /** A `Ws2` process of this Node process. */
      readonly kind: 'local';
      /** Its process ID, as `registerProcess` gave it. */
      readonly pid: number;
    }
  | {
      /** A child Node process registered with `registerChildProcess`. */
      readonly kind: 'child';
      /** Its OS process ID. */
      readonly pid: number;
      /** The child, whose IPC channel carries the duplicated socket. */
      readonly child: ChildProcess;
    };

/**
 * `Ws2` process IDs: multiples of 4 (as Windows' are) well above any OS process ID (Linux caps
 * those at 2^22), so a `Ws2` process can never be mistaken for a child Node process.
 */
const FIRST_LOCAL_PID = 0x10000000;
let nextLocalPid = FIRST_LOCAL_PID;

const locals = new Map<number, WeakRef<object>>();
const children = new Map<number, ChildProcess>();

/** Gives a `Ws2` process its process ID; the entry goes when the object is collected. */
export function registerProcess(process: object): number {
  nextLocalPid += 4;
  locals.set(nextLocalPid, new WeakRef(process));
  // Forget collected processes now and then, so the directory stays as small as the live set.
  if (locals.size % 256 === 0) {
    for (const [pid, ref] of locals) if (ref.deref() === undefined) locals.delete(pid);
  }
  return nextLocalPid;
}

/**
 * Makes a child Node process (forked with an IPC channel) a process sockets can be duplicated
 * into, by its OS process ID, until it exits. The child receives them with
 * `receiveDuplicatedSockets()`.
 */
export function registerChildProcess(child: ChildProcess): void {
  const pid = child.pid;
  if (pid === undefined || typeof child.send !== 'function') {
    throw new TypeError('registerChildProcess: the child has no process ID or no IPC channel');
  }
  children.set(pid, child);
  child.once('exit', () => {
    if (children.get(pid) === child) children.delete(pid);
  });
}

/** The process behind an ID, or undefined when there is none (`WSAEINVAL` for `WSADuplicateSocketW`). */
export function findProcess(pid: number): ProcessTarget | undefined {
  if (!Number.isInteger(pid)) return undefined;
  if (locals.get(pid)?.deref() !== undefined) return { kind: 'local', pid };
  const child = children.get(pid);
  if (child?.connected) return { kind: 'child', pid, child };
  return undefined;
}

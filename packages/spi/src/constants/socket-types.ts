/** Socket types (`SOCK_*`, winsock2.h). @module */

/** `SOCK_STREAM` (winsock2.h): stream socket: reliable, ordered, connection-oriented bytes (TCP). */
export const SOCK_STREAM = 1;
/** `SOCK_DGRAM` (winsock2.h): datagram socket: connectionless messages (UDP). */
export const SOCK_DGRAM = 2;
/** `SOCK_RAW` (winsock2.h): raw socket: the application builds the protocol header. */
export const SOCK_RAW = 3;
/** `SOCK_RDM` (winsock2.h): reliable message datagram (PGM). */
export const SOCK_RDM = 4;
/** `SOCK_SEQPACKET` (winsock2.h): sequenced packets: reliable, ordered, connection-oriented messages (ISO transport here). */
export const SOCK_SEQPACKET = 5;

const names: Record<number, string> = {
  0: '0',
  [SOCK_STREAM]: 'SOCK_STREAM',
  [SOCK_DGRAM]: 'SOCK_DGRAM',
  [SOCK_RAW]: 'SOCK_RAW',
  [SOCK_RDM]: 'SOCK_RDM',
  [SOCK_SEQPACKET]: 'SOCK_SEQPACKET',
};

/** The name of a socket type (`1` → `'SOCK_STREAM'`). */
export function socketTypeName(type: number): string {
  return names[type] ?? `type ${type}`;
}

/** Socket types (`SOCK_*`, winsock2.h). @module */

export const SOCK_STREAM = 1;
export const SOCK_DGRAM = 2;
export const SOCK_RAW = 3;
export const SOCK_RDM = 4;
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

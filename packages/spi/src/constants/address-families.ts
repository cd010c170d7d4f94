/** Address families (`AF_*`, ws2def.h / winsock2.h). Windows' numbers: `AF_INET6` is 23. @module */

export const AF_UNSPEC = 0;
export const AF_UNIX = 1;
export const AF_INET = 2;
export const AF_IMPLINK = 3;
export const AF_PUP = 4;
export const AF_CHAOS = 5;
export const AF_NS = 6;
export const AF_IPX = 6;
export const AF_ISO = 7;
export const AF_OSI = 7;
export const AF_ECMA = 8;
export const AF_DATAKIT = 9;
export const AF_CCITT = 10;
export const AF_SNA = 11;
export const AF_DECnet = 12;
export const AF_DLI = 13;
export const AF_LAT = 14;
export const AF_HYLINK = 15;
export const AF_APPLETALK = 16;
export const AF_NETBIOS = 17;
export const AF_VOICEVIEW = 18;
export const AF_FIREFOX = 19;
export const AF_UNKNOWN1 = 20;
export const AF_BAN = 21;
export const AF_ATM = 22;
export const AF_INET6 = 23;
export const AF_CLUSTER = 24;
export const AF_12844 = 25;
export const AF_IRDA = 26;
export const AF_NETDES = 28;
export const AF_BTH = 32;

/** Protocol families are the address families (`PF_x == AF_x`). */
export const PF_UNSPEC = AF_UNSPEC;
export const PF_INET = AF_INET;
export const PF_INET6 = AF_INET6;
export const PF_ISO = AF_ISO;
export const PF_OSI = AF_OSI;

const names: Record<number, string> = {
  [AF_UNSPEC]: 'AF_UNSPEC',
  [AF_UNIX]: 'AF_UNIX',
  [AF_INET]: 'AF_INET',
  [AF_IPX]: 'AF_IPX',
  [AF_ISO]: 'AF_ISO',
  [AF_DECnet]: 'AF_DECnet',
  [AF_APPLETALK]: 'AF_APPLETALK',
  [AF_NETBIOS]: 'AF_NETBIOS',
  [AF_ATM]: 'AF_ATM',
  [AF_INET6]: 'AF_INET6',
  [AF_IRDA]: 'AF_IRDA',
  [AF_BTH]: 'AF_BTH',
};

/** The usual name of an address family number (`23` → `'AF_INET6'`). */
export function addressFamilyName(af: number): string {
  return names[af] ?? `AF ${af}`;
}

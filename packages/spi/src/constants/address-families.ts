/** Address families (`AF_*`, ws2def.h / winsock2.h). Windows' numbers: `AF_INET6` is 23. @module */

/** `AF_UNSPEC` (ws2def.h): unspecified: any family (`socket` picks from the protocol). */
export const AF_UNSPEC = 0;
/** `AF_UNIX` (ws2def.h): local to host (pipes, portals). */
export const AF_UNIX = 1;
/** `AF_INET` (ws2def.h): IPv4 (internetwork: UDP, TCP, …). */
export const AF_INET = 2;
/** `AF_IMPLINK` (ws2def.h): ARPANET IMP addresses. */
export const AF_IMPLINK = 3;
/** `AF_PUP` (ws2def.h): PUP protocols (e.g. BSP). */
export const AF_PUP = 4;
/** `AF_CHAOS` (ws2def.h): MIT CHAOS protocols. */
export const AF_CHAOS = 5;
/** `AF_NS` (ws2def.h): Xerox NS protocols. */
export const AF_NS = 6;
/** `AF_IPX` (ws2def.h): IPX protocols (IPX, SPX; same value as `AF_NS`). */
export const AF_IPX = 6;
/** `AF_ISO` (ws2def.h): ISO protocols (ISO transport over TCP here). */
export const AF_ISO = 7;
/** `AF_OSI` (ws2def.h): OSI, the same family as `AF_ISO`. */
export const AF_OSI = 7;
/** `AF_ECMA` (ws2def.h): European Computer Manufacturers. */
export const AF_ECMA = 8;
/** `AF_DATAKIT` (ws2def.h): Datakit protocols. */
export const AF_DATAKIT = 9;
/** `AF_CCITT` (ws2def.h): CCITT protocols (X.25, …). */
export const AF_CCITT = 10;
/** `AF_SNA` (ws2def.h): IBM SNA. */
export const AF_SNA = 11;
/** `AF_DECnet` (ws2def.h): DECnet. */
export const AF_DECnet = 12;
/** `AF_DLI` (ws2def.h): Direct data link interface. */
export const AF_DLI = 13;
/** `AF_LAT` (ws2def.h): LAT. */
export const AF_LAT = 14;
/** `AF_HYLINK` (ws2def.h): NSC Hyperchannel. */
export const AF_HYLINK = 15;
/** `AF_APPLETALK` (ws2def.h): AppleTalk. */
export const AF_APPLETALK = 16;
/** `AF_NETBIOS` (ws2def.h): NetBIOS-style addresses. */
export const AF_NETBIOS = 17;
/** `AF_VOICEVIEW` (ws2def.h): VoiceView. */
export const AF_VOICEVIEW = 18;
/** `AF_FIREFOX` (ws2def.h): Protocols from Firefox. */
export const AF_FIREFOX = 19;
/** `AF_UNKNOWN1` (ws2def.h): Somebody is using this!. */
export const AF_UNKNOWN1 = 20;
/** `AF_BAN` (ws2def.h): Banyan. */
export const AF_BAN = 21;
/** `AF_ATM` (ws2def.h): Native ATM services. */
export const AF_ATM = 22;
/** `AF_INET6` (ws2def.h): IPv6 (23 on Windows, unlike 10 on Linux). */
export const AF_INET6 = 23;
/** `AF_CLUSTER` (ws2def.h): Microsoft Wolfpack. */
export const AF_CLUSTER = 24;
/** `AF_12844` (ws2def.h): IEEE 1284.4 WG AF. */
export const AF_12844 = 25;
/** `AF_IRDA` (ws2def.h): IrDA. */
export const AF_IRDA = 26;
/** `AF_NETDES` (ws2def.h): Network Designers OSI & gateway. */
export const AF_NETDES = 28;
/** `AF_BTH` (ws2def.h): Bluetooth RFCOMM/L2CAP. */
export const AF_BTH = 32;

/** Protocol families are the address families (`PF_x == AF_x`). */
export const PF_UNSPEC = AF_UNSPEC;
/** `PF_INET` (ws2def.h): protocol family = address family: `AF_INET`. */
export const PF_INET = AF_INET;
/** `PF_INET6` (ws2def.h): protocol family = address family: `AF_INET6`. */
export const PF_INET6 = AF_INET6;
/** `PF_ISO` (ws2def.h): protocol family = address family: `AF_ISO`. */
export const PF_ISO = AF_ISO;
/** `PF_OSI` (ws2def.h): protocol family = address family: `AF_OSI`. */
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

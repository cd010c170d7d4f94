/** Protocol numbers (`IPPROTO_*`, ws2def.h; `ISOPROTO_*`, wshisotp.h). @module */

/** `IPPROTO_IP` (ws2def.h): dummy protocol for IP (option level `IPPROTO_IP`). */
export const IPPROTO_IP = 0;
/** `IPPROTO_HOPOPTS` (ws2def.h): IPv6 hop-by-hop options header. */
export const IPPROTO_HOPOPTS = 0;
/** `IPPROTO_ICMP` (ws2def.h): ICMP. */
export const IPPROTO_ICMP = 1;
/** `IPPROTO_IGMP` (ws2def.h): IGMP. */
export const IPPROTO_IGMP = 2;
/** `IPPROTO_GGP` (ws2def.h): gateway-to-gateway protocol. */
export const IPPROTO_GGP = 3;
/** `IPPROTO_IPV4` (ws2def.h): IPv4 in IP. */
export const IPPROTO_IPV4 = 4;
/** `IPPROTO_ST` (ws2def.h): Internet Stream Protocol. */
export const IPPROTO_ST = 5;
/** `IPPROTO_TCP` (ws2def.h): TCP. */
export const IPPROTO_TCP = 6;
/** `IPPROTO_CBT` (ws2def.h): core-based trees. */
export const IPPROTO_CBT = 7;
/** `IPPROTO_EGP` (ws2def.h): exterior gateway protocol. */
export const IPPROTO_EGP = 8;
/** `IPPROTO_IGP` (ws2def.h): interior gateway protocol. */
export const IPPROTO_IGP = 9;
/** `IPPROTO_PUP` (ws2def.h): PUP. */
export const IPPROTO_PUP = 12;
/** `IPPROTO_UDP` (ws2def.h): UDP. */
export const IPPROTO_UDP = 17;
/** `IPPROTO_IDP` (ws2def.h): XNS IDP. */
export const IPPROTO_IDP = 22;
/** `IPPROTO_RDP` (ws2def.h): reliable data protocol. */
export const IPPROTO_RDP = 27;
/** `IPPROTO_IPV6` (ws2def.h): IPv6 header (and option level `IPPROTO_IPV6`). */
export const IPPROTO_IPV6 = 41;
/** `IPPROTO_ROUTING` (ws2def.h): IPv6 routing header. */
export const IPPROTO_ROUTING = 43;
/** `IPPROTO_FRAGMENT` (ws2def.h): IPv6 fragmentation header. */
export const IPPROTO_FRAGMENT = 44;
/** `IPPROTO_ESP` (ws2def.h): IPsec encapsulating security payload. */
export const IPPROTO_ESP = 50;
/** `IPPROTO_AH` (ws2def.h): IPsec authentication header. */
export const IPPROTO_AH = 51;
/** `IPPROTO_ICMPV6` (ws2def.h): ICMPv6. */
export const IPPROTO_ICMPV6 = 58;
/** `IPPROTO_NONE` (ws2def.h): IPv6: no next header. */
export const IPPROTO_NONE = 59;
/** `IPPROTO_DSTOPTS` (ws2def.h): IPv6 destination options header. */
export const IPPROTO_DSTOPTS = 60;
/** `IPPROTO_ND` (ws2def.h): net disk protocol. */
export const IPPROTO_ND = 77;
/** `IPPROTO_ICLFXBM` (ws2def.h): wideband monitoring. */
export const IPPROTO_ICLFXBM = 78;
/** `IPPROTO_PIM` (ws2def.h): protocol independent multicast. */
export const IPPROTO_PIM = 103;
/** `IPPROTO_PGM` (ws2def.h): pragmatic general multicast. */
export const IPPROTO_PGM = 113;
/** `IPPROTO_L2TP` (ws2def.h): layer 2 tunneling protocol. */
export const IPPROTO_L2TP = 115;
/** `IPPROTO_SCTP` (ws2def.h): SCTP. */
export const IPPROTO_SCTP = 132;
/** `IPPROTO_RAW` (ws2def.h): raw IP packets. */
export const IPPROTO_RAW = 255;
/** `IPPROTO_MAX` (ws2def.h): one past the largest IP protocol number. */
export const IPPROTO_MAX = 256;

/** ISO transport class 0 … 4 (wshisotp.h); `ISOPROTO_TP` is class 4. */
export const ISOPROTO_TP0 = 25;
/** `ISOPROTO_TP1` (wshisotp.h): ISO transport class 1. */
export const ISOPROTO_TP1 = 26;
/** `ISOPROTO_TP2` (wshisotp.h): ISO transport class 2 (RFC 2126 over TCP here: carries disconnect data). */
export const ISOPROTO_TP2 = 27;
/** `ISOPROTO_TP3` (wshisotp.h): ISO transport class 3. */
export const ISOPROTO_TP3 = 28;
/** `ISOPROTO_TP4` (wshisotp.h): ISO transport class 4. */
export const ISOPROTO_TP4 = 29;
/** `ISOPROTO_TP` (wshisotp.h): ISO transport: class 4 (`ISOPROTO_TP4`). */
export const ISOPROTO_TP = 29;
/** `ISOPROTO_CLTP` (wshisotp.h): ISO connectionless transport. */
export const ISOPROTO_CLTP = 30;
/** `ISOPROTO_CLNP` (wshisotp.h): ISO connectionless network protocol. */
export const ISOPROTO_CLNP = 31;
/** `ISOPROTO_X25` (wshisotp.h): X.25. */
export const ISOPROTO_X25 = 32;
/** Maximum length of an ISO transport address (wshisotp.h). */
export const ISO_MAX_ADDR_LENGTH = 64;

/** Protocol numbers (`IPPROTO_*`, ws2def.h; `ISOPROTO_*`, wshisotp.h). @module */

export const IPPROTO_IP = 0;
export const IPPROTO_HOPOPTS = 0;
export const IPPROTO_ICMP = 1;
export const IPPROTO_IGMP = 2;
export const IPPROTO_GGP = 3;
export const IPPROTO_IPV4 = 4;
export const IPPROTO_ST = 5;
export const IPPROTO_TCP = 6;
export const IPPROTO_CBT = 7;
export const IPPROTO_EGP = 8;
export const IPPROTO_IGP = 9;
export const IPPROTO_PUP = 12;
export const IPPROTO_UDP = 17;
export const IPPROTO_IDP = 22;
export const IPPROTO_RDP = 27;
export const IPPROTO_IPV6 = 41;
export const IPPROTO_ROUTING = 43;
export const IPPROTO_FRAGMENT = 44;
export const IPPROTO_ESP = 50;
export const IPPROTO_AH = 51;
export const IPPROTO_ICMPV6 = 58;
export const IPPROTO_NONE = 59;
export const IPPROTO_DSTOPTS = 60;
export const IPPROTO_ND = 77;
export const IPPROTO_ICLFXBM = 78;
export const IPPROTO_PIM = 103;
export const IPPROTO_PGM = 113;
export const IPPROTO_L2TP = 115;
export const IPPROTO_SCTP = 132;
export const IPPROTO_RAW = 255;
export const IPPROTO_MAX = 256;

/** ISO transport class 0 … 4 (wshisotp.h); `ISOPROTO_TP` is class 4. */
export const ISOPROTO_TP0 = 25;
export const ISOPROTO_TP1 = 26;
export const ISOPROTO_TP2 = 27;
export const ISOPROTO_TP3 = 28;
export const ISOPROTO_TP4 = 29;
export const ISOPROTO_TP = 29;
export const ISOPROTO_CLTP = 30;
export const ISOPROTO_CLNP = 31;
export const ISOPROTO_X25 = 32;
/** Maximum length of an ISO transport address (wshisotp.h). */
export const ISO_MAX_ADDR_LENGTH = 64;

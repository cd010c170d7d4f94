/**
 * The transport-agnostic core of the OSI provider: the COTP codec (X.224 over TPKT, RFC 1006 /
 * RFC 2126), the TPKT stream reassembler, and `CotpConnection`, the socket-free class 0/2 state
 * machine a Winsock provider wraps.
 * @module
 */
export * from './cotp-command-error';
export * from './cotp-connection';
export * from './cotp-connection-types';
export * from './cotp-decode-error';
export * from './cotp-encode-error';
export * from './cotp-negotiation';
export * from './cotp-reference-allocator';
export * from './cotp-timers';
export * from './iso-checksum';
export * from './tpdu';
export * from './tpdu-codes';
export * from './tpdu-decoder';
export * from './tpdu-encoder';
export * from './tpkt-reassembler';

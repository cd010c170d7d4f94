/**
 * The Winsock provider of ISO transport over TCP: catalog entries (`AF_ISO`, `SOCK_SEQPACKET`, TP2
 * and TP0), `SOCKADDR_TP`, the driver over the provider kit, `WSPStartup`, and the same drivers
 * for WSK clients (`osiWskTransports`).
 * @module
 */
export * from './create-osi-provider';
export * from './install-osi-providers';
export * from './osi-protocol-infos';
export * from './osi-winsock-errors';
export * from './sockaddr-tp';
export * from './tp-address-codec';
export * from './tp-address-text';
export * from './wsk-transports';
export * from './wsp-startup';

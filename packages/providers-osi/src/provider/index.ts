/**
 * The Winsock provider of ISO transport over TCP: catalog entries (`AF_ISO`, `SOCK_SEQPACKET`, TP2
 * and TP0), `SOCKADDR_TP`, the driver over the provider kit, and `WSPStartup`.
 * @module
 */
export * from './create-osi-provider';
export * from './install-osi-providers';
export * from './osi-protocol-infos';
export * from './osi-winsock-errors';
export * from './sockaddr-tp';
export * from './tp-address-codec';
export * from './tp-address-text';
export * from './wsp-startup';

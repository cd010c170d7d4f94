export * from './define-base-provider';
export * from './ip-address-codec';
export * from './network-event-recorder';
export { receiveDuplicatedSockets } from './socket-duplication';
export { GRACEFUL_CLOSE_LIMIT_MS } from './stream-socket';
export * from './transport-driver';

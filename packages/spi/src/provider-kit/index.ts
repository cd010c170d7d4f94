export * from './define-base-provider';
export * from './ip-address-codec';
export * from './network-event-recorder';
export { receiveDuplicatedSockets } from './socket-duplication';
export * from './transport-driver';

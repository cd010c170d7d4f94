export * from './define-base-provider';
export * from './ip-address-codec';
export * from './network-event-recorder';
export * from './transport-driver';

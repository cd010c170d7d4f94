export * from './network-error-to-wsa';
export * from './node-datagram-network';
export * from './node-stream-network';
export * from './stream-network';
export * from './tcp-defaults';
export * from './wsa-error-from-failure';

export * from './network-error-to-wsa';
export * from './stream-network';

export * from './create-in-memory-provider';
export * from './in-memory-datagram-driver';
export * from './in-memory-frame';
export * from './in-memory-protocol-infos';
export * from './in-memory-stream-driver';
export * from './in-memory-wsk-transports';
export * from './install-in-memory-provider';

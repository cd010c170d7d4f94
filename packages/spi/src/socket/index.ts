export * from './socket';
export * from './socket-duplex';

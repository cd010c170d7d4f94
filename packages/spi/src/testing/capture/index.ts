export * from './loopback-capture';
export * from './tshark-gate';

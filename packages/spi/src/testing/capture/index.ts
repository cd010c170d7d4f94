export * from './loopback-capture';
export * from './packet-frames';
export * from './pcapng-writer';
export * from './tshark-gate';

export * from './loopback-capture';

export * from './layered-process';
export * from './winsock-matchers';

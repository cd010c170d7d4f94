/**
 * `@ws2spi/spi`: the Windows Sockets 2 architecture in TypeScript — Windows' constants and
 * structures, the protocol catalog (`WSCInstallProvider` …), the dispatcher with the winsock2.h
 * API (`Ws2`), the ws2spi.h service-provider interface, layered providers, and the `ws2spi` CLI.
 * @module @ws2spi/spi
 */
export * from './catalog';
export * from './constants';
export * from './dispatcher';
export * from './errors';
export * from './lsp';
export * from './provider-kit';
export * from './socket';
export * from './spi';
export * from './transport';
export * from './types';

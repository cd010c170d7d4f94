/**
 * `@ws2spi/spi/testing`: a deterministic in-memory network, an in-memory base provider over it,
 * the provider conformance suite, jest helpers, and WSK test support (a test client and the WSK ⇄
 * Winsock interoperability suite).
 * @module @ws2spi/spi/testing
 */

export * from './capture';
export * from './conformance';
export * from './in-memory-provider';
export * from './ipv6-loopback';
export * from './lsp';
export * from './provider-process';
export * from './sim-network';
export * from './wsk';

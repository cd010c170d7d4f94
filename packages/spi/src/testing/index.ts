/**
 * `@ws2spi/spi/testing`: a deterministic in-memory network, an in-memory base provider over it,
 * the provider conformance suite, and jest helpers.
 * @module @ws2spi/spi/testing
 */

export * from './capture';
export * from './conformance';
export * from './in-memory-provider';
export * from './ipv6-loopback';
export * from './lsp';
export * from './provider-process';
export * from './sim-network';

/**
 * `@ws2spi/providers-osi`: ISO transport over TCP (RFC 1006 class 0, RFC 2126 class 2), the base
 * provider whose connections carry connect and disconnect data.
 *
 * - `installOsiProviders(catalog)` installs the TP2 and TP0 entries (the default catalog calls it).
 * - `WSPStartup` is the provider over real TCP, found by the dispatcher at the entries' path.
 * - `createOsiProvider({ streams })` is the same provider over another network (SimNetwork).
 * - `sockaddrTp(tsel, host, port)` builds the `AF_ISO` address; `src/cotp` is the socket-free core.
 * - `osiWskTransports()` hands the TP2 and TP0 drivers to a WSK provider (`@ws2spi/spi/wsk`).
 * @module @ws2spi/providers-osi
 */
export * from './cotp';
export * from './provider';

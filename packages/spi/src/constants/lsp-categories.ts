/**
 * Layered-service-provider categories (`LSP_*`, ws2spi.h), set on an LSP with
 * `WSCSetProviderInfo(ProviderInfoLspCategories)` and matched against an application's permitted
 * categories (`WSCSetApplicationCategory`).
 * @module
 */

/** `LSP_SYSTEM` (ws2spi.h): LSP category: a system LSP (loaded into every process). */
export const LSP_SYSTEM = 0x80000000;
/** `LSP_INSPECTOR` (ws2spi.h): LSP category: inspects data, changes nothing. */
export const LSP_INSPECTOR = 0x00000001;
/** `LSP_REDIRECTOR` (ws2spi.h): LSP category: redirects connections. */
export const LSP_REDIRECTOR = 0x00000002;
/** `LSP_PROXY` (ws2spi.h): LSP category: proxies connections. */
export const LSP_PROXY = 0x00000004;
/** `LSP_FIREWALL` (ws2spi.h): LSP category: filters connections. */
export const LSP_FIREWALL = 0x00000008;
/** `LSP_INBOUND_MODIFY` (ws2spi.h): LSP category: modifies inbound data. */
export const LSP_INBOUND_MODIFY = 0x00000010;
/** `LSP_OUTBOUND_MODIFY` (ws2spi.h): LSP category: modifies outbound data. */
export const LSP_OUTBOUND_MODIFY = 0x00000020;
/** `LSP_CRYPTO_COMPRESS` (ws2spi.h): LSP category: encrypts or compresses data. */
export const LSP_CRYPTO_COMPRESS = 0x00000040;
/** `LSP_LOCAL_CACHE` (ws2spi.h): LSP category: answers from a local cache. */
export const LSP_LOCAL_CACHE = 0x00000080;

/** The `LSP_*` categories by name. */
export const LSP_CATEGORIES = {
  LSP_INSPECTOR,
  LSP_REDIRECTOR,
  LSP_PROXY,
  LSP_FIREWALL,
  LSP_INBOUND_MODIFY,
  LSP_OUTBOUND_MODIFY,
  LSP_CRYPTO_COMPRESS,
  LSP_LOCAL_CACHE,
  LSP_SYSTEM,
} as const;

/** `WSC_PROVIDER_INFO_TYPE` (ws2spi.h). */
export const ProviderInfoLspCategories = 0;
/** `WSC_PROVIDER_INFO_TYPE` (ws2spi.h). */
export const ProviderInfoAudit = 1;

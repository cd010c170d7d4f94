/**
 * The `--help` texts of `ws2spi` and its commands. Kept in one place so the wording of the exit
 * codes and the catalog location is the same everywhere.
 * @module
 */

const EXIT_CODES = `Exit status:
  0  success
  1  the operation failed; the message on stderr starts with the Winsock error
     symbol, e.g. "[WSAEINVAL] …", when there is one
  2  usage error (unknown command or option, missing or malformed argument)`;

const CATALOG_LOCATION = `Catalog file (first that applies):
  --catalog FILE                     this file
  $WS2SPI_CATALOG                    this file
  $XDG_CONFIG_HOME/ws2spi/catalog.json, else ~/.config/ws2spi/catalog.json
  (%APPDATA%\\ws2spi\\catalog.json on Windows)`;

/** `ws2spi --help`. */
export const MAIN_HELP = `Usage: ws2spi [--catalog FILE] <command> [options]

Manage a ws2spi Winsock 2 protocol catalog, like 'netsh winsock' on Windows.

Commands:
  catalog show [--json]          list the catalog entries (netsh winsock show catalog)
  catalog install --from FILE    install a provider described in a JSON file
  catalog remove GUID            remove every entry of a provider (WSCDeinstallProvider)
  catalog order ID...            reorder the catalog (WSCWriteProviderOrder)
  catalog reset                  remove everything, install the default providers
                                 (netsh winsock reset); repairs orphaned chains
  catalog verify [--json]        report orphaned or broken LSP chains (status 1)

Options:
  --catalog FILE   the catalog file to use
  -h, --help       show help (also after any command)
  -V, --version    show the version

${CATALOG_LOCATION}

${EXIT_CODES}
`;

/** `ws2spi catalog --help`. */
export const CATALOG_HELP = `Usage: ws2spi catalog <show|install|remove|order|reset> [options]
       ws2spi catalog verify [--json]

  show [--json]          list the entries in catalog order
  install --from FILE    install a provider from a JSON description
  remove GUID            remove every entry of the provider GUID
  order ID...            put the entries in this order (every ID exactly once)
  reset                  remove every entry and install the default providers
  verify [--json]        report orphaned or broken chains of layered providers

Run 'ws2spi catalog <command> --help' for details.

${CATALOG_LOCATION}

${EXIT_CODES}
`;

/** `ws2spi catalog show --help`. */
export const SHOW_HELP = `Usage: ws2spi catalog show [--json] [--catalog FILE]

List every catalog entry in catalog order (which is also selection priority),
including hidden and layered entries, like 'netsh winsock show catalog'.
When the catalog file does not exist yet, it is first created with the default
catalog (as 'catalog reset' would), so a fresh machine shows the default providers.

  --json   machine-readable output: { "format": "ws2spi-catalog-listing",
           "version": 1, "catalog", "serial", "entries": [{ "entryType", "path",
           "lspCategories", "info": { the 20 WSAPROTOCOL_INFOW members } }],
           "appCategories": [...] }

${EXIT_CODES}
`;

/** `ws2spi catalog install --help`. */
export const INSTALL_HELP = `Usage: ws2spi catalog install --from FILE [--catalog FILE]

Install one provider (WSCInstallProvider) from a JSON file:

  {
    "providerId": "{E70F1AA0-AB8B-11CF-8CA3-00805F48A192}",
    "path": "@my/provider-package",
    "entries": [
      { "szProtocol": "My TCP", "iAddressFamily": 2, "iSocketType": 1,
        "iProtocol": 6, "iMaxSockAddr": 16, "iMinSockAddr": 16,
        "dwServiceFlags1": "0x20066", "dwProviderFlags": 8 }
    ]
  }

Each entry takes the WSAPROTOCOL_INFOW member names. Required: szProtocol,
iAddressFamily, iSocketType, iProtocol, iMaxSockAddr, iMinSockAddr,
dwServiceFlags1. Defaults: iVersion 2, ProtocolChain { "ChainLen": 1 } (a base
provider), every other number 0. Numbers may be written as "0x…" strings.
ProviderId and dwCatalogEntryId are ignored (the catalog assigns them).

${EXIT_CODES}
`;

/** `ws2spi catalog remove --help`. */
export const REMOVE_HELP = `Usage: ws2spi catalog remove GUID [--catalog FILE]

Remove every entry of the provider GUID (WSCDeinstallProvider). The GUID may be
written with or without braces. Fails with [WSAEINVAL] for an unknown GUID.

${EXIT_CODES}
`;

/** `ws2spi catalog order --help`. */
export const ORDER_HELP = `Usage: ws2spi catalog order ID... [--catalog FILE]

Put the catalog entries in the given order (WSCWriteProviderOrder). Catalog
order is the order in which WSASocket considers providers. The IDs must be
every catalog entry ID exactly once; anything else fails with [WSAEINVAL].

${EXIT_CODES}
`;

/** `ws2spi catalog reset --help`. */
export const RESET_HELP = `Usage: ws2spi catalog reset [--catalog FILE]

Remove every catalog entry and install the default providers
(@ws2spi/providers-tcp, @ws2spi/providers-osi), like 'netsh winsock reset'.
Entry IDs keep counting up; application categories are kept. Every layered
service provider goes too, so orphaned or broken chains (see 'catalog verify')
are repaired; their IDs are listed. A damaged catalog file (not JSON, or
breaking the catalog's rules) is moved aside to FILE.damaged-<time> and
rebuilt; some other program's file is never touched. Fails (status 1) when a
default provider cannot be installed; the others are installed anyway.

${EXIT_CODES}
`;

/** `ws2spi catalog verify --help`. */
export const VERIFY_HELP = `Usage: ws2spi catalog verify [--json] [--catalog FILE]

Check the chains of layered service providers (LSPs). Lists every chain entry
that cannot be loaded — orphaned (ChainEntries[0], the LSP's hidden layered
entry, is gone) or broken otherwise (an entry of the chain is missing, or it
does not end in a base provider) — with the reason, and layered entries that
no chain uses (harmless). Sockets on an orphaned or broken chain fail with
WSAEPROVIDERFAILEDINIT. 'ws2spi catalog reset' repairs the catalog.

  --json   machine-readable output: { "format": "ws2spi-catalog-verification",
           "version": 1, "catalog", "serial", "broken": [{ "catalogEntryId",
           "szProtocol", "providerId", "path", "kind", "index", "id",
           "reason" }], "unusedLayeredEntries": [...] }

Exit status:
  0  no orphaned or broken chain
  1  at least one orphaned or broken chain (listed on stdout; the summary on
     stderr starts with [WSAEPROVIDERFAILEDINIT]), or the catalog is unreadable
  2  usage error
`;

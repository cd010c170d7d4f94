/**
 * The `--help` texts of `ws2spi` and its commands. Kept in one place so the wording of the exit
 * codes, the catalog location and the output options is the same everywhere.
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
  (%APPDATA%\\ws2spi\\catalog.json on Windows)
A catalog file that does not exist yet is the default catalog (what 'catalog
reset' writes) to every command: 'show' and 'verify' never create it; the first
command that changes the catalog writes the defaults, then its change.`;

const OUTPUT = `Output:
  --json     one JSON document on stdout (every command); when a command fails,
             { "format": "ws2spi-error", "status", "code", "symbol", "message" }
  Strings from the catalog are printed with control characters escaped (\\x1B).
  Colour and progress lines only on a terminal; NO_COLOR turns colour off.`;

/** `ws2spi --help`. */
export const MAIN_HELP = `Usage: ws2spi [--catalog FILE] [--json] <command> [options]

Manage a ws2spi Winsock 2 protocol catalog, like 'netsh winsock' on Windows.

Commands:
  catalog show                   list the catalog entries (netsh winsock show catalog)
  catalog install --from FILE    install a provider described in a JSON file
  catalog remove GUID            remove every entry of a provider (WSCDeinstallProvider);
                                 refuses to leave LSP chains orphaned or broken
  catalog order ID...            reorder the catalog (WSCWriteProviderOrder)
  catalog reset                  remove everything, install the default providers
                                 (netsh winsock reset); repairs orphaned chains
  catalog verify                 report orphaned or broken LSP chains (status 1)
  lsp install --name NAME --path MODULE [TARGET...]
                                 install a layered service provider and its chains
                                 (WSCInstallProviderAndChains)
  lsp remove GUID                remove a layered service provider with its chains

Options:
  --catalog FILE   the catalog file to use
  --json           machine-readable output
  -h, --help       show help (also after any command)
  -V, --version    show the version

GUIDs are accepted as printed ({E70F1AA0-AB8B-11CF-8CA3-00805F48A192}) or plain
(e70f1aa0-ab8b-11cf-8ca3-00805f48a192), in either case.

${CATALOG_LOCATION}

${OUTPUT}

${EXIT_CODES}
`;

/** `ws2spi catalog --help`. */
export const CATALOG_HELP = `Usage: ws2spi catalog <show|install|remove|order|reset|verify> [options]

  show                   list the entries in catalog order
  install --from FILE    install a provider from a JSON description
  remove GUID [--force]  remove every entry of the provider GUID
  order ID...            put the entries in this order (every ID exactly once)
  reset                  remove every entry and install the default providers
  verify                 report orphaned or broken chains of layered providers

Every command takes --json and --catalog FILE.
Run 'ws2spi catalog <command> --help' for details.

${CATALOG_LOCATION}

${OUTPUT}

${EXIT_CODES}
`;

/** `ws2spi catalog show --help`. */
export const SHOW_HELP = `Usage: ws2spi catalog show [--json] [--catalog FILE]

List every catalog entry in catalog order (which is also selection priority),
including hidden and layered entries, like 'netsh winsock show catalog'.
When the catalog file does not exist yet, the default catalog is listed (as
'catalog reset' would write it); no file is created.

  --json   machine-readable output: { "format": "ws2spi-catalog-listing",
           "version": 1, "catalog", "serial", "entries": [{ "entryType", "path",
           "lspCategories", "info": { the 20 WSAPROTOCOL_INFOW members } }],
           "appCategories": [...], "exists": false when there is no file yet }

${EXIT_CODES}
`;

/** What a command that changes the catalog prints with --json. */
const CHANGE_JSON = `  --json   machine-readable output: { "format": "ws2spi-catalog-change",
           "version": 1, "command", "catalog", "serial", and what changed }`;

/** `ws2spi catalog install --help`. */
export const INSTALL_HELP = `Usage: ws2spi catalog install --from FILE [--json] [--catalog FILE]

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

${CHANGE_JSON}
           ("providerId", "installedEntryIds")

${EXIT_CODES}
`;

/** `ws2spi catalog remove --help`. */
export const REMOVE_HELP = `Usage: ws2spi catalog remove GUID [--force] [--json] [--catalog FILE]

Remove every entry of the provider GUID (WSCDeinstallProvider). Fails with
[WSAEINVAL] for an unknown GUID.

Windows' WSCDeinstallProvider of a layered service provider (LSP) removes only
the LSP's own entries and leaves its chains behind, orphaned: every socket on
them then fails with WSAEPROVIDERFAILEDINIT. So this command refuses, with
[WSAEINVAL], to orphan or break a chain that works: for an LSP it names
'ws2spi lsp remove GUID', which removes the LSP with its chains; for a provider
that chains stand on, the LSPs to remove first.

  --force  remove exactly what WSCDeinstallProvider removes, chains or not
           (to build a damaged catalog on purpose; 'catalog verify' finds it)
${CHANGE_JSON}
           ("providerId", "removedEntryIds")

${EXIT_CODES}
`;

/** `ws2spi catalog order --help`. */
export const ORDER_HELP = `Usage: ws2spi catalog order ID... [--json] [--catalog FILE]

Put the catalog entries in the given order (WSCWriteProviderOrder). Catalog
order is the order in which WSASocket considers providers. The IDs must be
every catalog entry ID exactly once; anything else fails with [WSAEINVAL].

${CHANGE_JSON}
           ("order")

${EXIT_CODES}
`;

/** `ws2spi catalog reset --help`. */
export const RESET_HELP = `Usage: ws2spi catalog reset [--json] [--catalog FILE]

Remove every catalog entry and install the default providers
(@ws2spi/providers-tcp, @ws2spi/providers-osi), like 'netsh winsock reset'.
Entry IDs keep counting up; application categories are kept. Every layered
service provider goes too, so orphaned or broken chains (see 'catalog verify')
are repaired; their IDs are listed. A damaged catalog file (not JSON, or
breaking the catalog's rules) is moved aside to FILE.damaged-<time> and
rebuilt; some other program's file is never touched. Fails (status 1) when a
default provider cannot be installed; the others are installed anyway.
On a terminal, stderr shows the progress on a large catalog.

${CHANGE_JSON}
           ("recoveredFrom", "removedEntryCount", "removedBrokenChainEntryIds",
           "defaults": { "installed", "unavailable", "failed" })

${EXIT_CODES}
`;

/** `ws2spi catalog verify --help`. */
export const VERIFY_HELP = `Usage: ws2spi catalog verify [--json] [--catalog FILE]

Check the chains of layered service providers (LSPs). Lists every chain entry
that cannot be loaded — orphaned (ChainEntries[0], the LSP's hidden layered
entry, is gone) or broken otherwise (an entry of the chain is missing, or it
does not end in a base provider) — with the reason, and layered entries that
no chain uses (harmless). Sockets on an orphaned or broken chain fail with
WSAEPROVIDERFAILEDINIT. 'ws2spi catalog reset' repairs the catalog. A catalog
file that does not exist is the default catalog; nothing is created. On a
terminal, stderr shows the progress on a large catalog.

  --json   machine-readable output: { "format": "ws2spi-catalog-verification",
           "version": 1, "catalog", "serial", "broken": [{ "catalogEntryId",
           "szProtocol", "providerId", "path", "kind", "index", "id",
           "reason" }], "unusedLayeredEntries": [...], "exists" }

Exit status:
  0  no orphaned or broken chain
  1  at least one orphaned or broken chain (listed on stdout; the summary on
     stderr starts with [WSAEPROVIDERFAILEDINIT]), or the catalog is unreadable
  2  usage error
`;

/** `ws2spi lsp --help`. */
export const LSP_HELP = `Usage: ws2spi lsp <install|remove> [options]

  install --name NAME --path MODULE [--guid GUID] [--ifs] [TARGET...]
                         install a layered service provider and its chains
                         (WSCInstallProviderAndChains)
  remove GUID            remove a layered service provider with its chains,
                         fixing the chains of other LSPs that run through it

Every command takes --json and --catalog FILE.
Run 'ws2spi lsp <command> --help' for details.

${CATALOG_LOCATION}

${EXIT_CODES}
`;

/** `ws2spi lsp install --help`. */
export const LSP_INSTALL_HELP = `Usage: ws2spi lsp install --name NAME --path MODULE [--guid GUID] [--ifs]
                          [--json] [--catalog FILE] [TARGET...]

Install a layered service provider (LSP) with WSCInstallProviderAndChains: its
hidden layered entry (ChainLen 0) named NAME under GUID, and one chain entry
"NAME over [target]" per target, each under a new GUID, put first in catalog
order.

  --name NAME    the LSP's name (lpszLspName); must not be installed already
  --path MODULE  the module that exports the LSP's WSPStartup: a package name or
                 a file path (lpszProviderDllPath)
  --guid GUID    the LSP's provider GUID (default: a new random one, printed)
  --ifs          the LSP hands out the lower provider's handles (XP1_IFS_HANDLES);
                 an IFS layer cannot sit above a non-IFS one
  TARGET         af,type,protocol to layer over, as numbers or names:
                 AF_INET,SOCK_STREAM,IPPROTO_TCP or 2,1,6 (the top-most entry
                 with that triple). Without targets: every unique base protocol.

${CHANGE_JSON}
           ("providerId", "name", "path", "layeredEntryId", "chainEntryIds",
           "chainProviderIds")

Errors, as WSCInstallProviderAndChains reports them: [WSAEINVAL] for a GUID or
name already installed or a target no entry has; [WSANO_RECOVERY] for a chain
that would exceed MAX_PROTOCOL_CHAIN (7).

${EXIT_CODES}
`;

/** `ws2spi lsp remove --help`. */
export const LSP_REMOVE_HELP = `Usage: ws2spi lsp remove GUID [--json] [--catalog FILE]

Remove the layered service provider whose layered entry has the provider GUID,
with every chain entry it heads. The chains of other LSPs layered over it are
fixed (WSCUpdateProvider) to skip it; a chain that would be left without a
layer is removed. Fails with [WSAEINVAL] when GUID is not an installed LSP's.

${CHANGE_JSON}
           ("providerId", "removedEntryIds", "updatedEntryIds",
           "removedProviderIds")

${EXIT_CODES}
`;

/**
 * The `ws2spi` command line, run in-process: every catalog command, its output, its errors and
 * its exit status (0 ok, 1 failed with a [WSAE…] message, 2 usage).
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Catalog } from '../src/catalog/catalog';
import { CATALOG_LISTING_FORMAT } from '../src/cli/catalog-listing';
import { out } from '../src/types/out-cell';
import { CliSandbox } from './fixtures/catalog/cli-harness';
import { FIXTURE_PROVIDER_GUID } from './fixtures/catalog/fixture-installers';
import {
  chainInfo,
  LSP_CHAIN_GUID,
  LSP_DUMMY_GUID,
  lspDummyInfo,
  OTHER_GUID,
  TCPIP_GUID,
  tcpInfo,
  udpInfo,
} from './fixtures/catalog/protocol-infos';

const FIXTURE_MODULE = path.join(__dirname, 'fixtures', 'catalog', 'fixture-installers.ts');
const FIXTURE_DEFAULTS = [{ module: FIXTURE_MODULE, install: 'installFixtureProviders' }];

let sandbox: CliSandbox;
beforeEach(() => {
  sandbox = new CliSandbox(FIXTURE_DEFAULTS);
});
afterEach(() => {
  sandbox.dispose();
});

/** A catalog file in the sandbox holding TCP/IP (1001, 1002), an LSP dummy (1003) and a chain (1004). */
function layeredCatalog(): string {
  const file = sandbox.file('layered.json');
  const catalog = Catalog.openFile(file);
  const lpErrno = out(0);
  catalog.WSCInstallProvider(
    TCPIP_GUID,
    '%SystemRoot%\\system32\\mswsock.dll',
    [tcpInfo(), udpInfo()],
    2,
    lpErrno,
  );
  catalog.WSCInstallProvider(LSP_DUMMY_GUID, 'test-lsp', [lspDummyInfo()], 1, lpErrno);
  catalog.WSCInstallProvider(LSP_CHAIN_GUID, 'test-lsp', [chainInfo(1003, 1001)], 1, lpErrno);
  return file;
}

function entryIds(file: string): number[] {
  return Catalog.openFile(file)
    .entries()
    .map((e) => e.info.dwCatalogEntryId);
}

describe('help, version and usage errors', () => {
  it('--help documents the commands, the catalog location and the exit codes', async () => {
    const run = await sandbox.run(['--help']);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^Usage: ws2spi /);
    for (const text of [
      'catalog show',
      'catalog install --from FILE',
      'catalog remove GUID',
      'catalog order ID...',
      'catalog reset',
      'WS2SPI_CATALOG',
      '--catalog FILE',
    ]) {
      expect(run.stdout).toContain(text);
    }
    expect(run.stdout).toMatch(
      /Exit status:\n\s+0 +success\n\s+1 +the operation failed[^\n]*\n[^\n]*\[WSAEINVAL\][^\n]*\n\s+2 +usage error/,
    );
  });

  it.each([
    [['catalog', '--help'], 'Usage: ws2spi catalog <show|install|remove|order|reset|verify>'],
    [['lsp', '--help'], 'Usage: ws2spi lsp <install|remove>'],
    [['lsp', 'install', '--help'], 'Usage: ws2spi lsp install --name NAME'],
    [['lsp', 'remove', '-h'], 'Usage: ws2spi lsp remove GUID'],
    [['catalog', 'show', '--help'], 'Usage: ws2spi catalog show'],
    [['catalog', 'install', '-h'], 'Usage: ws2spi catalog install --from FILE'],
    [['catalog', 'remove', '--help'], 'Usage: ws2spi catalog remove GUID'],
    [['catalog', 'order', '--help'], 'Usage: ws2spi catalog order ID...'],
    [['--help', 'catalog', 'reset'], 'Usage: ws2spi catalog reset'],
  ])('%j prints its own help', async (argv, heading) => {
    const run = await sandbox.run(argv);
    expect(run.status).toBe(0);
    expect(run.stdout.startsWith(heading)).toBe(true);
    expect(run.stdout).toContain('Exit status:');
    expect(fs.existsSync(sandbox.defaultFile)).toBe(false);
  });

  it('--version prints the package version', async () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
    for (const flag of ['--version', '-V']) {
      const run = await sandbox.run([flag]);
      expect(run).toEqual({ status: 0, stdout: `ws2spi ${manifest.version}\n`, stderr: '' });
    }
  });

  it.each([
    [[], /no command given/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['catalog'], /catalog: which command\?/],
    [['catalog', 'bogus'], /catalog: unknown command 'bogus'/],
    [['catalog', 'show', 'extra'], /catalog show: unexpected argument 'extra'/],
    [['catalog', 'show', '--from', 'x.json'], /catalog show does not take '--from'/],
    [['catalog', 'remove', '--from', 'x', TCPIP_GUID], /catalog remove does not take '--from'/],
    [['catalog', 'show', '--force'], /catalog show does not take '--force'/],
    [['lsp'], /lsp: which command\?/],
    [['lsp', 'install', '--path', 'm'], /lsp install needs --name NAME and --path MODULE/],
    [['lsp', 'install', '--name', 'n', '--path', 'm', '2,1'], /'2,1' is not a protocol to layer over/],
    [['lsp', 'install', '--name', 'n', '--path', 'm', 'AF_INET,SOCK_STREAM,TCP'], /is not a protocol/],
    [['lsp', 'install', '--name', 'n', '--path', 'm', '--guid', 'x'], /'x' is not a GUID/],
    [['lsp', 'remove'], /lsp remove takes exactly one GUID/],
    [['lsp', 'remove', '{1234}'], /'\{1234\}' is not a GUID/],
    [['catalog', 'show', '--bogus'], /unknown option '--bogus'/],
    [['catalog', 'show', '-x'], /unknown option '-x'/],
    [['--catalog'], /option '--catalog' needs a value/],
    [['--catalog', 'a', '--catalog=b', 'catalog', 'show'], /option '--catalog' is given twice/],
    [['catalog', 'show', '--json=yes'], /option '--json' takes no value/],
    [['catalog', 'install'], /catalog install needs --from FILE/],
    [['catalog', 'remove'], /catalog remove takes exactly one GUID/],
    [['catalog', 'remove', 'not-a-guid'], /'not-a-guid' is not a GUID/],
    [['catalog', 'order'], /catalog order needs the catalog entry IDs/],
    [['catalog', 'order', '1001', 'first'], /'first' is not a catalog entry ID/],
    [['catalog', 'order', '-5'], /unknown option '-5'/],
    [['catalog', 'reset', 'now'], /catalog reset: unexpected argument 'now'/],
  ])('%j is a usage error (status 2) that touches no catalog', async (argv, message) => {
    const run = await sandbox.run(argv as string[]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/^ws2spi: .*\nRun 'ws2spi[^']* --help' for usage\.\n$/);
    expect(fs.existsSync(sandbox.defaultFile)).toBe(false);
  });
});

describe('catalog show', () => {
  it('lists a missing catalog as the default catalog, like netsh, without creating it', async () => {
    const run = await sandbox.run(['catalog', 'show']);
    expect(run.status).toBe(0);
    expect(fs.existsSync(sandbox.defaultFile)).toBe(false);
    expect(fs.existsSync(path.dirname(sandbox.defaultFile))).toBe(false);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain(
      `Catalog ${sandbox.defaultFile}: 2 entries, serial 2 (the file does not exist yet: the default catalog)\n`,
    );
    const blocks = run.stdout.split('\nWinsock Catalog Provider Entry\n').slice(1);
    expect(blocks).toHaveLength(2);
    expect(blocks[0]).toBe(
      [
        '-'.repeat(54),
        'Entry Type:                         Base Service Provider',
        'Description:                        Fixture [TCP]',
        `Provider ID:                        {${FIXTURE_PROVIDER_GUID.toUpperCase()}}`,
        'Provider Path:                      @fixture/provider',
        'Catalog Entry ID:                   1001',
        'Version:                            2',
        'Address Family:                     2 (AF_INET)',
        'Max Address Length:                 16',
        'Min Address Length:                 16',
        'Socket Type:                        1 (SOCK_STREAM)',
        'Protocol:                           6',
        'Service Flags:                      0x20066 (XP1_GUARANTEED_DELIVERY | XP1_GUARANTEED_ORDER | XP1_GRACEFUL_CLOSE | XP1_EXPEDITED_DATA | XP1_IFS_HANDLES)',
        'Provider Flags:                     0x8 (PFL_MATCHES_PROTOCOL_ZERO)',
        'Protocol Chain Length:              1',
        '',
      ].join('\n'),
    );
    expect(blocks[1]).toContain('Socket Type:                        2 (SOCK_DGRAM)');
  });

  it('does not install the defaults again into an existing catalog, even an empty one', async () => {
    const file = sandbox.file('empty.json');
    const catalog = Catalog.openFile(file);
    catalog.WSCInstallProvider(OTHER_GUID, 'p', [tcpInfo()], 1, out(0));
    catalog.WSCDeinstallProvider(OTHER_GUID, out(0));
    const run = await sandbox.run(['catalog', 'show', '--catalog', file]);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`Catalog ${file}: 0 entries, serial 3\n`);
    expect(run.stderr).toBe('');
  });

  it('labels layered entries and prints chains as netsh does', async () => {
    const file = layeredCatalog();
    const run = await sandbox.run(['--catalog', file, 'catalog', 'show']);
    expect(run.status).toBe(0);
    const blocks = run.stdout.split('\nWinsock Catalog Provider Entry\n').slice(1);
    expect(blocks.map((b) => /Entry Type: +(.*)/.exec(b)?.[1])).toEqual([
      'Base Service Provider',
      'Base Service Provider',
      'Layered Service Provider',
      'Layered Chain Entry',
    ]);
    expect(blocks[2]).toContain('Provider Flags:                     0x4 (PFL_HIDDEN)');
    expect(blocks[2]).toContain('Protocol Chain Length:              0');
    expect(blocks[3]).toContain(
      'Protocol Chain Length:              2\nProtocol Chain:                     1003 : 1001\n',
    );
    expect(blocks[0]).toContain('Provider Path:                      %SystemRoot%\\system32\\mswsock.dll');
  });

  it('--json is a stable machine-readable listing of the same catalog', async () => {
    const file = layeredCatalog();
    const catalog = Catalog.openFile(file);
    catalog.WSCSetApplicationCategory('a.exe', 5, null, 0, 1, null, out(0));
    const run = await sandbox.run(['catalog', 'show', '--json', `--catalog=${file}`]);
    expect(run.status).toBe(0);
    const listing = JSON.parse(run.stdout);
    expect(Object.keys(listing)).toEqual([
      'format',
      'version',
      'catalog',
      'serial',
      'entries',
      'appCategories',
      'exists',
    ]);
    expect(listing.exists).toBe(true);
    expect(listing.format).toBe(CATALOG_LISTING_FORMAT);
    expect(listing.version).toBe(1);
    expect(listing.catalog).toBe(file);
    expect(listing.serial).toBe(catalog.serial);
    expect(listing.entries.map((e: { entryType: string }) => e.entryType)).toEqual([
      'Base Service Provider',
      'Base Service Provider',
      'Layered Service Provider',
      'Layered Chain Entry',
    ]);
    expect(
      listing.entries.map((e: { info: unknown; path: string; lspCategories: number }) => ({
        path: e.path,
        info: e.info,
        lspCategories: e.lspCategories,
      })),
    ).toEqual(catalog.entries());
    expect(Object.keys(listing.entries[0].info)[0]).toBe('dwServiceFlags1');
    expect(listing.appCategories).toEqual([{ path: 'a.exe', extra: '', permittedLspCategories: 1 }]);
  });

  it('uses WS2SPI_CATALOG, and --catalog beats it', async () => {
    const fromEnv = layeredCatalog();
    const viaEnv = await sandbox.run(['catalog', 'show', '--json'], { WS2SPI_CATALOG: fromEnv });
    expect(JSON.parse(viaEnv.stdout).entries).toHaveLength(4);

    const named = sandbox.file('named.json');
    Catalog.openFile(named).WSCInstallProvider(OTHER_GUID, 'p', [tcpInfo()], 1, out(0));
    const viaOption = await sandbox.run(['catalog', 'show', '--json', '--catalog', 'named.json'], {
      WS2SPI_CATALOG: fromEnv,
    });
    const listing = JSON.parse(viaOption.stdout);
    expect(listing.catalog).toBe(named);
    expect(listing.entries).toHaveLength(1);
  });

  it('fails with the store error for a corrupt catalog and leaves the file alone', async () => {
    const file = sandbox.write('corrupt.json', '{"format": "ws2spi-catalog", ');
    const run = await sandbox.run(['catalog', 'show', '--catalog', file]);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^\[WSANO_RECOVERY\] catalog file .*corrupt\.json is corrupt: not valid JSON/);
    expect(fs.readFileSync(file, 'utf8')).toBe('{"format": "ws2spi-catalog", ');
  });

  it('fails for a foreign JSON file without rewriting it', async () => {
    const file = sandbox.write('package.json', { name: 'not-a-catalog' });
    const run = await sandbox.run(['catalog', 'show', '--catalog', file]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`[WSANO_RECOVERY] ${file} is not a ws2spi catalog file`);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ name: 'not-a-catalog' });
  });
});

describe('catalog install --from', () => {
  const description = {
    providerId: '{A1B2C3D4-0000-4000-8000-00000000ABCD}',
    path: '@example/provider',
    entries: [
      {
        szProtocol: 'Example [TCP]',
        iAddressFamily: 2,
        iSocketType: 1,
        iProtocol: 6,
        iMaxSockAddr: 16,
        iMinSockAddr: 16,
        dwServiceFlags1: '0x20066',
        dwProviderFlags: 8,
      },
      {
        szProtocol: 'Example [UDP]',
        iAddressFamily: 2,
        iSocketType: 2,
        iProtocol: 17,
        iMaxSockAddr: 16,
        iMinSockAddr: 16,
        dwServiceFlags1: 0x20609,
        dwMessageSize: 65527,
      },
    ],
  };

  it('installs the provider with defaults filled in and prints the new IDs', async () => {
    const file = layeredCatalog();
    const from = sandbox.write('provider.json', description);
    const run = await sandbox.run(['catalog', 'install', '--from', from, '--catalog', file]);
    expect(run).toEqual({
      status: 0,
      stdout: 'Installed provider {A1B2C3D4-0000-4000-8000-00000000ABCD}: catalog entries 1005, 1006\n',
      stderr: '',
    });
    const installed = Catalog.openFile(file)
      .entries()
      .filter((e) => e.info.ProviderId === 'a1b2c3d4-0000-4000-8000-00000000abcd');
    expect(installed.map((e) => e.path)).toEqual(['@example/provider', '@example/provider']);
    expect(installed[0].info).toMatchObject({
      dwServiceFlags1: 0x20066,
      dwProviderFlags: 8,
      iVersion: 2,
      ProtocolChain: { ChainLen: 1, ChainEntries: [1005] },
      dwServiceFlags2: 0,
      iNetworkByteOrder: 0,
    });
    expect(installed[1].info.dwMessageSize).toBe(65527);
  });

  it('reads --from relative to the working directory', async () => {
    sandbox.write('relative.json', description);
    const run = await sandbox.run(['catalog', 'install', '--from', 'relative.json']);
    expect(run.status).toBe(0);
    // The missing catalog was the default catalog (the fixture's 1001, 1002): the new entries follow.
    expect(entryIds(sandbox.defaultFile)).toEqual([1001, 1002, 1003, 1004]);
    expect(run.stderr).toBe(
      `ws2spi: ${sandbox.defaultFile} did not exist: created it with the default catalog (2 entries)\n`,
    );
  });

  // biome-ignore lint/suspicious/noExplicitAny: each case edits a different member of the description
  it.each<[string, (d: any) => unknown, RegExp]>([
    ['invalid JSON', () => '{ "providerId": ', /: not valid JSON/],
    ['a missing GUID', (d) => ({ ...d, providerId: undefined }), /providerId: expected a GUID/],
    ['a malformed GUID', (d) => ({ ...d, providerId: 'a1b2' }), /providerId: expected a GUID, got "a1b2"/],
    ['no entries', (d) => ({ ...d, entries: [] }), /entries: expected a non-empty array/],
    ['an unknown top-level member', (d) => ({ ...d, dll: 'x' }), /unknown member "dll"/],
    [
      'a missing required member',
      (d) => ({ ...d, entries: [{ ...d.entries[0], iSocketType: undefined }] }),
      /entries\[0\]\.iSocketType: required/,
    ],
    [
      'a misspelt member',
      (d) => ({ ...d, entries: [{ ...d.entries[0], iProtcol: 6 }] }),
      /entries\[0\]: unknown member "iProtcol"/,
    ],
    [
      'ChainLen 8',
      (d) => ({ ...d, entries: [{ ...d.entries[0], ProtocolChain: { ChainLen: 8 } }] }),
      /entries\[0\]\.ProtocolChain\.ChainLen: expected 0 … 7/,
    ],
    [
      'a 256-character name',
      (d) => ({ ...d, entries: [{ ...d.entries[0], szProtocol: 'x'.repeat(256) }] }),
      /entries\[0\]\.szProtocol: 256 characters/,
    ],
    [
      'a bad hex string',
      (d) => ({ ...d, entries: [{ ...d.entries[0], dwServiceFlags1: '0xZZ' }] }),
      /entries\[0\]\.dwServiceFlags1: expected a DWORD/,
    ],
  ])('refuses a description with %s (status 1, [WSAEINVAL], file named)', async (_name, mutate, message) => {
    const mutated = mutate(structuredClone(description));
    const from = sandbox.write('bad.json', typeof mutated === 'string' ? mutated : JSON.stringify(mutated));
    const run = await sandbox.run(['catalog', 'install', '--from', from]);
    expect(run.status).toBe(1);
    expect(run.stderr.startsWith(`[WSAEINVAL] ${from}: `)).toBe(true);
    expect(run.stderr).toMatch(message);
    expect(fs.existsSync(sandbox.defaultFile)).toBe(false);
  });

  it('fails when the description file cannot be read', async () => {
    const run = await sandbox.run(['catalog', 'install', '--from', 'missing.json']);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^ws2spi: cannot read .*missing\.json: ENOENT/);
  });

  it('fails with [WSANO_RECOVERY] when the provider is already installed', async () => {
    const from = sandbox.write('provider.json', description);
    expect((await sandbox.run(['catalog', 'install', '--from', from])).status).toBe(0);
    const again = await sandbox.run(['catalog', 'install', '--from', from]);
    expect(again.status).toBe(1);
    expect(again.stderr).toBe(
      '[WSANO_RECOVERY] WSCInstallProvider: provider a1b2c3d4-0000-4000-8000-00000000abcd is already installed\n',
    );
    expect(entryIds(sandbox.defaultFile)).toEqual([1001, 1002, 1003, 1004]);
  });

  it('reports a catalog directory that cannot be created, naming it', async () => {
    const blocker = sandbox.write('blocker', 'a regular file');
    const from = sandbox.write('provider.json', description);
    const run = await sandbox.run(['catalog', 'install', '--from', from], {
      WS2SPI_CATALOG: path.join(blocker, 'c.json'),
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /^\[WSANO_RECOVERY\] cannot create the directory .*blocker of catalog file .*blocker\/c\.json: /,
    );
  });
});

describe('catalog remove', () => {
  it('removes every entry of the GUID, written with or without braces', async () => {
    const file = layeredCatalog();
    const guid = `{${OTHER_GUID.toUpperCase()}}`;
    Catalog.openFile(file).WSCInstallProvider(OTHER_GUID, 'p', [tcpInfo()], 1, out(0));
    const run = await sandbox.run(['catalog', 'remove', guid, '--catalog', file]);
    expect(run).toEqual({
      status: 0,
      stdout: `Removed provider ${guid}: catalog entries 1005\n`,
      stderr: '',
    });
    expect(entryIds(file)).toEqual([1001, 1002, 1003, 1004]);
    // The LSP's chain stands on TCP/IP: only --force removes it (what WSCDeinstallProvider does).
    const forced = await sandbox.run(['catalog', 'remove', TCPIP_GUID, '--force', '--catalog', file]);
    expect(forced.status).toBe(0);
    expect(entryIds(file)).toEqual([1003, 1004]);
  });

  it('fails with [WSAEINVAL] for a GUID that is not installed', async () => {
    const file = layeredCatalog();
    const run = await sandbox.run(['catalog', 'remove', OTHER_GUID, '--catalog', file]);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`[WSAEINVAL] WSCDeinstallProvider: provider ${OTHER_GUID} is not installed\n`);
    expect(entryIds(file)).toEqual([1001, 1002, 1003, 1004]);
  });
});

describe('catalog order', () => {
  it('writes a full permutation', async () => {
    const file = layeredCatalog();
    const run = await sandbox.run(['catalog', 'order', '1004', '1003', '1001', '1002', '--catalog', file]);
    expect(run).toEqual({ status: 0, stdout: 'Catalog order: 1004 1003 1001 1002\n', stderr: '' });
    expect(entryIds(file)).toEqual([1004, 1003, 1001, 1002]);
  });

  it.each([
    [['1002', '1001'], '[WSAEINVAL] WSCWriteProviderOrder: 2 IDs given; the catalog has 4 entries\n'],
    [['1001', '1001', '1002', '1003'], '[WSAEINVAL] WSCWriteProviderOrder: 1001 is listed twice\n'],
    [['1001', '1002', '1003', '1005'], '[WSAEINVAL] WSCWriteProviderOrder: 1005 is not a catalog entry ID\n'],
  ])('refuses %j with status 1 and leaves the order alone', async (ids, message) => {
    const file = layeredCatalog();
    const run = await sandbox.run(['catalog', 'order', ...ids, '--catalog', file]);
    expect(run).toEqual({ status: 1, stdout: '', stderr: message });
    expect(entryIds(file)).toEqual([1001, 1002, 1003, 1004]);
  });
});

describe('catalog reset', () => {
  it('replaces everything with the default providers, IDs counting on', async () => {
    const file = layeredCatalog();
    const run = await sandbox.run(['catalog', 'reset', '--catalog', file]);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`Catalog ${file} reset\nInstalled ${FIXTURE_MODULE} (installFixtureProviders)\n`);
    expect(run.stderr).toBe('');
    const entries = Catalog.openFile(file).entries();
    expect(entries.map((e) => [e.info.ProviderId, e.info.dwCatalogEntryId])).toEqual([
      [FIXTURE_PROVIDER_GUID, 1005],
      [FIXTURE_PROVIDER_GUID, 1006],
    ]);
  });

  it('fails (status 1) naming each default provider it could not install, installing the others', async () => {
    const broken = new CliSandbox([
      { module: '@ws2spi/not-there', install: 'installNothing' },
      { module: FIXTURE_MODULE, install: 'installBrokenProviders' },
      ...FIXTURE_DEFAULTS,
    ]);
    try {
      const run = await broken.run(['catalog', 'reset']);
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(
        /^ws2spi: default provider @ws2spi\/not-there is unavailable: cannot load @ws2spi\/not-there: /,
      );
      expect(run.stderr).toContain(
        `ws2spi: default provider ${FIXTURE_MODULE} failed to install: installBrokenProviders failed: fixture provider refuses to install\n`,
      );
      expect(entryIds(broken.defaultFile)).toEqual([1001, 1002]);
    } finally {
      broken.dispose();
    }
  });
});

describe('catalog reset repairs a damaged catalog file', () => {
  it('moves a corrupt file aside, rebuilds it, and keeps the ID counter where it was readable', async () => {
    const file = sandbox.write(
      'damaged.json',
      '{"format": "ws2spi-catalog", "version": 1, "nextCatalogEntryId": 1205, ',
    );
    const run = await sandbox.run(['catalog', 'reset', '--catalog', file]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/was damaged: moved to .*damaged\.json\.damaged-.* and rebuilt/);
    const backups = fs.readdirSync(sandbox.root).filter((f) => f.startsWith('damaged.json.damaged-'));
    expect(backups).toHaveLength(1);
    expect(fs.readFileSync(path.join(sandbox.root, backups[0]), 'utf8')).toContain(
      '"nextCatalogEntryId": 1205',
    );
    // The fixture default provider is installed into the rebuilt file, from ID 1205 on.
    expect(entryIds(file)[0]).toBe(1205);
  });

  it('never touches some other program’s JSON file', async () => {
    const file = sandbox.write('foreign.json', '{"hello": "world"}');
    const run = await sandbox.run(['catalog', 'reset', '--catalog', file]);
    expect(run.status).toBe(1);
    expect(fs.readFileSync(file, 'utf8')).toBe('{"hello": "world"}');
    expect(fs.readdirSync(sandbox.root).filter((f) => f.includes('.damaged-'))).toEqual([]);
  });
});

/**
 * Every behaviour of the `ws2spi` command line, through the real executable (node dist/cli/main.js)
 * in a private home: LSPs installed and removed with their chains, `catalog remove` refusing to
 * orphan chains, read-only commands that create nothing, a missing catalog that is the default
 * catalog to every command, damaged files and the command that repairs them, `--json` on every
 * command, control characters escaped, progress and colour only on a terminal (a pseudo-terminal
 * from util-linux `script`), and GUIDs in every form the CLI prints.
 */

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { ensurePackagesBuilt } from '../../../test/support/repository';
import { Catalog } from '../src/catalog/catalog';
import { out } from '../src/types/out-cell';
import { CLI_MAIN } from './fixtures/catalog/ensure-built';
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

let root: string;
let dir: string;
let counter = 0;

beforeAll(() => {
  // The default catalog loads @ws2spi/providers-tcp and -osi: they must be built too.
  ensurePackagesBuilt();
  root = fs.mkdtempSync(path.join(tmpdir(), 'ws2spi-cli-behaviours-'));
}, 180_000);

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

beforeEach(() => {
  dir = path.join(root, `case-${++counter}`);
  fs.mkdirSync(dir);
});

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The private environment: home and XDG directories inside the case directory. */
function environment(env: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: dir, XDG_CONFIG_HOME: path.join(dir, 'xdg'), ...env };
}

/** Runs the executable with pipes for stdout and stderr (not a terminal). */
function ws2spi(args: string[], env: Record<string, string> = {}): Run {
  const result = spawnSync(process.execPath, [CLI_MAIN, ...args], {
    cwd: dir,
    env: environment(env),
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A parsed `--json` document; the assertions check its members. */
// biome-ignore lint/suspicious/noExplicitAny: the documents' shapes are what the tests assert.
type Document = Record<string, any>;

function json(run: Run): Document {
  return JSON.parse(run.stdout);
}

/** Where the catalog goes when no --catalog and no WS2SPI_CATALOG is given. */
const defaultFile = () => path.join(dir, 'xdg', 'ws2spi', 'catalog.json');

/** Every file and directory under `dir`, relative. */
function tree(): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).sort();
}

function entryIds(file: string): number[] {
  return Catalog.openFile(file)
    .entries()
    .map((entry) => entry.info.dwCatalogEntryId);
}

/** TCP/IP (1001, 1002), an LSP dummy (1003) and its chain over TCP (1004). */
function layeredCatalog(name = 'layered.json'): string {
  const file = path.join(dir, name);
  const catalog = Catalog.openFile(file);
  const lpErrno = out(0);
  catalog.WSCInstallProvider(TCPIP_GUID, 'mswsock', [tcpInfo(), udpInfo()], 2, lpErrno);
  catalog.WSCInstallProvider(LSP_DUMMY_GUID, 'test-lsp', [lspDummyInfo()], 1, lpErrno);
  catalog.WSCInstallProvider(LSP_CHAIN_GUID, 'test-lsp', [chainInfo(1003, 1001)], 1, lpErrno);
  return file;
}

/** The default catalog's entries, as the real default providers install them. */
const DEFAULT_ENTRIES = [
  'MSAFD Tcpip [TCP/IP]',
  'MSAFD Tcpip [UDP/IP]',
  'MSAFD Tcpip [TCP/IPv6]',
  'MSAFD Tcpip [UDP/IPv6]',
  'ws2spi ISO Transport [TP2 over TCP, RFC 2126]',
  'ws2spi ISO Transport [TP0 over TCP, RFC 1006]',
];

const upper = (guid: string) => `{${guid.toUpperCase()}}`;

describe('lsp install and lsp remove', () => {
  it('installs an LSP over named and numbered targets with WSCInstallProviderAndChains, and removes it whole', () => {
    const file = layeredCatalog();
    const guid = 'a5e1f0c2-7b3d-4e8f-9a6b-0c1d2e3f4a5b';
    const installed = ws2spi([
      'lsp',
      'install',
      '--name',
      'Tracer',
      '--path',
      '@example/tracer',
      '--guid',
      upper(guid),
      'AF_INET,SOCK_STREAM,IPPROTO_TCP',
      '2,2,17',
      '--catalog',
      file,
    ]);
    expect(installed).toEqual({
      status: 0,
      stdout: `Installed layered service provider "Tracer" ${upper(guid)}: layered entry 1005, chain entries 1006, 1007\n`,
      stderr: '',
    });
    const listing = json(ws2spi(['catalog', 'show', '--json', '--catalog', file]));
    const byId = new Map(listing.entries.map((e: Document) => [e.info.dwCatalogEntryId, e]));
    // The new chains come first, each over the top-most entry with its triple.
    expect(listing.entries.map((e: Document) => e.info.dwCatalogEntryId)).toEqual([
      1006, 1007, 1001, 1002, 1003, 1004, 1005,
    ]);
    expect((byId.get(1006) as Document).info.ProtocolChain).toEqual({
      ChainLen: 2,
      ChainEntries: [1005, 1001],
    });
    expect((byId.get(1006) as Document).info.szProtocol).toBe('Tracer over [MSAFD Tcpip [TCP/IP]]');
    expect((byId.get(1007) as Document).info.ProtocolChain).toEqual({
      ChainLen: 2,
      ChainEntries: [1005, 1002],
    });
    expect((byId.get(1005) as Document).entryType).toBe('Layered Service Provider');
    expect((byId.get(1005) as Document).path).toBe('@example/tracer');
    expect(ws2spi(['catalog', 'verify', '--catalog', file]).status).toBe(0);

    const removed = ws2spi(['lsp', 'remove', upper(guid), '--catalog', file]);
    expect(removed).toEqual({
      status: 0,
      stdout: `Removed layered service provider ${upper(guid)}: catalog entries 1006, 1007, 1005\n`,
      stderr: '',
    });
    expect(entryIds(file)).toEqual([1001, 1002, 1003, 1004]);
  });

  it('--ifs installs an IFS layer; without targets it layers every unique base protocol', () => {
    const file = layeredCatalog();
    const run = ws2spi([
      'lsp',
      'install',
      '--name',
      'Ifs',
      '--path',
      'ifs-lsp',
      '--ifs',
      '--json',
      '--catalog',
      file,
    ]);
    expect(run.status).toBe(0);
    const change = json(run);
    expect(change).toMatchObject({
      format: 'ws2spi-catalog-change',
      version: 1,
      command: 'lsp install',
      catalog: file,
      name: 'Ifs',
      path: 'ifs-lsp',
      layeredEntryId: 1005,
      chainEntryIds: [1006, 1007],
    });
    expect(change.providerId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    const layered = Catalog.openFile(file)
      .entries()
      .find((e) => e.info.dwCatalogEntryId === 1005);
    expect(layered?.info.dwServiceFlags1 && layered.info.dwServiceFlags1 & 0x20000).toBe(0x20000);
    // The GUID it printed (as JSON) is accepted back as is.
    expect(ws2spi(['lsp', 'remove', change.providerId, '--catalog', file]).status).toBe(0);
  });

  it('removing an LSP that another LSP is layered over fixes the upper one’s chains', () => {
    const file = layeredCatalog();
    const lower = '11111111-2222-4333-8444-555555555555';
    const upperLsp = '66666666-7777-4888-9999-000000000000';
    const install = (name: string, guid: string) =>
      ws2spi(['lsp', 'install', '--name', name, '--path', 'p', '--guid', guid, '2,1,6', '--catalog', file]);
    expect(install('Lower', lower).status).toBe(0); // 1005 layered, 1006 = [1005, 1001], first
    expect(install('Upper', upperLsp).status).toBe(0); // 1007 layered, 1008 = [1007, 1005, 1001], over 1006
    const run = ws2spi(['lsp', 'remove', lower, '--json', '--catalog', file]);
    expect(run.status).toBe(0);
    expect(json(run)).toMatchObject({
      command: 'lsp remove',
      removedEntryIds: [1006, 1005],
      updatedEntryIds: [1008],
    });
    const chain = Catalog.openFile(file)
      .entries()
      .find((e) => e.info.dwCatalogEntryId === 1008)?.info.ProtocolChain;
    expect(chain).toEqual({ ChainLen: 2, ChainEntries: [1007, 1001] });
    expect(ws2spi(['catalog', 'verify', '--catalog', file]).status).toBe(0);
  });

  it('fails with the Windows code and the reason, and names catalog remove for a provider that is not layered', () => {
    const file = layeredCatalog();
    const duplicate = ws2spi(['lsp', 'install', '--name', 'Test LSP', '--path', 'p', '--catalog', file]);
    expect(duplicate.status).toBe(1);
    expect(duplicate.stderr).toBe(
      '[WSAEINVAL] WSCInstallProviderAndChains: a layered service provider named "Test LSP" is already installed\n',
    );
    const noTarget = ws2spi([
      'lsp',
      'install',
      '--name',
      'X',
      '--path',
      'p',
      'AF_INET6,SOCK_STREAM,6',
      '--catalog',
      file,
    ]);
    expect(noTarget.status).toBe(1);
    expect(noTarget.stderr).toMatch(
      /^\[WSAEINVAL\] WSCInstallProviderAndChains: lpProtocolInfoList\[0\]: no catalog entry for/,
    );
    const base = ws2spi(['lsp', 'remove', upper(TCPIP_GUID), '--catalog', file]);
    expect(base.status).toBe(1);
    expect(base.stderr).toContain(
      `[WSAEINVAL] lsp remove: provider ${TCPIP_GUID} has no layered (ChainLen 0) entry`,
    );
    expect(base.stderr).toContain(`'ws2spi catalog remove ${upper(TCPIP_GUID)}'`);
    expect(entryIds(file)).toEqual([1001, 1002, 1003, 1004]);
  });
});

describe('catalog remove protects chains', () => {
  it('refuses to remove an LSP’s layered entry alone, naming lsp remove; --force does what WSCDeinstallProvider does', () => {
    const file = layeredCatalog();
    const before = fs.readFileSync(file, 'utf8');
    const refused = ws2spi(['catalog', 'remove', upper(LSP_DUMMY_GUID), '--catalog', file]);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe(
      `[WSAEINVAL] catalog remove: ${upper(LSP_DUMMY_GUID)} is the layered service provider "Test LSP"; ` +
        'removing only its own entries would leave its chain entries 1004 orphaned (sockets on them fail with WSAEPROVIDERFAILEDINIT).\n' +
        `Run 'ws2spi lsp remove ${upper(LSP_DUMMY_GUID)}' to remove it with its chains, or add --force to remove exactly what WSCDeinstallProvider removes.\n`,
    );
    expect(fs.readFileSync(file, 'utf8')).toBe(before);

    // The command it names does the job.
    const suggested = /Run '(ws2spi lsp remove \S+)'/.exec(refused.stderr)?.[1].split(' ') ?? [];
    expect(ws2spi([...suggested.slice(1), '--catalog', file]).status).toBe(0);
    expect(entryIds(file)).toEqual([1001, 1002]);
  });

  it('--force leaves the chain orphaned, as Windows does, and verify then finds it', () => {
    const file = layeredCatalog();
    expect(ws2spi(['catalog', 'remove', LSP_DUMMY_GUID, '--force', '--catalog', file]).status).toBe(0);
    expect(entryIds(file)).toEqual([1001, 1002, 1004]);
    const verify = ws2spi(['catalog', 'verify', '--catalog', file]);
    expect(verify.status).toBe(1);
    expect(verify.stdout).toContain('Orphaned chain entry 1004');
  });

  it('refuses to remove a provider a chain stands on, naming the LSP to remove first', () => {
    const file = layeredCatalog();
    const refused = ws2spi(['catalog', 'remove', TCPIP_GUID, '--catalog', file]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`removing ${upper(TCPIP_GUID)} would break the chain entries 1004`);
    expect(refused.stderr).toContain(`'ws2spi lsp remove ${upper(LSP_DUMMY_GUID)}'`);
    expect(entryIds(file)).toEqual([1001, 1002, 1003, 1004]);
    // A chain entry or an unrelated provider goes without fuss.
    expect(ws2spi(['catalog', 'remove', LSP_CHAIN_GUID, '--catalog', file]).status).toBe(0);
    expect(ws2spi(['catalog', 'remove', TCPIP_GUID, '--catalog', file]).status).toBe(0);
    expect(entryIds(file)).toEqual([1003]);
  });
});

describe('a missing catalog file', () => {
  it('is never created by show, verify, help, version or a usage error', () => {
    for (const args of [
      ['catalog', 'show'],
      ['catalog', 'show', '--json'],
      ['catalog', 'verify'],
      ['catalog', 'verify', '--json'],
      ['--help'],
      ['catalog', 'reset', '--help'],
      ['--version'],
      ['catalog', 'remove'],
      ['lsp', 'install', '--name', 'x'],
    ]) {
      const run = ws2spi(args);
      expect([0, 2]).toContain(run.status);
      expect({ args, tree: tree() }).toEqual({ args, tree: [] });
    }
    const named = path.join(dir, 'sub', 'named.json');
    expect(ws2spi(['catalog', 'show', '--catalog', named]).status).toBe(0);
    expect(ws2spi(['catalog', 'verify'], { WS2SPI_CATALOG: named }).status).toBe(0);
    expect(tree()).toEqual([]);
  });

  it('reads as the default catalog to show and verify, and the first change writes exactly that catalog', () => {
    const shown = json(ws2spi(['catalog', 'show', '--json']));
    expect(shown.exists).toBe(false);
    expect(shown.catalog).toBe(defaultFile());
    expect(shown.entries.map((e: Document) => e.info.szProtocol)).toEqual(DEFAULT_ENTRIES);
    const ids = shown.entries.map((e: Document) => e.info.dwCatalogEntryId);
    expect(ids).toEqual([1001, 1002, 1003, 1004, 1005, 1006]);
    const verified = json(ws2spi(['catalog', 'verify', '--json']));
    expect(verified).toMatchObject({ exists: false, serial: shown.serial, broken: [] });

    // A change on the missing file applies to that same catalog: the IDs show printed are valid.
    const reversed = [...ids].reverse().map(String);
    const order = ws2spi(['catalog', 'order', ...reversed]);
    expect(order.status).toBe(0);
    expect(order.stderr).toBe(
      `ws2spi: ${defaultFile()} did not exist: created it with the default catalog (6 entries)\n`,
    );
    const after = json(ws2spi(['catalog', 'show', '--json']));
    expect(after.exists).toBe(true);
    expect(after.serial).toBe(shown.serial + 1);
    expect(after.entries).toEqual([...shown.entries].reverse());
  });

  it('gets new IDs after the default entries, for an LSP as for a provider', () => {
    const run = ws2spi([
      'lsp',
      'install',
      '--name',
      'L',
      '--path',
      'p',
      '--json',
      'AF_ISO,SOCK_SEQPACKET,ISOPROTO_TP2',
    ]);
    expect(run.status).toBe(0);
    expect(json(run)).toMatchObject({ layeredEntryId: 1007, chainEntryIds: [1008] });
    expect(entryIds(defaultFile())).toEqual([1008, 1001, 1002, 1003, 1004, 1005, 1006, 1007]);
  });
});

describe('a damaged catalog file', () => {
  it('fails every command with the reason and the reset command that repairs it, which works as printed', () => {
    const file = path.join(dir, 'my catalog.json');
    fs.writeFileSync(file, '{"format": "ws2spi-catalog", "version": 1, ');
    for (const args of [
      ['catalog', 'show'],
      ['catalog', 'verify'],
      ['catalog', 'order', '1001'],
      ['catalog', 'remove', OTHER_GUID],
      ['lsp', 'install', '--name', 'x', '--path', 'p'],
      ['lsp', 'remove', OTHER_GUID],
    ]) {
      const run = ws2spi([...args, '--catalog', file]);
      expect({ args, status: run.status }).toEqual({ args, status: 1 });
      expect(run.stderr).toMatch(/^\[WSANO_RECOVERY\] catalog file .* is corrupt: not valid JSON/);
      expect(run.stderr).toContain(
        `\nRun 'ws2spi catalog reset --catalog '${file}'' to move the damaged file aside and rebuild the default catalog.\n`,
      );
    }
    const invalid = path.join(dir, 'invalid.json');
    fs.writeFileSync(invalid, JSON.stringify({ format: 'ws2spi-catalog', version: 1, entries: 'no' }));
    const run = ws2spi(['catalog', 'show', '--catalog', invalid]);
    expect(run.stderr).toMatch(
      /is invalid: .*\nRun 'ws2spi catalog reset --catalog \S+invalid\.json' to move/,
    );

    // The suggested command, run through a shell exactly as printed, repairs the file.
    const suggested = /Run '(ws2spi catalog reset --catalog .*)' to move/.exec(
      ws2spi(['catalog', 'show', '--catalog', file]).stderr,
    )?.[1];
    const shell = spawnSync(
      'sh',
      ['-c', suggested!.replace(/^ws2spi/, `"${process.execPath}" "${CLI_MAIN}"`)],
      {
        cwd: dir,
        env: environment(),
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(shell.status).toBe(0);
    expect(shell.stdout).toContain('was damaged: moved to');
    expect(json(ws2spi(['catalog', 'show', '--json', '--catalog', file])).entries).toHaveLength(6);
  });

  it('names the remedy for a file some other program wrote, and never suggests a reset of it', () => {
    const file = path.join(dir, 'package.json');
    fs.writeFileSync(file, '{"name": "x"}');
    const run = ws2spi(['catalog', 'show', '--catalog', file]);
    expect(run.status).toBe(1);
    expect(run.stderr).not.toContain('catalog reset');
    expect(run.stderr).toContain('Name a ws2spi catalog file with --catalog FILE or $WS2SPI_CATALOG.');
  });
});

describe('--json on every command', () => {
  it('prints one JSON document per command, with the format it names', () => {
    const file = layeredCatalog();
    const from = path.join(dir, 'provider.json');
    fs.writeFileSync(
      from,
      JSON.stringify({
        providerId: upper(OTHER_GUID),
        path: '@example/p',
        entries: [
          {
            szProtocol: 'X',
            iAddressFamily: 2,
            iSocketType: 1,
            iProtocol: 6,
            iMaxSockAddr: 16,
            iMinSockAddr: 16,
            dwServiceFlags1: 6,
          },
        ],
      }),
    );
    const c = ['--catalog', file, '--json'];
    const documents = [
      ['catalog', 'show'],
      ['catalog', 'verify'],
      ['catalog', 'install', '--from', from],
      ['catalog', 'order', '1005', '1001', '1002', '1003', '1004'],
      ['catalog', 'remove', OTHER_GUID],
      ['lsp', 'install', '--name', 'J', '--path', 'p', '--guid', OTHER_GUID, '2,1,6'],
      ['lsp', 'remove', OTHER_GUID],
      ['catalog', 'reset'],
    ].map((args) => {
      const run = ws2spi([...args, ...c]);
      expect({ args, status: run.status }).toEqual({ args, status: 0 });
      return { args: args.slice(0, 2).join(' '), document: json(run) };
    });
    expect(
      documents.map(({ args, document }) => [args, document.format, document.version, document.command]),
    ).toEqual([
      ['catalog show', 'ws2spi-catalog-listing', 1, undefined],
      ['catalog verify', 'ws2spi-catalog-verification', 1, undefined],
      ['catalog install', 'ws2spi-catalog-change', 1, 'catalog install'],
      ['catalog order', 'ws2spi-catalog-change', 1, 'catalog order'],
      ['catalog remove', 'ws2spi-catalog-change', 1, 'catalog remove'],
      ['lsp install', 'ws2spi-catalog-change', 1, 'lsp install'],
      ['lsp remove', 'ws2spi-catalog-change', 1, 'lsp remove'],
      ['catalog reset', 'ws2spi-catalog-change', 1, 'catalog reset'],
    ]);
    expect(documents[2].document).toMatchObject({ providerId: OTHER_GUID, installedEntryIds: [1005] });
    expect(documents[4].document).toMatchObject({ removedEntryIds: [1005] });
    expect(documents[7].document).toMatchObject({
      recoveredFrom: null,
      removedEntryCount: 4,
      removedBrokenChainEntryIds: [],
      defaults: { unavailable: [], failed: [] },
    });
    expect(json(ws2spi(['--version', '--json']))).toEqual({ name: 'ws2spi', version: expect.any(String) });
  });

  it('prints the error document on stdout too when a command fails or is misused', () => {
    const file = layeredCatalog();
    const failed = ws2spi(['catalog', 'order', '1', '--json', '--catalog', file]);
    expect(failed.status).toBe(1);
    expect(json(failed)).toEqual({
      format: 'ws2spi-error',
      version: 1,
      status: 1,
      code: 10022,
      symbol: 'WSAEINVAL',
      message: '[WSAEINVAL] WSCWriteProviderOrder: 1 IDs given; the catalog has 4 entries',
    });
    expect(failed.stderr).toBe('[WSAEINVAL] WSCWriteProviderOrder: 1 IDs given; the catalog has 4 entries\n');
    const usage = ws2spi(['catalog', 'frob', '--json']);
    expect(usage.status).toBe(2);
    expect(json(usage)).toMatchObject({ format: 'ws2spi-error', status: 2, code: null, symbol: null });
    const verify = ws2spi(['catalog', 'remove', LSP_DUMMY_GUID, '--force', '--catalog', file]);
    expect(verify.status).toBe(0);
    const broken = ws2spi(['catalog', 'verify', '--json', '--catalog', file]);
    expect(broken.status).toBe(1);
    expect(json(broken).broken.map((b: Document) => [b.catalogEntryId, b.kind])).toEqual([
      [1004, 'orphaned'],
    ]);
  });
});

/** Catalog strings that would drive a terminal if printed raw. */
const HOSTILE_NAME = 'Evil\x1b[2J\x1b[31m\rOK\x07\u202Egnp.exe\u009b6n';
const HOSTILE_PATH = 'lsp\x1b]0;owned\x07.dll';
/** Raw characters that must never reach a terminal. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const RAW_CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]/;

describe('control characters in catalog strings', () => {
  function hostileCatalog(): string {
    const file = path.join(dir, 'hostile.json');
    const catalog = Catalog.openFile(file);
    const lpErrno = out(0);
    catalog.WSCInstallProvider(TCPIP_GUID, HOSTILE_PATH, [tcpInfo({ szProtocol: HOSTILE_NAME })], 1, lpErrno);
    catalog.WSCInstallProvider(
      LSP_CHAIN_GUID,
      HOSTILE_PATH,
      [chainInfo(1999, 1001, { szProtocol: HOSTILE_NAME })],
      1,
      lpErrno,
    );
    const app = 'app\x1b[8m.exe';
    catalog.WSCSetApplicationCategory(app, app.length, null, 0, 1, null, lpErrno);
    return file;
  }

  it('are escaped in the human output of show and verify, and in error messages', () => {
    const file = hostileCatalog();
    const show = ws2spi(['catalog', 'show', '--catalog', file]);
    expect(show.status).toBe(0);
    expect(show.stdout).not.toMatch(RAW_CONTROLS);
    expect(show.stdout).toContain(
      'Description:                        Evil\\x1B[2J\\x1B[31m\\x0DOK\\x07\\u{202E}gnp.exe\\x9B6n\n',
    );
    expect(show.stdout).toContain('Provider Path:                      lsp\\x1B]0;owned\\x07.dll\n');
    expect(show.stdout).toContain('app\\x1B[8m.exe');
    const verify = ws2spi(['catalog', 'verify', '--catalog', file]);
    expect(verify.status).toBe(1);
    expect(verify.stdout).toContain('Orphaned chain entry 1002 "Evil\\x1B[2J');
    expect(`${verify.stdout}${verify.stderr}`).not.toMatch(RAW_CONTROLS);
    const install = ['lsp', 'install', '--name', HOSTILE_NAME, '--path', 'p', '2,1,6', '--catalog', file];
    expect(ws2spi(install).status).toBe(0);
    const failure = ws2spi(install);
    expect(failure.status).toBe(1);
    expect(failure.stderr).toContain('a layered service provider named "Evil\\x1B[2J');
    expect(failure.stderr).not.toMatch(RAW_CONTROLS);
  });

  it('are \\u escapes in --json, which still parses back to the exact strings', () => {
    const file = hostileCatalog();
    for (const command of ['show', 'verify']) {
      const run = ws2spi(['catalog', command, '--json', '--catalog', file]);
      expect(run.stdout).not.toMatch(RAW_CONTROLS);
      expect(run.stdout).toContain('\\u001b[2J');
      expect(run.stdout).toContain('\\u202e');
    }
    const listing = json(ws2spi(['catalog', 'show', '--json', '--catalog', file]));
    expect(listing.entries[0].info.szProtocol).toBe(HOSTILE_NAME);
    expect(listing.entries[0].path).toBe(HOSTILE_PATH);
  });
});

/** Why the terminal tests cannot run here, or undefined: they need util-linux `script` for a pseudo-terminal. */
function scriptSkipReason(): string | undefined {
  const probe = spawnSync('script', ['-q', '-e', '-c', 'true', '/dev/null'], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  if (probe.error) return `no pseudo-terminal: util-linux script not runnable (${probe.error.message})`;
  return probe.status === 0
    ? undefined
    : `no pseudo-terminal: script exited ${probe.status}: ${probe.stderr}`;
}
const noTerminal = scriptSkipReason();

/** A colour (SGR) sequence. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding escape sequences is the point.
const SGR = /\x1b\[[0-9;]*m/;

/**
 * Runs the executable on a pseudo-terminal (`script`); what the terminal received comes back.
 * `redirect` is a shell redirection (`> out.txt`) that takes a stream off the terminal.
 */
function onTerminal(args: string[], env: Record<string, string> = {}, redirect = ''): Run {
  const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, CLI_MAIN, ...args].map(quote).join(' ');
  const result = spawnSync('script', ['-q', '-e', '-c', `${command} ${redirect}`, '/dev/null'], {
    cwd: dir,
    env: environment({ TERM: 'xterm', ...env }),
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout.replace(/\r\n/g, '\n'), stderr: result.stderr };
}

(noTerminal ? describe.skip : describe)(
  `on a terminal${noTerminal ? ` (skipped: ${noTerminal})` : ''}`,
  () => {
    /** A catalog of `n` base providers with one LSP chain whose layer is gone. */
    function largeCatalog(n: number): string {
      const file = path.join(dir, `large-${n}.json`);
      Catalog.openFile(file).store.update((state) => {
        for (let i = 0; i < n; i++) {
          const id = state.nextCatalogEntryId++;
          const info = tcpInfo({
            szProtocol: `P${i}`,
            ProviderId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
          });
          info.dwCatalogEntryId = id;
          info.ProtocolChain = { ChainLen: 1, ChainEntries: [id] };
          state.entries.push({ path: 'p', info, lspCategories: 0 });
        }
        const id = state.nextCatalogEntryId++;
        const chain = chainInfo(99, 1001, { ProviderId: LSP_CHAIN_GUID, dwCatalogEntryId: id });
        state.entries.push({ path: 'p', info: chain, lspCategories: 0 });
        state.serial++;
        return true;
      });
      return file;
    }

    it('verify and reset show their progress on stderr, then clear it; never on a pipe', () => {
      const file = largeCatalog(2000);
      const out = path.join(dir, 'out.txt');
      // stdout to a file: what reaches the terminal is stderr alone.
      const verify = onTerminal(['catalog', 'verify', '--catalog', file], {}, `> ${out}`);
      expect(verify.status).toBe(1);
      expect(verify.stdout).toContain('\r\x1b[2Kws2spi: checking the chains of 2001 entries (');
      // The progress line is cleared before the summary.
      expect(verify.stdout).toContain('\r\x1b[2K\x1b[31m[WSAEPROVIDERFAILEDINIT]\x1b[39m 1 chain entry');
      expect(fs.readFileSync(out, 'utf8')).not.toContain('\x1b');

      const reset = onTerminal(['catalog', 'reset', '--catalog', largeCatalog(30)], {}, `> ${out}`);
      expect(reset.status).toBe(0);
      expect(reset.stdout).toContain('\r\x1b[2Kws2spi: checking 31 entries (');
      expect(reset.stdout).toContain(
        '\r\x1b[2Kws2spi: removing 31 entries and installing the default providers (',
      );
      expect(reset.stdout.endsWith('\r\x1b[2K')).toBe(true);
      expect(fs.readFileSync(out, 'utf8')).toContain('Removed 1 orphaned or broken chain entry: 1031');

      // On a pipe, stderr has the summary alone.
      const piped = ws2spi(['catalog', 'verify', '--catalog', largeCatalog(10)]);
      expect(piped.stderr).toMatch(/^\[WSAEPROVIDERFAILEDINIT\] 1 chain entry in [^\n]*\n$/);
      expect(piped.stderr).not.toContain('\r');
    });

    it('colours show and verify on a terminal only, and never with NO_COLOR', () => {
      const file = layeredCatalog();
      expect(ws2spi(['catalog', 'remove', LSP_DUMMY_GUID, '--force', '--catalog', file]).status).toBe(0);
      const show = onTerminal(['catalog', 'show', '--catalog', file]);
      expect(show.stdout).toContain('\x1b[1mWinsock Catalog Provider Entry\x1b[22m');
      const verify = onTerminal(['catalog', 'verify', '--catalog', file]);
      expect(verify.stdout).toContain('\x1b[31mOrphaned chain entry\x1b[39m 1004');
      expect(verify.stdout).toContain('\x1b[31m[WSAEPROVIDERFAILEDINIT]\x1b[39m');

      for (const run of [
        onTerminal(['catalog', 'show', '--catalog', file], { NO_COLOR: '1' }),
        onTerminal(['catalog', 'verify', '--catalog', file], { NO_COLOR: '1' }),
        onTerminal(['catalog', 'show', '--json', '--catalog', file]),
        ws2spi(['catalog', 'show', '--catalog', file]),
        ws2spi(['catalog', 'verify', '--catalog', file]),
      ]) {
        // No colour (SGR) sequence; a progress line on the terminal is not colour.
        expect(`${run.stdout}${run.stderr}`).not.toMatch(SGR);
      }
    });
  },
);

describe('GUIDs', () => {
  it('are accepted braced upper-case as printed, plain lower-case, and mixed, by every command that takes one', () => {
    const file = layeredCatalog();
    const printed = /Provider ID: +(\{[0-9A-F-]+\})/.exec(
      ws2spi(['catalog', 'show', '--catalog', file]).stdout,
    )?.[1];
    expect(printed).toBe(upper(TCPIP_GUID));
    const forms = [upper(OTHER_GUID), OTHER_GUID, OTHER_GUID.toUpperCase(), `{${OTHER_GUID}}`];
    for (const form of forms) {
      const install = ws2spi([
        'lsp',
        'install',
        '--name',
        'G',
        '--path',
        'p',
        '--guid',
        form,
        '2,2,17',
        '--catalog',
        file,
      ]);
      expect({ form, status: install.status }).toEqual({ form, status: 0 });
      expect(install.stdout).toContain(upper(OTHER_GUID));
      expect({ form, status: ws2spi(['lsp', 'remove', form, '--catalog', file]).status }).toEqual({
        form,
        status: 0,
      });
    }
    expect(ws2spi(['catalog', 'remove', upper(LSP_CHAIN_GUID), '--catalog', file]).status).toBe(0);
    expect(ws2spi(['catalog', 'remove', `{${LSP_DUMMY_GUID}}`, '--catalog', file]).status).toBe(0);
    expect(entryIds(file)).toEqual([1001, 1002]);
    const bad = ws2spi(['catalog', 'remove', `{${TCPIP_GUID}`, '--catalog', file]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('is not a GUID');
  });
});

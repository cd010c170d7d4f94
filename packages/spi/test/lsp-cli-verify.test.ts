/**
 * `ws2spi catalog verify` reports orphaned and broken chains of layered providers (status 1 with a
 * listing), and `ws2spi catalog reset` repairs them — run in-process against catalog files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Catalog } from '../src/catalog/catalog';
import { CATALOG_VERIFICATION_FORMAT } from '../src/cli/catalog-verification';
import { installProviderAndChains } from '../src/lsp/install-provider-and-chains';
import { out } from '../src/types/out-cell';
import { CliSandbox } from './fixtures/catalog/cli-harness';
import { TCPIP_GUID, tcpInfo, udpInfo } from './fixtures/catalog/protocol-infos';

const FIXTURE_MODULE = path.join(__dirname, 'fixtures', 'catalog', 'fixture-installers.ts');
const LSP = 'a1a1a1a1-0000-4000-8000-000000000001';

let sandbox: CliSandbox;
beforeEach(() => {
  sandbox = new CliSandbox([{ module: FIXTURE_MODULE, install: 'installFixtureProviders' }]);
});
afterEach(() => sandbox.dispose());

/** TCP/IP 1001, UDP/IP 1002, an LSP over both: layered entry 1003, chains 1004 (TCP) and 1005 (UDP). */
function layered(): { file: string; chainGuids: readonly string[] } {
  const file = sandbox.file('catalog.json');
  const catalog = Catalog.openFile(file);
  expect(catalog.WSCInstallProvider(TCPIP_GUID, 'mswsock', [tcpInfo(), udpInfo()], 2, out(0))).toBe(0);
  const outcome = installProviderAndChains(catalog, {
    providerId: LSP,
    path: 'lsp:test',
    lspName: 'Test LSP',
    serviceFlags: 0,
    protocols: null,
  });
  if (!outcome.ok) throw new Error(outcome.reason);
  return { file, chainGuids: outcome.installed.chainProviderIds };
}

describe('ws2spi catalog verify', () => {
  it('passes a healthy catalog with LSP chains (status 0)', async () => {
    const { file } = layered();
    const run = await sandbox.run(['catalog', 'verify', '--catalog', file]);
    expect(run).toEqual({
      status: 0,
      stdout: `Catalog ${file}: 5 entries, serial 3\nNo orphaned or broken chains.\n`,
      stderr: '',
    });
  });

  it('lists the chains an LSP removed by its layered entry alone left orphaned (status 1)', async () => {
    const { file, chainGuids } = layered();
    expect(Catalog.openFile(file).WSCDeinstallProvider(LSP, out(0))).toBe(0);
    const run = await sandbox.run(['catalog', 'verify', '--catalog', file]);
    const guid = (i: number) => `{${chainGuids[i].toUpperCase()}}`;
    expect(run).toEqual({
      status: 1,
      stdout:
        `Catalog ${file}: 4 entries, serial 4\n` +
        `Orphaned chain entry 1004 "Test LSP over [MSAFD Tcpip [TCP/IP]]" ${guid(0)} (lsp:test): ChainEntries[0] = 1003 is not in the catalog (the LSP's layered entry was removed)\n` +
        `Orphaned chain entry 1005 "Test LSP over [MSAFD Tcpip [UDP/IP]]" ${guid(1)} (lsp:test): ChainEntries[0] = 1003 is not in the catalog (the LSP's layered entry was removed)\n` +
        "2 orphaned or broken chain entries; 'ws2spi catalog reset' repairs the catalog.\n",
      stderr: `[WSAEPROVIDERFAILEDINIT] 2 chain entries in ${file} cannot be loaded; run 'ws2spi catalog reset' to repair, or 'ws2spi lsp remove GUID' for one LSP\n`,
    });
  });

  it('reports chains broken below (their base removed) and unused layered entries, as JSON', async () => {
    const { file } = layered();
    expect(Catalog.openFile(file).WSCDeinstallProvider(TCPIP_GUID, out(0))).toBe(0);
    const run = await sandbox.run(['catalog', 'verify', '--json', '--catalog', file]);
    expect(run.status).toBe(1);
    const doc = JSON.parse(run.stdout);
    expect(doc).toMatchObject({ format: CATALOG_VERIFICATION_FORMAT, version: 1, catalog: file, serial: 4 });
    expect(
      doc.broken.map((b: { catalogEntryId: number; kind: string; index: number; id: number }) => [
        b.catalogEntryId,
        b.kind,
        b.index,
        b.id,
      ]),
    ).toEqual([
      [1004, 'missing-entry', 1, 1001],
      [1005, 'missing-entry', 1, 1002],
    ]);
    expect(doc.unusedLayeredEntries).toEqual([]);
  });

  it('lists an unused layered entry without failing (status 0)', async () => {
    const { file, chainGuids } = layered();
    const catalog = Catalog.openFile(file);
    for (const guid of chainGuids) expect(catalog.WSCDeinstallProvider(guid, out(0))).toBe(0);
    const run = await sandbox.run(['catalog', 'verify', '--catalog', file]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      `Unused layered entry 1003 "Test LSP" {${LSP.toUpperCase()}} (lsp:test): no chain uses it\n`,
    );
  });

  it('treats a missing catalog file as the default catalog and creates nothing', async () => {
    const run = await sandbox.run(['catalog', 'verify', '--json']);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ exists: false, broken: [] });
    expect(fs.existsSync(sandbox.defaultFile)).toBe(false);
  });

  it.each([
    [['catalog', 'verify', 'now'], /catalog verify: unexpected argument 'now'/],
    [['catalog', 'verify', '--from', 'x'], /catalog verify does not take '--from'/],
  ])('%j is a usage error', async (argv, message) => {
    const run = await sandbox.run(argv);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('has its own help', async () => {
    const run = await sandbox.run(['catalog', 'verify', '--help']);
    expect(run.status).toBe(0);
    expect(run.stdout.startsWith('Usage: ws2spi catalog verify [--json] [--catalog FILE]')).toBe(true);
  });
});

describe('ws2spi catalog reset repairs orphaned and broken chains', () => {
  it('removes them with everything else, says which, and verify passes afterwards', async () => {
    const { file } = layered();
    expect(Catalog.openFile(file).WSCDeinstallProvider(LSP, out(0))).toBe(0);
    const reset = await sandbox.run(['catalog', 'reset', '--catalog', file]);
    expect(reset).toEqual({
      status: 0,
      stdout:
        `Catalog ${file} reset\n` +
        'Removed 2 orphaned or broken chain entries: 1004, 1005\n' +
        `Installed ${FIXTURE_MODULE} (installFixtureProviders)\n`,
      stderr: '',
    });
    const verify = await sandbox.run(['catalog', 'verify', '--catalog', file]);
    expect(verify.status).toBe(0);
    expect(verify.stdout).toContain('No orphaned or broken chains.');
  });
});

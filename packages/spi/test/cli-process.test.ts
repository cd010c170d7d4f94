/**
 * The compiled `ws2spi` executable run as a real child process (node dist/cli/main.js): the
 * shebang, exit statuses a script sees, and output on the real streams.
 */

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Catalog } from '../src/catalog/catalog';
import { CLI_MAIN, ensureSpiBuilt } from './fixtures/catalog/ensure-built';
import { OTHER_GUID } from './fixtures/catalog/protocol-infos';

let dir: string;

beforeAll(() => {
  ensureSpiBuilt();
  dir = fs.mkdtempSync(path.join(tmpdir(), 'ws2spi-cli-process-'));
}, 180_000);

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs the executable with a private home, so the machine's own catalog is never touched. */
function ws2spi(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [CLI_MAIN, ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOME: dir, XDG_CONFIG_HOME: path.join(dir, 'xdg'), ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('ws2spi as a process', () => {
  it('starts with a node shebang so it can be a package bin', () => {
    expect(fs.readFileSync(CLI_MAIN, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  });

  it('prints its version and help with status 0', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
    expect(ws2spi(['--version'])).toEqual({ status: 0, stdout: `ws2spi ${manifest.version}\n`, stderr: '' });
    const help = ws2spi(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Exit status:');
  });

  it('exits 2 on a usage error and 1 on a failed operation, with the message on stderr', () => {
    const usage = ws2spi(['catalog', 'bogus']);
    expect(usage.status).toBe(2);
    expect(usage.stdout).toBe('');
    expect(usage.stderr).toContain("ws2spi: catalog: unknown command 'bogus'");

    const file = path.join(dir, 'fail.json');
    Catalog.openFile(file).WSCInstallProvider(
      OTHER_GUID,
      'p',
      [
        {
          dwServiceFlags1: 0x20066,
          dwServiceFlags2: 0,
          dwServiceFlags3: 0,
          dwServiceFlags4: 0,
          dwProviderFlags: 0,
          ProviderId: OTHER_GUID,
          dwCatalogEntryId: 0,
          ProtocolChain: { ChainLen: 1, ChainEntries: [] },
          iVersion: 2,
          iAddressFamily: 2,
          iMaxSockAddr: 16,
          iMinSockAddr: 16,
          iSocketType: 1,
          iProtocol: 6,
          iProtocolMaxOffset: 0,
          iNetworkByteOrder: 0,
          iSecurityScheme: 0,
          dwMessageSize: 0,
          dwProviderReserved: 0,
          szProtocol: 'x',
        },
      ],
      1,
      { value: 0 },
    );
    const failed = ws2spi(['catalog', 'order', '1005', '--catalog', file]);
    expect(failed.status).toBe(1);
    expect(failed.stderr).toBe('[WSAEINVAL] WSCWriteProviderOrder: 1005 is not a catalog entry ID\n');
  });

  it('installs, lists, reorders and removes through WS2SPI_CATALOG', () => {
    const file = path.join(dir, 'env-catalog.json');
    // An empty catalog file (a missing one would be the default catalog).
    Catalog.openFile(file).store.update(() => true);
    const env = { WS2SPI_CATALOG: file };
    const from = path.join(dir, 'provider.json');
    fs.writeFileSync(
      from,
      JSON.stringify({
        providerId: '5e1f0c2a-7b3d-4e8f-9a6b-0c1d2e3f4a5b',
        path: '@example/provider',
        entries: ['TCP', 'UDP'].map((name, i) => ({
          szProtocol: `Example [${name}]`,
          iAddressFamily: 23,
          iSocketType: i + 1,
          iProtocol: i === 0 ? 6 : 17,
          iMaxSockAddr: 28,
          iMinSockAddr: 28,
          dwServiceFlags1: i === 0 ? '0x20066' : '0x20609',
        })),
      }),
    );
    expect(ws2spi(['catalog', 'install', '--from', from], env)).toEqual({
      status: 0,
      stdout: 'Installed provider {5E1F0C2A-7B3D-4E8F-9A6B-0C1D2E3F4A5B}: catalog entries 1001, 1002\n',
      stderr: '',
    });
    expect(ws2spi(['catalog', 'order', '1002', '1001'], env).status).toBe(0);

    const listed = ws2spi(['catalog', 'show', '--json'], env);
    expect(listed.status).toBe(0);
    const listing = JSON.parse(listed.stdout);
    expect(listing.catalog).toBe(file);
    expect(
      listing.entries.map((e: { info: { dwCatalogEntryId: number } }) => e.info.dwCatalogEntryId),
    ).toEqual([1002, 1001]);
    expect(listing.entries[1].info.iAddressFamily).toBe(23);

    const text = ws2spi(['catalog', 'show'], env);
    expect(text.stdout).toContain('Address Family:                     23 (AF_INET6)');

    expect(ws2spi(['catalog', 'remove', '{5E1F0C2A-7B3D-4E8F-9A6B-0C1D2E3F4A5B}'], env).status).toBe(0);
    expect(JSON.parse(ws2spi(['catalog', 'show', '--json'], env).stdout).entries).toEqual([]);
    // The file store left nothing behind: no lock, no temporary file.
    expect(
      fs.readdirSync(dir).filter((name) => name.startsWith('env-catalog') || name.startsWith('.env-catalog')),
    ).toEqual(['env-catalog.json']);
  });
});

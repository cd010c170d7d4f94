/**
 * The JSON file store with real files: persistence and ID allocation across reopening, validation
 * on load (corrupt, foreign, other version, invalid content — never a silent reset), missing files
 * and directories, refused access, the lock (stale takeover, timeout), and real child processes
 * writing one file at the same time.
 */

import { type ChildProcess, fork, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Catalog } from '../src/catalog/catalog';
import {
  CATALOG_FILE_FORMAT,
  CATALOG_FILE_VERSION,
  parseCatalogFile,
} from '../src/catalog/catalog-file-format';
import { CatalogStoreError } from '../src/catalog/catalog-store-error';
import { JsonFileCatalogStore } from '../src/catalog/json-file-catalog-store';
import { WSAEACCES, WSANO_RECOVERY } from '../src/constants/error-codes';
import { SOCKET_ERROR } from '../src/constants/socket-api';
import { isWsaError } from '../src/errors/wsa-error';
import { out } from '../src/types/out-cell';
import { CATALOG_INDEX, ensureSpiBuilt } from './fixtures/catalog/ensure-built';
import { OTHER_GUID, TCPIP_GUID, tcpInfo, udpInfo } from './fixtures/catalog/protocol-infos';

let dir: string;
let file: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(tmpdir(), 'ws2spi-catalog-'));
  file = path.join(dir, 'catalog.json');
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function install(catalog: Catalog, guid: string, n = 1): void {
  const lpErrno = out(0);
  const list = [tcpInfo(), udpInfo()].slice(0, n);
  const result = catalog.WSCInstallProvider(guid, 'mswsock', list, n, lpErrno);
  if (result !== 0) throw catalog.lastStoreError ?? new Error(`install failed: ${lpErrno.value}`);
}

/** Resolves once `done()` holds, checking every 10 ms (bounded by the test's timeout). */
async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** Files in the catalog directory other than the catalog itself (temp files, lock files). */
function leftovers(): string[] {
  return fs.readdirSync(dir).filter((name) => name !== 'catalog.json');
}

describe('persistence', () => {
  it('writes a marked, versioned JSON file that a second Catalog reads', () => {
    const writer = Catalog.openFile(file);
    install(writer, TCPIP_GUID, 2);
    const document = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(document).toMatchObject({
      format: CATALOG_FILE_FORMAT,
      version: CATALOG_FILE_VERSION,
      serial: 2,
      nextCatalogEntryId: 1003,
      appCategories: [],
    });
    expect(
      document.entries.map((e: { info: { dwCatalogEntryId: number } }) => e.info.dwCatalogEntryId),
    ).toEqual([1001, 1002]);
    const reader = Catalog.openFile(file);
    expect(reader.entries()).toEqual(writer.entries());
    expect(reader.snapshot().serial).toBe(2);
    expect(leftovers()).toEqual([]);
  });

  it('never reuses an ID, also after reopening a file whose entries were all removed', () => {
    const first = Catalog.openFile(file);
    install(first, TCPIP_GUID, 2);
    expect(first.WSCDeinstallProvider(TCPIP_GUID, out(0))).toBe(0);
    const reopened = Catalog.openFile(file);
    expect(reopened.entries()).toEqual([]);
    install(reopened, OTHER_GUID);
    expect(reopened.entries().map((e) => e.info.dwCatalogEntryId)).toEqual([1003]);
  });

  it('lets two Catalog objects on one file see each other’s writes at once', () => {
    const a = Catalog.openFile(file);
    const b = Catalog.openFile(file);
    install(a, TCPIP_GUID);
    const lpErrno = out(0);
    expect(b.WSCInstallProvider(TCPIP_GUID, 'p', [tcpInfo()], 1, lpErrno)).toBe(SOCKET_ERROR);
    expect(lpErrno.value).toBe(WSANO_RECOVERY); // already installed, seen through the file
    install(b, OTHER_GUID);
    expect(a.WSCWriteProviderOrder([1002, 1001], 2)).toBe(0);
    expect(b.entries().map((e) => e.info.dwCatalogEntryId)).toEqual([1002, 1001]);
  });
});

describe('a missing file', () => {
  it('reads as an empty fresh catalog and is not created by reading', () => {
    const catalog = Catalog.openFile(file);
    const length = out(0);
    expect(catalog.WSCEnumProtocols(null, null, length, out(0))).toBe(0);
    expect(catalog.snapshot()).toEqual({ serial: 1, entries: [], appCategories: [] });
    expect(fs.existsSync(file)).toBe(false);
  });

  it('is created, with its missing directories, by the first write', () => {
    const nested = path.join(dir, 'config', 'ws2spi', 'catalog.json');
    const catalog = Catalog.openFile(nested);
    install(catalog, TCPIP_GUID);
    expect(parseCatalogFile(fs.readFileSync(nested, 'utf8'), nested).entries).toHaveLength(1);
  });
});

describe('a file that is not a valid catalog is an error naming it, never a reset', () => {
  const cases: [string, string, string, RegExp][] = [
    ['unparsable text', '{"format": "ws2spi-catalog", "entries": [', 'corrupt', /corrupt: not valid JSON/],
    ['an empty file', '', 'corrupt', /the file is empty/],
    [
      'a foreign JSON file',
      '{ "name": "left-pad", "version": "1.0.0" }\n',
      'foreign',
      /not a ws2spi catalog file/,
    ],
    ['a JSON array', '[1, 2, 3]', 'foreign', /not a ws2spi catalog file/],
    ['another format marker', '{ "format": "winsock-dump" }', 'foreign', /its format is "winsock-dump"/],
    [
      'a newer version',
      JSON.stringify({
        format: 'ws2spi-catalog',
        version: 2,
        serial: 1,
        nextCatalogEntryId: 1001,
        entries: [],
        appCategories: [],
      }),
      'unsupported-version',
      /version 2; this ws2spi reads version 1/,
    ],
  ];

  it.each(cases)('%s', (_name, text, problem, message) => {
    fs.writeFileSync(file, text);
    const catalog = Catalog.openFile(file);
    const lpErrno = out(0);
    expect(catalog.WSCEnumProtocols(null, null, out(0), lpErrno)).toBe(SOCKET_ERROR);
    expect(lpErrno.value).toBe(WSANO_RECOVERY);
    const error = catalog.lastStoreError;
    expect(error).toBeInstanceOf(CatalogStoreError);
    expect(error?.problem).toBe(problem);
    expect(error?.message).toContain(file);
    expect(error?.message).toMatch(message);
    expect(error?.message.startsWith('[WSANO_RECOVERY] ')).toBe(true);
    // A write attempt fails the same way and leaves the file exactly as it was.
    expect(catalog.WSCInstallProvider(TCPIP_GUID, 'p', [tcpInfo()], 1, lpErrno)).toBe(SOCKET_ERROR);
    expect(lpErrno.value).toBe(WSANO_RECOVERY);
    expect(fs.readFileSync(file, 'utf8')).toBe(text);
    expect(() => catalog.snapshot()).toThrow(CatalogStoreError);
    expect(leftovers()).toEqual([]);
  });

  function validFile(): Record<string, unknown> {
    const catalog = Catalog.openFile(file);
    install(catalog, TCPIP_GUID, 2);
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  }

  // biome-ignore lint/suspicious/noExplicitAny: each case reaches into a different corner of the parsed JSON
  const invalid: [string, (doc: any) => void, RegExp][] = [
    [
      'a duplicate catalog entry ID',
      (doc) => (doc.entries[1].info.dwCatalogEntryId = 1001),
      /entries\[1\]\.info\.dwCatalogEntryId: 1001 is used by an earlier entry/,
    ],
    [
      'an ID the counter has not handed out',
      (doc) => (doc.nextCatalogEntryId = 1002),
      /entries\[1\]\.info\.dwCatalogEntryId: 1002 is outside/,
    ],
    [
      'a counter below 1001',
      (doc) => (doc.nextCatalogEntryId = 5),
      /nextCatalogEntryId: expected an integer of at least 1001/,
    ],
    [
      'ChainLen 9',
      (doc) => (doc.entries[0].info.ProtocolChain.ChainLen = 9),
      /entries\[0\]\.info\.ProtocolChain\.ChainLen/,
    ],
    [
      'a string where a number belongs',
      (doc) => (doc.entries[1].info.iSocketType = 'stream'),
      /entries\[1\]\.info\.iSocketType: expected an int/,
    ],
    [
      'a malformed ProviderId',
      (doc) => (doc.entries[0].info.ProviderId = '{E70F1AA0}'),
      /entries\[0\]\.info\.ProviderId/,
    ],
    ['an empty path', (doc) => (doc.entries[0].path = ''), /entries\[0\]\.path: the provider path is empty/],
    ['an unknown member', (doc) => (doc.entries[0].extra = true), /entries\[0\]: unknown member "extra"/],
    ['a missing entries array', (doc) => delete doc.entries, /entries: expected an array/],
    ['a negative serial', (doc) => (doc.serial = -1), /serial: expected a non-negative integer/],
  ];

  it.each(invalid)('content with %s', (_name, corrupt, message) => {
    const document = validFile();
    corrupt(document);
    const text = JSON.stringify(document);
    fs.writeFileSync(file, text);
    const catalog = Catalog.openFile(file);
    expect(catalog.WSCInstallProvider(OTHER_GUID, 'p', [tcpInfo()], 1, out(0))).toBe(SOCKET_ERROR);
    expect(catalog.lastStoreError?.problem).toBe('invalid');
    expect(catalog.lastStoreError?.message).toContain(`catalog file ${file} is invalid: `);
    expect(catalog.lastStoreError?.message).toMatch(message);
    expect(fs.readFileSync(file, 'utf8')).toBe(text);
  });
});

describe('refused access', () => {
  const isRoot = process.getuid?.() === 0;

  it('a directory path whose parent is a regular file: ENOTDIR, named in the error', () => {
    // Works for every user, root included: no permission bits are involved.
    const blocker = path.join(dir, 'not-a-directory');
    fs.writeFileSync(blocker, 'a regular file');
    const target = path.join(blocker, 'ws2spi', 'catalog.json');
    const catalog = Catalog.openFile(target);
    const lpErrno = out(0);
    expect(catalog.WSCInstallProvider(TCPIP_GUID, 'p', [tcpInfo()], 1, lpErrno)).toBe(SOCKET_ERROR);
    expect(lpErrno.value).toBe(WSANO_RECOVERY);
    const error = catalog.lastStoreError;
    expect(error?.problem).toBe('io');
    expect(error?.message).toContain(target);
    expect((error?.cause as NodeJS.ErrnoException | undefined)?.code).toMatch(/^(ENOTDIR|EEXIST)$/);
    // Reading through the same path is an error too, not an empty catalog.
    expect(catalog.WSCEnumProtocols(null, null, out(0), lpErrno)).toBe(SOCKET_ERROR);
    expect((catalog.lastStoreError?.cause as NodeJS.ErrnoException | undefined)?.code).toBe('ENOTDIR');
  });

  /**
   * A directory the process may not write to. chmod 0555 stops ordinary users; root ignores
   * permission bits (CI runs tests as root), so there the test uses a real read-only place: sysfs
   * (/sys), where even root gets EACCES creating a file. Whichever is used is probed first.
   */
  function unwritableDirectory(): string | undefined {
    if (!isRoot) {
      const locked = path.join(dir, 'read-only');
      fs.mkdirSync(locked);
      fs.chmodSync(locked, 0o555);
      return locked;
    }
    const probe = path.join('/sys', `ws2spi-probe-${process.pid}`);
    try {
      fs.closeSync(fs.openSync(probe, 'wx'));
      fs.rmSync(probe);
      return undefined;
    } catch (error) {
      return ['EACCES', 'EPERM', 'EROFS'].includes((error as NodeJS.ErrnoException).code ?? '')
        ? '/sys'
        : undefined;
    }
  }

  it('a read-only directory: WSAEACCES in the store error, WSANO_RECOVERY from the call', () => {
    const locked = unwritableDirectory();
    if (locked === undefined) {
      // Skip with the reason: running as root with no read-only file system to write to.
      console.warn('skipped: no directory this process cannot write to (root, and /sys is writable)');
      return;
    }
    const target = path.join(locked, `ws2spi-test-${process.pid}.json`);
    const catalog = Catalog.openFile(target);
    const lpErrno = out(0);
    try {
      expect(catalog.WSCInstallProvider(TCPIP_GUID, 'p', [tcpInfo()], 1, lpErrno)).toBe(SOCKET_ERROR);
      expect(lpErrno.value).toBe(WSANO_RECOVERY);
      const error = catalog.lastStoreError;
      expect(isWsaError(error, WSAEACCES)).toBe(true);
      expect(error?.problem).toBe('access');
      expect(error?.message).toMatch(/^\[WSAEACCES\] cannot lock catalog file /);
      expect(error?.message).toContain(target);
      expect(['EACCES', 'EPERM', 'EROFS']).toContain(
        (error?.cause as NodeJS.ErrnoException | undefined)?.code,
      );
      expect(fs.existsSync(target)).toBe(false);
    } finally {
      if (locked !== '/sys') fs.chmodSync(locked, 0o755);
    }
  });
});

describe('the lock file', () => {
  it('is gone after every write, and no temporary file is left behind', () => {
    const catalog = Catalog.openFile(file);
    install(catalog, TCPIP_GUID);
    catalog.WSCInstallProvider(TCPIP_GUID, 'p', [tcpInfo()], 1, out(0)); // refused inside the lock
    expect(leftovers()).toEqual([]);
  });

  it('held by a live process makes a writer give up after its timeout, leaving the lock alone', () => {
    const lock = `${file}.lock`;
    const holder = { pid: process.pid, hostname: hostname(), time: Date.now(), nonce: 'held-by-test' };
    fs.writeFileSync(lock, JSON.stringify(holder));
    const catalog = Catalog.openFile(file, { lockTimeoutMs: 150 });
    const lpErrno = out(0);
    expect(catalog.WSCInstallProvider(TCPIP_GUID, 'p', [tcpInfo()], 1, lpErrno)).toBe(SOCKET_ERROR);
    expect(lpErrno.value).toBe(WSANO_RECOVERY);
    expect(catalog.lastStoreError?.problem).toBe('lock-timeout');
    expect(catalog.lastStoreError?.message).toContain(`by pid ${process.pid}`);
    expect(JSON.parse(fs.readFileSync(lock, 'utf8'))).toEqual(holder);
    expect(fs.existsSync(file)).toBe(false);
    // Reading does not need the lock.
    expect(catalog.WSCEnumProtocols(null, null, out(0), lpErrno)).toBe(0);
  });

  it('left by a dead process long enough ago is taken over', () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid as number;
    const lock = `${file}.lock`;
    fs.writeFileSync(
      lock,
      JSON.stringify({ pid: dead, hostname: hostname(), time: Date.now() - 60_000, nonce: 'x' }),
    );
    const catalog = Catalog.openFile(file, { lockTimeoutMs: 5_000, staleLockMs: 10_000 });
    install(catalog, TCPIP_GUID);
    expect(catalog.entries()).toHaveLength(1);
    expect(leftovers()).toEqual([]);
  });

  it('left by a dead process on this host is taken over at once, however recent (issue 12, fault 6)', () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid as number;
    fs.writeFileSync(
      `${file}.lock`,
      JSON.stringify({ pid: dead, hostname: hostname(), time: Date.now(), nonce: 'x' }),
    );
    const catalog = Catalog.openFile(file, { lockTimeoutMs: 100, staleLockMs: 60_000 });
    install(catalog, TCPIP_GUID);
    expect(catalog.entries()).toHaveLength(1);
    expect(leftovers()).toEqual([]);
  });

  it('held by a live process whose pid now names another process (pid reuse) is taken over', () => {
    // Our own pid, but a process start that is not ours: the holder died and its pid was reused.
    fs.writeFileSync(
      `${file}.lock`,
      JSON.stringify({
        pid: process.pid,
        hostname: hostname(),
        time: Date.now(),
        nonce: 'x',
        start: 'not-this-one',
      }),
    );
    const catalog = Catalog.openFile(file, { lockTimeoutMs: 100, staleLockMs: 60_000 });
    if (process.platform === 'linux') {
      install(catalog, TCPIP_GUID);
      expect(leftovers()).toEqual([]);
    } else {
      // Without /proc the start of a process is unknown: the live pid keeps the lock.
      expect(catalog.WSCInstallProvider(TCPIP_GUID, 'p', [tcpInfo()], 1, out(0))).toBe(SOCKET_ERROR);
    }
  });

  it('taken on another host a moment ago is not taken over yet (its pid means nothing here)', () => {
    fs.writeFileSync(
      `${file}.lock`,
      JSON.stringify({ pid: 1, hostname: `not-${hostname()}`, time: Date.now(), nonce: 'x' }),
    );
    const catalog = Catalog.openFile(file, { lockTimeoutMs: 100, staleLockMs: 60_000 });
    expect(catalog.WSCInstallProvider(TCPIP_GUID, 'p', [tcpInfo()], 1, out(0))).toBe(SOCKET_ERROR);
    expect(catalog.lastStoreError?.problem).toBe('lock-timeout');
  });

  it('temporary files of dead writers are removed by the next write; a live writer’s are not', () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid as number;
    const live = spawnSync(process.execPath, ['-e', '']).pid as number;
    const deadTemp = `.catalog.json.${dead}.0123456789ab.tmp`;
    const hostTemp = `.catalog.json.${hostname().replace(/[^A-Za-z0-9-]/g, '_')}.${dead}.0123456789ab.tmp`;
    const otherHost = `.catalog.json.elsewhere.${dead}.0123456789ab.tmp`;
    const parentTemp = `.catalog.json.${process.ppid}.0123456789ab.tmp`;
    const unrelated = ['.other.json.1.0123456789ab.tmp', 'notes.txt'];
    for (const name of [deadTemp, hostTemp, otherHost, parentTemp, ...unrelated]) {
      fs.writeFileSync(path.join(dir, name), 'x');
    }
    expect(live).not.toBe(dead);
    install(Catalog.openFile(file), TCPIP_GUID);
    expect(leftovers().sort()).toEqual([otherHost, parentTemp, ...unrelated].sort());
  });

  it('that is empty (its writer died between create and write) is taken over once old', () => {
    const lock = `${file}.lock`;
    fs.writeFileSync(lock, '');
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(lock, old, old);
    const catalog = Catalog.openFile(file, { lockTimeoutMs: 5_000, staleLockMs: 10_000 });
    install(catalog, TCPIP_GUID);
    expect(leftovers()).toEqual([]);
  });
});

/** What catalog-worker.js reports. */
interface WorkerResult {
  ok: boolean;
  installed?: number;
  reads?: number;
  failures?: string[];
  error?: string;
}

describe('several processes on one file', () => {
  const workers: ChildProcess[] = [];

  beforeAll(() => {
    ensureSpiBuilt();
  }, 180_000);

  afterAll(() => {
    for (const worker of workers) if (worker.exitCode === null) worker.kill();
  });

  function startWorker(args: string[]): {
    child: ChildProcess;
    ready: Promise<void>;
    result: Promise<WorkerResult>;
  } {
    const child = fork(
      path.join(__dirname, 'fixtures', 'catalog', 'catalog-worker.js'),
      [CATALOG_INDEX, file, ...args],
      {
        execArgv: [],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        timeout: 120_000,
      },
    );
    workers.push(child);
    let markReady: () => void;
    const ready = new Promise<void>((resolve) => {
      markReady = resolve;
    });
    const result = new Promise<WorkerResult>((resolve, reject) => {
      child.on('message', (message) => {
        if (message === 'ready') markReady();
        else resolve(message as WorkerResult);
      });
      child.on('error', reject);
      child.on('exit', (code) =>
        reject(new Error(`worker ${args.join(' ')} exited with ${code} before reporting`)),
      );
    });
    return { child, ready, result };
  }

  it('a writer killed inside the lock blocks nobody and leaves no temporary file (issue 12, fault 6)', async () => {
    install(Catalog.openFile(file), TCPIP_GUID);
    const holder = startWorker(['hold']);
    // It never reports: it is killed.
    holder.result.catch(() => undefined);
    await holder.ready;
    holder.child.send('go');
    // The worker holds the lock and has written its temporary file: wait until both exist.
    await until(() => fs.existsSync(`${file}.lock`) && leftovers().some((name) => name.endsWith('.tmp')));
    const exited = new Promise((resolve) => holder.child.once('exit', resolve));
    holder.child.kill('SIGKILL');
    await exited;
    expect(leftovers().sort()).toEqual(
      [`catalog.json.lock`, expect.stringMatching(/^\.catalog\.json\..*\.tmp$/)].sort(),
    );
    // The next writer does not wait for the lock to grow old: its holder is gone.
    const catalog = Catalog.openFile(file, { lockTimeoutMs: 1_000, staleLockMs: 60_000 });
    const lpErrno = out(0);
    expect([
      catalog.WSCInstallProvider(OTHER_GUID, 'p', [tcpInfo()], 1, lpErrno),
      catalog.lastFailureReason,
    ]).toEqual([0, undefined]);
    expect(catalog.entries().map((e) => e.info.ProviderId)).toEqual([TCPIP_GUID, OTHER_GUID]);
    expect(leftovers()).toEqual([]);
  }, 60_000);

  it('installing at the same time loses no entry and hands out unique IDs; readers never see a torn file', async () => {
    const perWorker = 25;
    const writers = [1, 2, 3].map((n) => startWorker(['install', String(n), String(perWorker)]));
    const reader = startWorker(['read']);
    await Promise.all([...writers, reader].map((w) => w.ready));
    for (const w of [reader, ...writers]) w.child.send('go');

    const results = await Promise.all(writers.map((w) => w.result));
    reader.child.send('stop');
    const readResult = await reader.result;

    expect(results).toEqual(writers.map(() => ({ ok: true, installed: perWorker })));
    expect(readResult.failures).toEqual([]);
    expect(readResult.reads).toBeGreaterThan(0);

    const catalog = Catalog.openFile(file);
    const entries = catalog.entries();
    // Counted, not compared, so a failure reads "expected 150, received 60" rather than a dump.
    expect(entries.length).toBe(3 * perWorker * 2);
    const ids = entries.map((e) => e.info.dwCatalogEntryId);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort((a, b) => a - b)).toEqual(Array.from({ length: ids.length }, (_, i) => 1001 + i));
    for (const n of [1, 2, 3]) {
      const mine = entries.filter((e) => e.path === `worker-${n}`);
      expect(new Set(mine.map((e) => e.info.ProviderId)).size).toBe(perWorker);
      // The two entries of one install are adjacent and consecutive: one call, one write.
      for (let i = 0; i < mine.length; i += 2) {
        expect(mine[i + 1].info.dwCatalogEntryId).toBe(mine[i].info.dwCatalogEntryId + 1);
      }
    }
    expect(catalog.serial).toBe(1 + 3 * perWorker);
    expect(leftovers()).toEqual([]);
  }, 120_000);
});

describe('JsonFileCatalogStore', () => {
  it('resolves a relative path and names its lock file after it', () => {
    const store = new JsonFileCatalogStore(path.relative(process.cwd(), file));
    expect(store.location).toBe(file);
    expect(store.lockPath).toBe(`${file}.lock`);
  });
});

import { AsyncLocalStorage } from 'node:async_hooks';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
/**
 * `WSAGetLastError` per "thread" (async flow) and per `Ws2` process, and the async hooks it costs:
 * one storage for every instance in the Node process, turned off after the last `WSACleanup`.
 */
import {
  AF_INET,
  emptyWsaData,
  IPPROTO_TCP,
  MAKEWORD,
  SOCK_STREAM,
  SOCKET_ERROR,
  WSAECONNRESET,
  WSAEFAULT,
  WSAENOTCONN,
  WSAENOTSOCK,
  WSANOTINITIALISED,
  type Ws2,
} from '@ws2spi/spi';
import { ensureSpiBuilt, REPO_ROOT, SPI_DIST } from './fixtures/catalog/ensure-built';
import { entry, protocolInfo } from './support/protocol-info';
import { type ScriptedProvider, scriptedProvider } from './support/scripted-provider';
import { ws2With } from './support/ws2-process';

const info = protocolInfo({ dwCatalogEntryId: 1001 });

function processWith(p: ScriptedProvider = scriptedProvider(), start = true): Ws2 {
  return ws2With([entry('p:a', info)], { 'p:a': p }, { start });
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A receive that fails with `code`, asynchronously, after `delay` turns of the event loop. */
function failingRecv(p: ScriptedProvider, code: number, delay: number): void {
  p.overrides.lpWSPRecv = async (_s, _b, _n, _r, _f, _o, _c, _t, lpErrno) => {
    for (let i = 0; i < delay; i++) await tick();
    lpErrno.value = code;
    return SOCKET_ERROR;
  };
}

const processes: Ws2[] = [];
afterEach(() => {
  for (const ws2 of processes.splice(0)) while (ws2.startupReferences > 0) ws2.WSACleanup();
});
function track(ws2: Ws2): Ws2 {
  processes.push(ws2);
  return ws2;
}

describe('the last error is per async flow', () => {
  it('two concurrent flows interleaving failing calls each read their own error', async () => {
    const ws2 = track(processWith());
    const s = await ws2.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    const seen: Record<string, number[]> = { a: [], b: [] };
    const flowA = async () => {
      ws2.closesocket(424242); // WSAENOTSOCK
      await tick();
      seen.a.push(ws2.WSAGetLastError());
      await tick();
      ws2.WSASetLastError(7);
      await tick();
      seen.a.push(ws2.WSAGetLastError());
    };
    const flowB = async () => {
      ws2.WSASendDisconnect(s, { len: 9, buf: new Uint8Array(1) }); // WSAEFAULT
      await tick();
      seen.b.push(ws2.WSAGetLastError());
      await tick();
      await tick();
      seen.b.push(ws2.WSAGetLastError());
    };
    await Promise.all([flowA(), flowB()]);
    expect(seen).toEqual({ a: [WSAENOTSOCK, 7], b: [WSAEFAULT, WSAEFAULT] });
  });

  it('an asynchronous call writes its error into the flow that made it, even after others failed meanwhile', async () => {
    const p = scriptedProvider();
    const ws2 = track(processWith(p));
    const s = await ws2.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    const buf = new Uint8Array(4);
    failingRecv(p, WSAECONNRESET, 3);
    const slow = (async () => {
      const rc = await ws2.recv(s, buf, 4, 0);
      return [rc, ws2.WSAGetLastError()];
    })();
    failingRecv(p, WSAENOTCONN, 1);
    const fast = (async () => {
      const rc = await ws2.recv(s, buf, 4, 0);
      await tick();
      await tick();
      await tick();
      return [rc, ws2.WSAGetLastError()];
    })();
    // A third flow fails synchronously while both receives are pending.
    const sync = (async () => {
      await tick();
      ws2.closesocket(424242);
      return [SOCKET_ERROR, ws2.WSAGetLastError()];
    })();
    expect(await Promise.all([slow, fast, sync])).toEqual([
      [SOCKET_ERROR, WSAECONNRESET],
      [SOCKET_ERROR, WSAENOTCONN],
      [SOCKET_ERROR, WSAENOTSOCK],
    ]);
  });

  it('is kept per Ws2 process: a failure in one does not change another’s', async () => {
    const one = track(processWith());
    const two = track(processWith());
    const s = await two.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    one.closesocket(424242);
    two.WSASendDisconnect(s, { len: 9, buf: new Uint8Array(1) });
    expect([one.WSAGetLastError(), two.WSAGetLastError()]).toEqual([WSAENOTSOCK, WSAEFAULT]);
    await tick();
    expect([one.WSAGetLastError(), two.WSAGetLastError()]).toEqual([WSAENOTSOCK, WSAEFAULT]);
  });

  it('an error set while no process is started survives another process starting, and a cleanup', () => {
    const idle = track(processWith(scriptedProvider(), false));
    expect(idle.closesocket(5)).toBe(SOCKET_ERROR);
    const other = track(processWith());
    expect(idle.WSAGetLastError()).toBe(WSANOTINITIALISED);
    other.closesocket(424242);
    expect(other.WSAGetLastError()).toBe(WSAENOTSOCK);
    expect(other.WSACleanup()).toBe(0);
    // The last cleanup keeps the calling flow's error as the process's own.
    expect([idle.WSAGetLastError(), other.WSAGetLastError()]).toEqual([WSANOTINITIALISED, WSAENOTSOCK]);
  });

  it('a process that is not started keeps its error as one thread, while others run per flow', async () => {
    const running = track(processWith());
    const idle = track(processWith(scriptedProvider(), false));
    expect(idle.closesocket(5)).toBe(SOCKET_ERROR);
    // The running process's calls in the same flow do not take the idle one's error away.
    await running.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    running.closesocket(424242);
    await tick();
    expect([idle.WSAGetLastError(), running.WSAGetLastError()]).toEqual([WSANOTINITIALISED, WSAENOTSOCK]);
  });

  it('a flow that outlives many processes still reads the live ones right', async () => {
    const kept = track(processWith());
    kept.closesocket(424242);
    for (let i = 0; i < 50; i++) {
      const passing = processWith();
      await passing.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
      passing.WSASetLastError(i);
      expect(passing.WSAGetLastError()).toBe(i);
      expect(passing.WSACleanup()).toBe(0);
      expect(passing.WSAGetLastError()).toBe(i);
    }
    expect(kept.WSAGetLastError()).toBe(WSAENOTSOCK);
  });

  it('a receive that completes after the last WSACleanup still reports its error', async () => {
    const p = scriptedProvider();
    const ws2 = track(processWith(p));
    const s = await ws2.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    failingRecv(p, WSAECONNRESET, 2);
    const pending = ws2.recv(s, new Uint8Array(1), 1, 0);
    expect(ws2.WSACleanup()).toBe(0);
    expect(await pending).toBe(SOCKET_ERROR);
    expect(ws2.WSAGetLastError()).toBe(WSAECONNRESET);
  });
});

/**
 * Node 20's `AsyncLocalStorage` is built on async hooks: while one is enabled, a promise hook runs
 * for every promise in the process, and each enabled storage stores a symbol-keyed property
 * (`kResourceStore`) on every new promise. Both are observable. (From Node 24 storages use
 * AsyncContextFrame instead and add no hook: there is nothing to leave enabled.)
 */
const hookBased = '_propagate' in AsyncLocalStorage.prototype;

describe('async hooks', () => {
  /** How many enabled storages write their store onto a new promise. */
  const storagesOnAPromise = () =>
    Object.getOwnPropertySymbols(new Promise<void>(() => {})).filter(
      (s) => s.description === 'kResourceStore',
    ).length;

  const itHookBased = hookBased ? it : it.skip;

  itHookBased('one storage serves every process: 32 live processes cost what one does', async () => {
    const baseline = storagesOnAPromise(); // jest's own storages, if any
    const first = track(processWith());
    await first.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    first.closesocket(424242);
    expect(storagesOnAPromise()).toBe(baseline + 1);
    for (let i = 0; i < 31; i++) {
      const ws2 = track(processWith());
      await ws2.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
      ws2.closesocket(424242);
      expect(ws2.WSAGetLastError()).toBe(WSAENOTSOCK);
    }
    expect(storagesOnAPromise()).toBe(baseline + 1);
    for (const ws2 of processes) while (ws2.startupReferences > 0) ws2.WSACleanup();
    expect(storagesOnAPromise()).toBe(baseline);
  });

  itHookBased('a WSAStartup that fails turns nothing on', () => {
    const baseline = storagesOnAPromise();
    const ws2 = track(processWith(scriptedProvider(), false));
    expect(ws2.WSAStartup(MAKEWORD(2, 2), null)).toBe(WSAEFAULT);
    expect(ws2.WSAStartup(MAKEWORD(0, 1), emptyWsaData())).not.toBe(0);
    expect(ws2.closesocket(5)).toBe(SOCKET_ERROR);
    expect(ws2.WSAGetLastError()).toBe(WSANOTINITIALISED);
    expect(storagesOnAPromise()).toBe(baseline);
  });

  describe('in a plain Node process (no test runner’s own hooks)', () => {
    beforeAll(() => ensureSpiBuilt(), 180_000);

    itHookBased('no promise hook is left enabled after the last WSACleanup of every process', () => {
      const script = `
        require('reflect-metadata');
        const spi = require(${JSON.stringify(path.join(SPI_DIST, 'index.js'))});
        const testing = require(${JSON.stringify(path.join(SPI_DIST, 'testing', 'index.js'))});
        const { container } = require('tsyringe');
        const hooksOn = () => process.binding('async_wrap').getPromiseHooks().some((h) => h !== undefined);
        const start = () => {
          const network = new testing.SimNetwork();
          const host = network.addHost('h', { ipv4: ['10.0.0.1'] });
          const catalog = new spi.Catalog();
          const child = container.createChildContainer();
          testing.installInMemoryProvider(catalog, child, { network, host, families: [4] });
          const ws2 = new spi.Ws2({ catalog, container: child });
          if (ws2.WSAStartup(spi.MAKEWORD(2, 2), spi.emptyWsaData()) !== 0) throw new Error('WSAStartup');
          return ws2;
        };
        (async () => {
          const seen = { before: hooksOn() };
          const one = start();
          const two = start();
          const s = await one.socket(spi.AF_INET, spi.SOCK_STREAM, 253);
          if (s === spi.INVALID_SOCKET) throw new Error('socket ' + one.WSAGetLastError());
          two.closesocket(424242);
          seen.started = hooksOn();
          one.WSACleanup();
          seen.oneLeft = hooksOn();
          two.WSACleanup();
          // Node removes the promise hook in a microtask (a promise may be between its hooks).
          await new Promise((resolve) => setImmediate(resolve));
          seen.after = hooksOn();
          seen.lastError = two.WSAGetLastError();
          console.log(JSON.stringify(seen));
        })().catch((e) => { console.error(e); process.exit(1); });
      `;
      const result = spawnSync(process.execPath, ['--no-deprecation', '-e', script], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(result.stderr).toBe('');
      expect(JSON.parse(result.stdout)).toEqual({
        before: false,
        started: true,
        oneLeft: true,
        after: false,
        lastError: WSAENOTSOCK,
      });
    });
  });
});

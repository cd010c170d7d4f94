/**
 * The tracing layer and its log: failures are recorded with their Winsock code, a call that throws
 * below the tracer is recorded as thrown (and the dispatcher still survives it), pending calls show
 * as pending, and arguments render deterministically.
 */
import { afterEach, beforeAll, describe, it } from '@jest/globals';
import {
  AF_INET,
  createTracerLayer,
  defineLayeredProvider,
  out,
  SD_SEND,
  SO_LINGER,
  SOCK_STREAM,
  SOL_SOCKET,
  TraceLog,
  WSAEINVAL,
  WSAENOTCONN,
  WSASYSCALLFAILURE,
} from '@ws2spi/spi';
import {
  createLayeredProcess,
  IN_MEMORY_DEFAULT_PROTOCOL,
  installInMemoryProvider,
  type LayeredProcess,
  registerWinsockMatchers,
  SimNetwork,
} from '@ws2spi/spi/testing';

beforeAll(() => registerWinsockMatchers());

let proc: LayeredProcess | undefined;
let network: SimNetwork | undefined;
afterEach(async () => {
  await proc?.teardown();
  proc = undefined;
  network?.close();
  network = undefined;
});

async function traced(below?: ReturnType<typeof defineLayeredProvider>) {
  const net = new SimNetwork({ timing: 'virtual' });
  network = net;
  net.addHost('host', { ipv4: ['10.0.0.1'] });
  const log = new TraceLog();
  proc = await createLayeredProcess({
    bases: (catalog, container) =>
      installInMemoryProvider(catalog, container, {
        network: net,
        host: 'host',
        families: [4],
        flavours: ['stream'],
      }),
    layers: [
      { name: 'T', provider: createTracerLayer({ name: 'T', log }) },
      ...(below ? [{ name: 'below', provider: below }] : []),
    ],
  });
  return { log, ws2: proc.ws2 };
}

describe('the tracer', () => {
  it('records a failure with its result and Winsock code', async () => {
    const { log, ws2 } = await traced();
    const s = await ws2.socket(AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL);
    expect(ws2.shutdown(s, SD_SEND)).toFailWith(ws2, WSAENOTCONN);
    expect(ws2.setsockopt(s, SOL_SOCKET, SO_LINGER, { l_onoff: 1, l_linger: 0 }, 4)).toSucceed(ws2);
    expect(log.lines()).toEqual([
      'T WSPSocket(2, 1, 253, {entry 1003}, 0, 1) = #1',
      'T WSPShutdown(#1, 1) = SOCKET_ERROR [WSAENOTCONN]',
      'T WSPSetSockOpt(#1, 65535, 128, {linger 1, 0}, 4) = 0',
    ]);
    expect(log.records[1]).toMatchObject({
      layer: 'T',
      call: 'WSPShutdown',
      done: true,
      result: -1,
      error: WSAENOTCONN,
    });
  });

  it('shows a call in progress as pending, and its result once it completes', async () => {
    const { log, ws2 } = await traced();
    const s = await ws2.socket(AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL);
    const readfds = { fd_array: [s] };
    const selecting = ws2.select(0, readfds, null, null, { tv_sec: 0, tv_usec: 0 });
    expect(log.lines()[1]).toBe('T WSPSelect(0, {#1}, NULL, NULL, {0s 0us}) pending');
    expect(await selecting).toBe(0);
    expect(log.lines()[1]).toBe('T WSPSelect(0, {#1}, NULL, NULL, {0s 0us}) = 0');
  });

  it('records a call that throws below it, and lets the dispatcher contain it', async () => {
    const throwing = defineLayeredProvider({
      description: 'throws',
      style: 'ifs',
      calls: {
        lpWSPShutdown: () => () => {
          throw new Error('layer bug');
        },
      },
    });
    const { log, ws2 } = await traced(throwing);
    const s = await ws2.socket(AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL);
    expect(ws2.shutdown(s, SD_SEND)).toFailWith(ws2, WSASYSCALLFAILURE);
    expect(log.lines()[1]).toBe('T WSPShutdown(#1, 1) threw layer bug');
    expect(ws2.providerFailures.at(-1)).toMatchObject({ call: 'lpWSPShutdown', reason: 'threw' });
  });

  it('can be cleared, numbering handles afresh', async () => {
    const { log, ws2 } = await traced();
    await ws2.socket(AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL);
    log.clear();
    const s = await ws2.socket(AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL);
    expect(ws2.getsockname(s, out(null), out(16))).toFailWith(ws2, WSAEINVAL);
    expect(log.calls()).toEqual(['T WSPSocket', 'T WSPGetSockName']);
    expect(log.lines()[0]).toMatch(/= #1$/);
  });
});

/**
 * The provider's dispatch tables in wsk.h's member order, the socket categories `WskSocket` makes,
 * and bad input: null or wrong-typed arguments, the wrong category, the wrong state — always an
 * NTSTATUS (`STATUS_INVALID_PARAMETER`, `STATUS_INVALID_DEVICE_STATE`, `STATUS_NOT_SUPPORTED`),
 * never a thrown exception, and the IRP completed with the same status whenever it is a usable IRP.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { AF_INET, AF_INET6, IPPROTO_TCP, SOCK_DGRAM, SOCK_RAW, SOCK_STREAM, sockaddrIn6 } from '@ws2spi/spi';
import {
  callWithIrp,
  IoAllocateIrp,
  IRP,
  mdlChain,
  STATUS_ADDRESS_ALREADY_ASSOCIATED,
  STATUS_CONNECTION_ACTIVE,
  STATUS_INVALID_ADDRESS_COMPONENT,
  STATUS_INVALID_DEVICE_STATE,
  STATUS_INVALID_PARAMETER,
  STATUS_NOT_SUPPORTED,
  STATUS_PENDING,
  STATUS_SUCCESS,
  WSK_FLAG_ABORTIVE,
  WSK_FLAG_BASIC_SOCKET,
  WSK_FLAG_CONNECTION_SOCKET,
  WSK_FLAG_DATAGRAM_SOCKET,
  WSK_FLAG_LISTEN_SOCKET,
  WSK_FLAG_OOB,
  WSK_FLAG_STREAM_SOCKET,
  type WSK_PROVIDER_BASIC_DISPATCH,
  type WSK_PROVIDER_CONNECTION_DISPATCH,
  type WSK_PROVIDER_DATAGRAM_DISPATCH,
  type WSK_PROVIDER_LISTEN_DISPATCH,
  type WSK_SOCKET,
  wskBuf,
} from '@ws2spi/spi/wsk';
import fc from 'fast-check';
import { DATAGRAM, STREAM, startWskSim, utf8, type WskSim } from './support/wsk-sim';

let sim: WskSim;

beforeEach(async () => {
  sim = await startWskSim();
});

afterEach(async () => {
  await sim.end();
  expect(sim.wsk.verifier.violations).toEqual([]);
});

const connection = (s: WSK_SOCKET) => s.Dispatch as WSK_PROVIDER_CONNECTION_DISPATCH;
const listen = (s: WSK_SOCKET) => s.Dispatch as WSK_PROVIDER_LISTEN_DISPATCH;
const datagram = (s: WSK_SOCKET) => s.Dispatch as WSK_PROVIDER_DATAGRAM_DISPATCH;

describe('dispatch tables in wsk.h member order', () => {
  it('WSK_PROVIDER_DISPATCH', () => {
    expect(Object.keys(sim.client.provider)).toEqual([
      'Version',
      'Reserved',
      'WskSocket',
      'WskSocketConnect',
      'WskControlClient',
      'WskGetAddressInfo',
      'WskFreeAddressInfo',
      'WskGetNameInfo',
    ]);
  });

  it('each socket category gets its own table', async () => {
    const { af, type, protocol } = STREAM;
    const basic = await sim.client.socket(af, type, protocol, WSK_FLAG_BASIC_SOCKET);
    const listener = await sim.client.socket(af, type, protocol, WSK_FLAG_LISTEN_SOCKET);
    const conn = await sim.client.socket(af, type, protocol, WSK_FLAG_CONNECTION_SOCKET);
    const dgram = await sim.client.socket(
      DATAGRAM.af,
      DATAGRAM.type,
      DATAGRAM.protocol,
      WSK_FLAG_DATAGRAM_SOCKET,
    );
    expect(Object.keys(basic.Dispatch as WSK_PROVIDER_BASIC_DISPATCH)).toEqual([
      'WskControlSocket',
      'WskCloseSocket',
    ]);
    expect(Object.keys(listen(listener))).toEqual([
      'WskControlSocket',
      'WskCloseSocket',
      'WskBind',
      'WskAccept',
      'WskInspectComplete',
      'WskGetLocalAddress',
    ]);
    expect(Object.keys(connection(conn))).toEqual([
      'WskControlSocket',
      'WskCloseSocket',
      'WskBind',
      'WskConnect',
      'WskGetLocalAddress',
      'WskGetRemoteAddress',
      'WskSend',
      'WskReceive',
      'WskDisconnect',
      'WskRelease',
      'WskConnectEx',
      'WskSendEx',
      'WskReceiveEx',
    ]);
    expect(Object.keys(datagram(dgram))).toEqual([
      'WskControlSocket',
      'WskCloseSocket',
      'WskBind',
      'WskSendTo',
      'WskReceiveFrom',
      'WskRelease',
      'WskGetLocalAddress',
      'WskSendMessages',
    ]);
    // The tables are shared and cannot be changed.
    expect(Object.isFrozen(connection(conn))).toBe(true);
  });
});

describe('WskSocket', () => {
  it('refuses what no transport or category serves', async () => {
    const p = sim.client.provider;
    const c = sim.client.clientObject;
    const make = (
      af: number,
      type: number,
      protocol: number,
      flags: number,
      dispatch: object | null = null,
    ) =>
      callWithIrp((irp) => p.WskSocket(c, af, type, protocol, flags, null, dispatch, null, null, null, irp));
    expect((await make(AF_INET, SOCK_RAW, 0, WSK_FLAG_CONNECTION_SOCKET)).Status).toBe(STATUS_NOT_SUPPORTED);
    expect((await make(AF_INET, SOCK_STREAM, IPPROTO_TCP, WSK_FLAG_CONNECTION_SOCKET)).Status).toBe(
      STATUS_NOT_SUPPORTED,
    );
    expect((await make(AF_INET, SOCK_STREAM, 0, WSK_FLAG_STREAM_SOCKET)).Status).toBe(STATUS_NOT_SUPPORTED);
    // A category the transport cannot serve, or a flag that is no category.
    expect((await make(AF_INET, SOCK_STREAM, 0, WSK_FLAG_DATAGRAM_SOCKET)).Status).toBe(
      STATUS_INVALID_PARAMETER,
    );
    expect((await make(AF_INET, SOCK_DGRAM, 0, WSK_FLAG_CONNECTION_SOCKET)).Status).toBe(
      STATUS_INVALID_PARAMETER,
    );
    expect((await make(AF_INET, SOCK_STREAM, 0, 3)).Status).toBe(STATUS_INVALID_PARAMETER);
    expect(
      (await make(AF_INET, SOCK_STREAM, 0, WSK_FLAG_CONNECTION_SOCKET, { WskReceiveEvent: 42 })).Status,
    ).toBe(STATUS_INVALID_PARAMETER);
    // Protocol 0 takes the first transport of the family and type.
    const made = await make(AF_INET6, SOCK_STREAM, 0, WSK_FLAG_CONNECTION_SOCKET);
    expect(made.Status).toBe(STATUS_SUCCESS);
    sim.client.track(made.Information as WSK_SOCKET);
  });

  it('without a usable client or IRP it returns the status and completes nothing', () => {
    const p = sim.client.provider;
    const c = sim.client.clientObject;
    expect(
      p.WskSocket(
        {},
        AF_INET,
        SOCK_STREAM,
        0,
        WSK_FLAG_CONNECTION_SOCKET,
        null,
        null,
        null,
        null,
        null,
        new IRP(),
      ),
    ).toBe(STATUS_INVALID_PARAMETER);
    expect(
      p.WskSocket(
        c,
        AF_INET,
        SOCK_STREAM,
        0,
        WSK_FLAG_CONNECTION_SOCKET,
        null,
        null,
        null,
        null,
        null,
        null as never,
      ),
    ).toBe(STATUS_INVALID_PARAMETER);
    expect(IoAllocateIrp(0)).toBeNull();
  });

  it('name resolution and unknown client controls are STATUS_NOT_SUPPORTED', async () => {
    const p = sim.client.provider;
    const c = sim.client.clientObject;
    expect(
      (await callWithIrp((irp) => p.WskGetAddressInfo(c, null, null, 0, null, null, null, null, null, irp)))
        .Status,
    ).toBe(STATUS_NOT_SUPPORTED);
    expect((await callWithIrp((irp) => p.WskControlClient(c, 99, 0, null, 0, null, null, irp))).Status).toBe(
      STATUS_NOT_SUPPORTED,
    );
  });
});

describe('the wrong category, the wrong state, bad arguments', () => {
  it('a function of another category is STATUS_NOT_SUPPORTED', async () => {
    const { af, type, protocol } = STREAM;
    const listener = await sim.client.socket(af, type, protocol, WSK_FLAG_LISTEN_SOCKET);
    const conn = await sim.client.socket(af, type, protocol, WSK_FLAG_CONNECTION_SOCKET);
    const basic = await sim.client.socket(af, type, protocol, WSK_FLAG_BASIC_SOCKET);
    const dgram = await sim.client.socket(
      DATAGRAM.af,
      DATAGRAM.type,
      DATAGRAM.protocol,
      WSK_FLAG_DATAGRAM_SOCKET,
    );
    const c = connection(conn);
    const result = await callWithIrp((irp) => c.WskSend(listener, wskBuf(utf8('x')), 0, irp));
    expect(result.Status).toBe(STATUS_NOT_SUPPORTED);
    expect((await callWithIrp((irp) => c.WskBind(basic, sim.wskAddress(), 0, irp))).Status).toBe(
      STATUS_NOT_SUPPORTED,
    );
    expect(
      (await callWithIrp((irp) => listen(listener).WskAccept(conn, 0, null, null, null, null, irp))).Status,
    ).toBe(STATUS_NOT_SUPPORTED);
    expect(
      (
        await callWithIrp((irp) =>
          datagram(dgram).WskSendTo(conn, wskBuf(utf8('x')), 0, sim.appAddress(9), 0, null, irp),
        )
      ).Status,
    ).toBe(STATUS_NOT_SUPPORTED);
  });

  it('a connection socket before it is bound or connected: STATUS_INVALID_DEVICE_STATE', async () => {
    const conn = await sim.client.socket(STREAM.af, STREAM.type, STREAM.protocol, WSK_FLAG_CONNECTION_SOCKET);
    const c = connection(conn);
    const buf = wskBuf(utf8('x'));
    expect((await callWithIrp((irp) => c.WskConnect(conn, sim.appAddress(1), 0, irp))).Status).toBe(
      STATUS_INVALID_DEVICE_STATE,
    );
    expect((await callWithIrp((irp) => c.WskSend(conn, buf, 0, irp))).Status).toBe(
      STATUS_INVALID_DEVICE_STATE,
    );
    expect((await callWithIrp((irp) => c.WskReceive(conn, buf, 0, irp))).Status).toBe(
      STATUS_INVALID_DEVICE_STATE,
    );
    expect((await callWithIrp((irp) => c.WskDisconnect(conn, null, 0, irp))).Status).toBe(
      STATUS_INVALID_DEVICE_STATE,
    );
    expect((await callWithIrp((irp) => c.WskGetRemoteAddress(conn, { value: null }, irp))).Status).toBe(
      STATUS_INVALID_DEVICE_STATE,
    );
    expect((await callWithIrp((irp) => c.WskBind(conn, sim.wskAddress(), 0, irp))).Status).toBe(
      STATUS_SUCCESS,
    );
    expect((await callWithIrp((irp) => c.WskBind(conn, sim.wskAddress(), 0, irp))).Status).toBe(
      STATUS_ADDRESS_ALREADY_ASSOCIATED,
    );
    // Connecting to a port 0 is refused before anything is sent.
    expect((await callWithIrp((irp) => c.WskConnect(conn, sim.appAddress(0), 0, irp))).Status).toBe(
      STATUS_INVALID_ADDRESS_COMPONENT,
    );
    // An address of another family.
    expect((await callWithIrp((irp) => c.WskConnect(conn, sockaddrIn6('::1', 5), 0, irp))).Status).toBe(
      STATUS_INVALID_PARAMETER,
    );
  });

  it('a connected socket: connect again is STATUS_CONNECTION_ACTIVE; malformed buffers and flags are STATUS_INVALID_PARAMETER', async () => {
    const listener = await sim.client.listen(STREAM.af, STREAM.type, STREAM.protocol, sim.wskAddress());
    const target = await sim.client.localAddress(listener);
    const conn = await sim.client.connect(STREAM.type, STREAM.protocol, sim.wskAddress(), target);
    const c = connection(conn);
    expect((await callWithIrp((irp) => c.WskConnect(conn, target, 0, irp))).Status).toBe(
      STATUS_CONNECTION_ACTIVE,
    );
    const bad = [
      null,
      { Mdl: null, Offset: 0, Length: 5 },
      { Mdl: mdlChain(utf8('abc')), Offset: 3, Length: 1 },
      { Mdl: mdlChain(utf8('abc')), Offset: 0, Length: 4 },
      { Mdl: { Next: null, MappedSystemVa: 'abc', ByteCount: 3 }, Offset: 0, Length: 3 },
      { Mdl: mdlChain(utf8('abc')), Offset: -1, Length: 1 },
    ];
    for (const buffer of bad) {
      expect((await callWithIrp((irp) => c.WskSend(conn, buffer as never, 0, irp))).Status).toBe(
        STATUS_INVALID_PARAMETER,
      );
      expect((await callWithIrp((irp) => c.WskReceive(conn, buffer as never, 0, irp))).Status).toBe(
        STATUS_INVALID_PARAMETER,
      );
    }
    expect((await callWithIrp((irp) => c.WskSend(conn, wskBuf(utf8('x')), 0x40, irp))).Status).toBe(
      STATUS_INVALID_PARAMETER,
    );
    expect((await callWithIrp((irp) => c.WskReceive(conn, wskBuf(new Uint8Array(4)), 0x1, irp))).Status).toBe(
      STATUS_INVALID_PARAMETER,
    );
    expect((await callWithIrp((irp) => c.WskDisconnect(conn, null, 0x2, irp))).Status).toBe(
      STATUS_INVALID_PARAMETER,
    );
    // The in-memory stream has expedited data; the WSK_SEND_EX control information it does not.
    expect((await callWithIrp((irp) => c.WskSend(conn, wskBuf(utf8('!')), WSK_FLAG_OOB, irp))).Status).toBe(
      STATUS_SUCCESS,
    );
    expect((await callWithIrp((irp) => c.WskSendEx(conn, wskBuf(utf8('x')), 0, 8, {}, irp))).Status).toBe(
      STATUS_NOT_SUPPORTED,
    );
    expect(c.WskRelease(conn, {} as never)).toBe(STATUS_INVALID_PARAMETER);
    // A chain of several MDLs is one buffer; an offset into the first is honoured.
    const gathered = { Mdl: mdlChain(utf8('xxhe'), utf8('llo')), Offset: 2, Length: 5 };
    expect((await callWithIrp((irp) => c.WskSend(conn, gathered, 0, irp))).Status).toBe(STATUS_SUCCESS);
    expect((await callWithIrp((irp) => c.WskDisconnect(conn, null, WSK_FLAG_ABORTIVE, irp))).Status).toBe(
      STATUS_SUCCESS,
    );
  });

  it('never throws, whatever the arguments (property)', async () => {
    const conn = await sim.client.socket(STREAM.af, STREAM.type, STREAM.protocol, WSK_FLAG_CONNECTION_SOCKET);
    const listener = await sim.client.socket(STREAM.af, STREAM.type, STREAM.protocol, WSK_FLAG_LISTEN_SOCKET);
    const dgram = await sim.client.socket(
      DATAGRAM.af,
      DATAGRAM.type,
      DATAGRAM.protocol,
      WSK_FLAG_DATAGRAM_SOCKET,
    );
    const tables = [connection(conn), listen(listener), datagram(dgram)] as unknown as Array<
      Record<string, (...args: unknown[]) => unknown>
    >;
    const calls = tables.flatMap((t) => Object.entries(t).filter(([name]) => name !== 'WskCloseSocket'));
    const anything = fc.oneof(
      fc.constant(null),
      fc.constant(undefined),
      fc.integer(),
      fc.string(),
      fc.constant({}),
      fc.constant(conn),
      fc.constant(listener),
      fc.constant(dgram),
      fc.constant(wskBuf(utf8('abc'))),
      fc.constant(sim.wskAddress()),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: calls.length - 1 }),
        fc.array(anything, { maxLength: 9 }),
        fc.boolean(),
        (which, args, withIrp) => {
          const [, fn] = calls[which]!;
          const irp = withIrp ? new IRP() : null;
          const result = fn(...args, irp);
          expect(typeof result).toBe('number');
          // A taken IRP is completed, or pending with the call saying so.
          if (irp && irp.state !== 'free')
            expect(irp.state === 'completed' || result === STATUS_PENDING).toBe(true);
        },
      ),
      { numRuns: 300, seed: 9 },
    );
    // What the random calls left pending (binds, accepts …) ends with the sockets' close.
    await sim.client.close(conn);
    await sim.client.close(listener);
    await sim.client.close(dgram);
    // Random calls may well have tripped verifier rules (a random socket already closed …): only
    // the absence of exceptions is this test's point.
    sim.wsk.verifier.clear();
  });
});

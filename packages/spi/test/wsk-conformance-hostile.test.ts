/**
 * WSK under hostile input: every function a client can reach — the registration functions, the
 * provider table, every socket category's table, `WskCloseSocket` — called with frozen objects,
 * throwing getters, proxies that throw on every access, BigInts, Symbols and numbers out of range,
 * answers with an NTSTATUS and never throws a JavaScript exception (in the kernel, a bugcheck is the
 * caller's fault; here the call must not take the test runner down with it).
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { out } from '@ws2spi/spi';
import { WskAcceptRecorder } from '@ws2spi/spi/testing';
import {
  emptyWskProviderNpi,
  emptyWskRegistration,
  IRP,
  MAKE_WSK_VERSION,
  STATUS_INVALID_PARAMETER,
  STATUS_PENDING,
  STATUS_SUCCESS,
  type WSK_DATA_INDICATION,
  WSK_EVENT_ACCEPT,
  WSK_EVENT_RECEIVE,
  WSK_FLAG_CONNECTION_SOCKET,
  WSK_FLAG_DATAGRAM_SOCKET,
  WSK_FLAG_LISTEN_SOCKET,
  WSK_NO_WAIT,
  type WSK_SOCKET,
  wskBuf,
} from '@ws2spi/spi/wsk';
import fc from 'fast-check';
import { DATAGRAM, STREAM, settle, startWskSim, utf8, type WskSim, wskPair } from './support/wsk-sim';

let sim: WskSim;

beforeEach(async () => {
  sim = await startWskSim();
});

afterEach(async () => {
  sim.wsk.verifier.clear();
  await sim.end();
});

/** Throws on every property read, write, `in`, key listing and prototype query. */
const exploding = new Proxy(
  {},
  {
    get: () => {
      throw new Error('get');
    },
    set: () => {
      throw new Error('set');
    },
    has: () => {
      throw new Error('has');
    },
    ownKeys: () => {
      throw new Error('ownKeys');
    },
    getPrototypeOf: () => {
      throw new Error('getPrototypeOf');
    },
    getOwnPropertyDescriptor: () => {
      throw new Error('getOwnPropertyDescriptor');
    },
  },
);

/** An object whose every field WSK might read throws. */
function throwingGetters(): object {
  const o = {};
  for (const name of [
    'Mdl',
    'Offset',
    'Length',
    'Next',
    'Buffer',
    'MappedSystemVa',
    'ByteCount',
    'NpiId',
    'EventMask',
    'sa_family',
    'sin_port',
    'sin_addr',
    'Dispatch',
    'Version',
    'ClientContext',
    'value',
    'then',
    'state',
    'IoStatus',
    'WskReceiveEvent',
    'WskDisconnectEvent',
    'WskSendBacklogEvent',
    'WskAcceptEvent',
    'WskReceiveFromEvent',
  ]) {
    Object.defineProperty(o, name, {
      get() {
        throw new Error(name);
      },
      set() {
        throw new Error(name);
      },
      enumerable: true,
    });
  }
  return o;
}

const hostile = (): unknown[] => [
  null,
  undefined,
  1n,
  2n ** 64n,
  Symbol('hostile'),
  Number.NaN,
  Number.POSITIVE_INFINITY,
  -1,
  2 ** 53,
  0xffffffff,
  '',
  () => STATUS_SUCCESS,
  Object.freeze({}),
  Object.freeze(wskBuf(utf8('frozen'))),
  { Mdl: null, Offset: 1n, Length: 1n },
  { Mdl: exploding, Offset: 0, Length: 1 },
  Object.freeze(new IRP()),
  Object.freeze(out(null)),
  exploding,
  throwingGetters(),
  Object.create(null),
  [],
];

async function sockets() {
  const { listener, sender, receiver } = await wskPair(sim);
  const fresh = await sim.client.socket(STREAM.af, STREAM.type, STREAM.protocol, WSK_FLAG_CONNECTION_SOCKET);
  const listen = await sim.client.socket(STREAM.af, STREAM.type, STREAM.protocol, WSK_FLAG_LISTEN_SOCKET);
  const dgram = await sim.client.socket(
    DATAGRAM.af,
    DATAGRAM.type,
    DATAGRAM.protocol,
    WSK_FLAG_DATAGRAM_SOCKET,
  );
  return [listener, sender, receiver, fresh, listen, dgram];
}

function noThrow(call: () => unknown): unknown {
  let result: unknown;
  expect(() => {
    result = call();
  }).not.toThrow();
  return result;
}

describe('hostile arguments', () => {
  it('every socket function of every category, WskCloseSocket included, answers with an NTSTATUS', async () => {
    const all = await sockets();
    const targets: Array<[string, WSK_SOCKET, (...args: unknown[]) => unknown]> = [];
    for (const socket of all) {
      for (const [name, fn] of Object.entries(socket.Dispatch as Record<string, unknown>)) {
        if (typeof fn === 'function' && name !== 'WskCloseSocket')
          targets.push([name, socket, fn as (...args: unknown[]) => unknown]);
      }
    }
    const values = hostile();
    // Arguments are drawn by index: fast-check must not touch the hostile values itself.
    const pool = [...values, wskBuf(utf8('abc')), sim.wskAddress(), ...all];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: targets.length - 1 }),
        fc.array(fc.integer({ min: 0, max: pool.length - 1 }), { maxLength: 10 }),
        fc.constantFrom<'irp' | 'none' | 'hostile'>('irp', 'none', 'hostile'),
        fc.boolean(),
        (which, picks, irpKind, socketFirst) => {
          const args = picks.map((i) => pool[i]);
          const [name, socket, fn] = targets[which]!;
          const irp =
            irpKind === 'irp'
              ? new IRP()
              : irpKind === 'hostile'
                ? values[args.length % values.length]
                : null;
          const callArgs = socketFirst ? [socket, ...args.slice(1), irp] : [...args, irp];
          const result = noThrow(() => fn(...callArgs));
          expect([name, typeof result]).toEqual([name, 'number']);
          if (irp instanceof IRP && irp.state !== 'free')
            expect(irp.state === 'completed' || result === STATUS_PENDING).toBe(true);
        },
      ),
      { numRuns: 600, seed: 2024 },
    );
    // WskCloseSocket with hostile sockets and IRPs: never a throw.
    const close = all[0]!.Dispatch as { WskCloseSocket: (...a: unknown[]) => unknown };
    for (const s of values) {
      for (const i of [...values, new IRP()]) {
        expect(typeof noThrow(() => close.WskCloseSocket(s, i))).toBe('number');
      }
    }
    // With a real socket and a hostile IRP the socket stays open (nothing to complete the close with).
    for (const i of values) expect(typeof noThrow(() => close.WskCloseSocket(all[3], i))).toBe('number');
  });

  it('the provider table answers hostile clients, arguments and IRPs with an NTSTATUS', async () => {
    const dispatch = sim.client.provider as unknown as Record<string, (...args: unknown[]) => unknown>;
    const client = sim.client.clientObject;
    const values = hostile();
    fc.assert(
      fc.property(
        fc.constantFrom(
          'WskSocket',
          'WskSocketConnect',
          'WskControlClient',
          'WskGetAddressInfo',
          'WskGetNameInfo',
        ),
        fc.array(fc.integer({ min: 0, max: values.length + 3 }), { minLength: 0, maxLength: 12 }),
        fc.boolean(),
        fc.constantFrom<'irp' | 'none' | 'hostile'>('irp', 'none', 'hostile'),
        (name, picks, realClient, irpKind) => {
          const pool = [...values, 2, 1, 0, sim.wskAddress()];
          const args = picks.map((i) => pool[i]);
          const irp =
            irpKind === 'irp'
              ? new IRP()
              : irpKind === 'hostile'
                ? values[args.length % values.length]
                : null;
          const result = noThrow(() => dispatch[name]!(realClient ? client : args[0], ...args.slice(1), irp));
          expect(typeof result).toBe('number');
          // A socket a hostile call made anyway is this client's to close.
          if (irp instanceof IRP && irp.state === 'completed' && typeof irp.IoStatus.Information === 'object')
            sim.client.track(irp.IoStatus.Information as WSK_SOCKET);
        },
      ),
      { numRuns: 400, seed: 7 },
    );
    expect(typeof noThrow(() => dispatch.WskFreeAddressInfo!(exploding, exploding))).not.toBe('object');
  });

  it('a callback table is read once, when WSK is given it: a getter that throws later cannot reach the transport path', async () => {
    const reads = { n: 0 };
    const got: string[] = [];
    const fickle = {
      get WskReceiveEvent() {
        if (reads.n++ > 0) throw new Error('read again');
        return (_context: unknown, _flags: number, indication: WSK_DATA_INDICATION | null) => {
          if (indication) {
            const { Mdl, Offset, Length } = indication.Buffer;
            got.push(new TextDecoder().decode(Mdl!.MappedSystemVa.subarray(Offset, Offset + Length)));
          }
          return STATUS_SUCCESS;
        };
      },
      WskDisconnectEvent: null,
      WskSendBacklogEvent: null,
    };
    const acceptor = new WskAcceptRecorder();
    const listener = await sim.client.listen(
      STREAM.af,
      STREAM.type,
      STREAM.protocol,
      sim.wskAddress(),
      acceptor,
      WSK_EVENT_ACCEPT,
    );
    const connected = await sim.client
      .must('WskSocketConnect', (irp) =>
        sim.client.provider.WskSocketConnect(
          sim.client.clientObject,
          STREAM.type,
          STREAM.protocol,
          sim.wskAddress(),
          null as never,
          0,
          null,
          fickle as never,
          null,
          null,
          null,
          irp,
        ),
      )
      .catch((error: unknown) => error);
    // A NULL remote address is malformed; the table was not the reason.
    expect(connected).toMatchObject({ status: STATUS_INVALID_PARAMETER });
    reads.n = 0;
    const remote = await sim.client.localAddress(listener);
    const caller = sim.client.track(
      (
        await sim.client.must('WskSocketConnect', (irp) =>
          sim.client.provider.WskSocketConnect(
            sim.client.clientObject,
            STREAM.type,
            STREAM.protocol,
            sim.wskAddress(),
            remote,
            0,
            null,
            fickle as never,
            null,
            null,
            null,
            irp,
          ),
        )
      ).Information as WSK_SOCKET,
    );
    expect(reads.n).toBe(1);
    expect(sim.client.enableEvents(caller, WSK_EVENT_RECEIVE)).toBe(STATUS_SUCCESS);
    const { socket: accepted } = await acceptor.nth(0);
    expect((await sim.client.send(accepted, utf8('through the copy'))).Status).toBe(STATUS_SUCCESS);
    await settle();
    expect(got.join('')).toBe('through the copy');
    expect(reads.n).toBe(1);
    // A table whose member throws at once is malformed: STATUS_INVALID_PARAMETER.
    const refused = await sim.client.call((irp) =>
      sim.client.provider.WskSocket(
        sim.client.clientObject,
        STREAM.af,
        STREAM.type,
        STREAM.protocol,
        WSK_FLAG_CONNECTION_SOCKET,
        null,
        throwingGetters(),
        null,
        null,
        null,
        irp,
      ),
    );
    expect(refused.Status).toBe(STATUS_INVALID_PARAMETER);
  });

  it('the registration functions answer hostile blocks with an NTSTATUS (frozen blocks included)', async () => {
    const values = hostile();
    const npi = {
      ClientContext: null,
      Dispatch: { Version: MAKE_WSK_VERSION(1, 0), Reserved: 0, WskClientEvent: null },
    };
    for (const a of [...values, npi, Object.freeze(npi)]) {
      for (const b of [...values, Object.freeze(emptyWskRegistration())]) {
        expect(typeof noThrow(() => sim.wsk.WskRegister(a as never, b as never))).toBe('number');
      }
    }
    // A frozen registration block cannot hold WSK's state: refused, not half-registered.
    const frozen = Object.freeze(emptyWskRegistration());
    expect(sim.wsk.WskRegister(npi, frozen)).toBe(STATUS_INVALID_PARAMETER);
    // Capture into a frozen or exploding NPI, with a hostile timeout.
    const reg = emptyWskRegistration();
    expect(sim.wsk.WskRegister(npi, reg)).toBe(STATUS_SUCCESS);
    for (const target of [Object.freeze(emptyWskProviderNpi()), exploding, throwingGetters()]) {
      let status: unknown;
      await expect(
        (async () => {
          status = await sim.wsk.WskCaptureProviderNPI(reg, WSK_NO_WAIT, target as never);
        })(),
      ).resolves.toBeUndefined();
      expect(status).toBe(STATUS_INVALID_PARAMETER);
    }
    for (const timeout of values) {
      let status: unknown;
      await expect(
        (async () => {
          status = await sim.wsk.WskCaptureProviderNPI(reg, timeout as never, emptyWskProviderNpi());
        })(),
      ).resolves.toBeUndefined();
      expect(typeof status).toBe('number');
      if (status === STATUS_SUCCESS) sim.wsk.WskReleaseProviderNPI(reg);
    }
    for (const v of values) {
      expect(() => sim.wsk.WskReleaseProviderNPI(v as never)).not.toThrow();
      expect(typeof noThrow(() => sim.wsk.WskQueryProviderCharacteristics(reg, v as never))).toBe('number');
      await expect(sim.wsk.WskDeregister(v as never)).resolves.toBeUndefined();
    }
    await sim.wsk.WskDeregister(reg);
  });
});

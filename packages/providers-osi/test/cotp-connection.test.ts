import { isCotpCommandError } from '../src/cotp/cotp-command-error';
import { CotpConnection } from '../src/cotp/cotp-connection';
import type { CotpConnectIndication } from '../src/cotp/cotp-connection-types';
import type { CrTpdu, DrTpdu, DtTpdu, ErTpdu, Tpdu } from '../src/cotp/tpdu';
import { DisconnectReason } from '../src/cotp/tpdu-codes';
import { decodeTpkt } from '../src/cotp/tpdu-decoder';
import { encodeTpkt } from '../src/cotp/tpdu-encoder';
import { type CotpEvent, CotpWire, decodeAll, recordingHandlers } from './fixtures/cotp-wire';
import { ascii, fromHex, sequenceBytes, toHex } from './fixtures/hex';
import { ManualTimers } from './fixtures/manual-timers';
import { SeededPrng } from './fixtures/seeded-prng';

const SEEDS = [1, 7, 1234, 99991];
const callingTsap = ascii('CLI');
const calledTsap = ascii('SRV-TSAP');

/** Opens a wire with the responder accepting `calleeData`; returns it pumped to the open state. */
function openWire(
  seed: number,
  options: Partial<ConstructorParameters<typeof CotpWire>[0]> = {},
  calleeData = ascii('hello-from-callee'),
) {
  const wire = new CotpWire({
    seed,
    onIndication: (_ind, responder) => responder.accept(calleeData),
    ...options,
  });
  wire.initiator.connect({ callingTsap, calledTsap, data: ascii('hello-from-caller') });
  wire.pump();
  return wire;
}

function expectCommandError(fn: () => void, code: Parameters<typeof isCotpCommandError>[1]): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(isCotpCommandError(thrown, code)).toBe(true);
}

/** A connection talking to a test-controlled raw peer: its output is captured, input injected by hand. */
function rawEnd(
  role: 'initiator' | 'responder',
  options: Partial<ConstructorParameters<typeof CotpConnection>[0]> = {},
) {
  const out: Uint8Array[] = [];
  const log: CotpEvent[] = [];
  const timers = new ManualTimers();
  const conn = new CotpConnection({
    timers,
    ...options,
    role,
    send: (b) => out.push(b),
    handlers: recordingHandlers(log, options.handlers),
  });
  return { conn, out, log, timers, tpdus: () => decodeAll(out) };
}

describe('CotpConnection back to back (seeded random TCP chunking)', () => {
  describe.each(SEEDS)('seed %i', (seed) => {
    it('connects in class 2 with connect data both ways and TSAP selectors', () => {
      const wire = openWire(seed);
      const ind = wire.first('responder', 'onConnectIndication')!;
      expect(ind).toMatchObject({
        protocolClass: 2,
        callerData: ascii('hello-from-caller'),
        callingTsap,
        calledTsap,
        maxTpduSize: 8192,
        disconnectDataSupported: true,
      });
      const connected = wire.first('initiator', 'onConnected')!;
      expect(connected).toMatchObject({
        protocolClass: 2,
        calleeData: ascii('hello-from-callee'),
        maxTpduSize: 8192,
        disconnectDataSupported: true,
        localReference: ind.remoteReference,
        remoteReference: ind.localReference,
      });
      expect(connected.localReference).not.toBe(connected.remoteReference);
      expect(wire.initiator.state).toBe('open');
      expect(wire.responder.state).toBe('open');
      // The CR is class 2 with the ITOT class octet 0x21 and no alternative class.
      const crFrame = wire.sent.initiator[0]!;
      expect(crFrame[4 + 6]).toBe(0x21);
      const cr = decodeTpkt(crFrame);
      expect(cr).toMatchObject({ ok: true, value: { type: 'CR', dstRef: 0 } });
      expect((cr as { value: CrTpdu }).value.parameters.alternativeClasses).toBeUndefined();
      expect(wire.timers.pending).toBe(0);
    });

    it('carries TSDUs both ways, in order, including ones much larger than the TPDU size', () => {
      const wire = openWire(seed, { initiator: { maxTpduSize: 128 } });
      expect(wire.initiator.info?.maxTpduSize).toBe(128);
      expect(wire.responder.info?.maxTpduSize).toBe(128);
      const big = wire.prng.bytes(10_000);
      const tsdus = [ascii('one'), big, new Uint8Array(0), sequenceBytes(123), sequenceBytes(124)];
      for (const t of tsdus) wire.initiator.sendData(t);
      for (const t of [...tsdus].reverse()) wire.responder.sendData(t);
      const dtsBefore = wire.sent.initiator.length;
      wire.pump();
      expect(wire.received('responder').map(toHex)).toEqual(tsdus.map(toHex));
      expect(wire.received('initiator').map(toHex)).toEqual([...tsdus].reverse().map(toHex));
      // Every DT fits the negotiated 128 octets; the big TSDU took ceil(10000 / 123) DTs with EOT only on the last.
      const dts = decodeAll(wire.sent.initiator.slice(1), 'normal') as DtTpdu[];
      expect(dtsBefore - 1).toBe(dts.length);
      for (const f of wire.sent.initiator.slice(1)) expect(f.length - 4).toBeLessThanOrEqual(128);
      const bigDts = dts.slice(1, 1 + Math.ceil(10_000 / 123));
      expect(bigDts.map((d) => d.eot)).toEqual([...Array(bigDts.length - 1).fill(false), true]);
      // TPDU-NR counts 0, 1, 2 … mod 128 in class 2.
      expect(dts.map((d) => d.nr)).toEqual(dts.map((_, i) => i % 128));
    });

    it('delivers data sent before a DR with 64 octets before the disconnect indication, then DC', () => {
      const wire = openWire(seed);
      const discData = sequenceBytes(64, 0x40);
      wire.initiator.sendData(ascii('last words'));
      wire.initiator.disconnect(DisconnectReason.NORMAL, discData);
      expect(wire.initiator.state).toBe('closing');
      wire.pump();
      expect(wire.eventNames('responder')).toEqual([
        'onConnectIndication',
        'onData',
        'onDisconnect',
        'onClosed',
      ]);
      expect(wire.first('responder', 'onDisconnect')).toEqual({
        initiatedBy: 'peer',
        kind: 'released',
        reason: 0x80,
        data: discData,
        additionalInfo: Uint8Array.of(0x80),
      });
      expect(wire.first('responder', 'onClosed')).toEqual({ cause: 'peer-released' });
      expect(wire.first('initiator', 'onClosed')).toEqual({ cause: 'released' });
      expect(wire.eventNames('initiator')).toEqual(['onConnected', 'onClosed']);
      // On the wire: DR (reason 0x80, E0 01 80 non-disruptive, 64 octets) answered by a DC naming both references.
      const dr = decodeAll(wire.sent.initiator).at(-1) as DrTpdu;
      expect(dr).toMatchObject({
        type: 'DR',
        reason: 0x80,
        additionalInfo: Uint8Array.of(0x80),
        userData: discData,
      });
      const dc = decodeAll(wire.sent.responder).at(-1)!;
      expect(dc).toEqual({ type: 'DC', dstRef: dr.srcRef, srcRef: dr.dstRef });
      expect(wire.timers.pending).toBe(0);
      expect(wire.references.size).toBe(0);
    });

    it('exchanges expedited data (ED without EA, then with EA)', () => {
      for (const expeditedAcknowledgement of [false, true]) {
        const wire = openWire(seed, {
          initiator: { expedited: true, expeditedAcknowledgement },
          responder: { expedited: true, expeditedAcknowledgement },
        });
        expect(wire.initiator.info).toMatchObject({ expedited: true, expeditedAcknowledgement });
        wire.initiator.sendExpedited(ascii('urgent!'));
        wire.initiator.sendData(ascii('after the ED'));
        wire.initiator.sendExpedited(sequenceBytes(16));
        wire.responder.sendExpedited(ascii('x'));
        wire.pump();
        expect(wire.log.responder.filter(([n]) => n === 'onExpedited').map(([, v]) => v)).toEqual([
          ascii('urgent!'),
          sequenceBytes(16),
        ]);
        expect(wire.received('responder')).toEqual([ascii('after the ED')]);
        expect(wire.first('initiator', 'onExpedited')).toEqual(ascii('x'));
        const eas = decodeAll(wire.sent.responder).filter((t) => t.type === 'EA');
        expect(eas.length).toBe(expeditedAcknowledgement ? 2 : 0);
      }
    });

    it('refuses a CR from the connect indication: the initiator gets the reason and the DR data', () => {
      const wire = new CotpWire({
        seed,
        onIndication: (_ind, responder) =>
          responder.refuse(DisconnectReason.CONNECTION_REFUSED, ascii('go away')),
      });
      wire.initiator.connect({ calledTsap, data: ascii('knock') });
      wire.pump();
      expect(wire.first('initiator', 'onDisconnect')).toEqual({
        initiatedBy: 'peer',
        kind: 'refused',
        reason: 0x88,
        data: ascii('go away'),
      });
      expect(wire.first('initiator', 'onClosed')).toEqual({ cause: 'refused-by-peer' });
      expect(wire.first('responder', 'onClosed')).toEqual({ cause: 'refused' });
      const dr = decodeAll(wire.sent.responder)[0] as DrTpdu;
      expect(dr).toMatchObject({ type: 'DR', srcRef: 0, reason: 0x88 });
      expect(wire.timers.pending).toBe(0);
      expect(wire.references.size).toBe(0);
    });

    it('falls back to class 0 when the initiator allows it; class 0 has no disconnect data', () => {
      const wire = openWire(seed, {
        initiator: { allowClass0Fallback: true },
        responder: { acceptedClasses: [0] },
      });
      const cr = decodeAll([wire.sent.initiator[0]!])[0] as CrTpdu;
      expect(cr.parameters.alternativeClasses).toEqual([0]);
      expect(cr.parameters.tpduSizeCode).toBe(11);
      expect(cr.parameters.preferredMaxTpduUnits).toBe(64);
      expect(wire.first('initiator', 'onConnected')).toMatchObject({
        protocolClass: 0,
        disconnectDataSupported: false,
        calleeData: ascii('hello-from-callee'),
      });
      const big = sequenceBytes(9000);
      wire.initiator.sendData(big);
      wire.responder.sendData(ascii('pong'));
      wire.pump();
      expect(wire.received('responder')).toEqual([big]);
      expect(wire.received('initiator')).toEqual([ascii('pong')]);
      // Class-0 DTs: LI 2, no reference.
      const dt = decodeTpkt(wire.sent.responder.at(-1)!, { dataFormat: 'class0' });
      expect(dt).toMatchObject({ ok: true, value: { type: 'DT', format: 'class0' } });

      const sentBefore = wire.sent.initiator.length;
      expectCommandError(() => wire.initiator.disconnect(0x80, ascii('bye')), 'CLASS0_NO_DISCONNECT_DATA');
      expect(wire.sent.initiator.length).toBe(sentBefore);
      expect(wire.initiator.state).toBe('open');

      wire.initiator.disconnect();
      wire.pump();
      expect(wire.sent.initiator.length).toBe(sentBefore); // class-0 release sends no TPDU: it is the TCP close
      expect(wire.first('initiator', 'onClosed')).toEqual({ cause: 'released' });
      expect(wire.first('responder', 'onDisconnect')).toEqual({
        initiatedBy: 'peer',
        kind: 'released',
        data: new Uint8Array(0),
      });
      expect(wire.first('responder', 'onClosed')).toEqual({ cause: 'peer-released' });
    });

    it('resolves a DR collision: both close, neither sees a disconnect indication', () => {
      const wire = openWire(seed);
      wire.initiator.disconnect(0x80, ascii('a'));
      wire.responder.disconnect(0x80, ascii('b'));
      wire.pump();
      expect(wire.first('initiator', 'onClosed')).toEqual({ cause: 'released' });
      expect(wire.first('responder', 'onClosed')).toEqual({ cause: 'released' });
      expect(wire.first('initiator', 'onDisconnect')).toBeUndefined();
      expect(wire.first('responder', 'onDisconnect')).toBeUndefined();
      expect(wire.timers.pending).toBe(0);
    });
  });
});

describe('CotpConnection limits: refused before anything is sent', () => {
  it('refuses DR data of 65 octets (DISCONNECT_DATA_TOO_LONG), then 64 go through', () => {
    const wire = openWire(5);
    const before = wire.sent.initiator.length;
    expectCommandError(() => wire.initiator.disconnect(0x80, sequenceBytes(65)), 'DISCONNECT_DATA_TOO_LONG');
    expect(wire.sent.initiator.length).toBe(before);
    expect(wire.initiator.state).toBe('open');
    expect(wire.timers.pending).toBe(0);
    wire.initiator.disconnect(0x80, sequenceBytes(64));
    wire.pump();
    expect(wire.first('responder', 'onDisconnect')?.data).toEqual(sequenceBytes(64));
  });

  it('refuses connect data of 33 octets on both sides', () => {
    const init = rawEnd('initiator');
    expectCommandError(() => init.conn.connect({ data: sequenceBytes(33) }), 'CONNECT_DATA_TOO_LONG');
    expect(init.out).toHaveLength(0);
    expect(init.conn.state).toBe('idle');
    expectCommandError(() => init.conn.connect({ calledTsap: sequenceBytes(33) }), 'TSAP_TOO_LONG');

    const wire = new CotpWire({ seed: 3 });
    wire.initiator.connect({ data: sequenceBytes(32) });
    wire.pump();
    expectCommandError(() => wire.responder.accept(sequenceBytes(33)), 'CONNECT_DATA_TOO_LONG');
    expect(wire.responder.state).toBe('wait-user');
    expect(wire.sent.responder).toHaveLength(0);
    wire.responder.accept(sequenceBytes(32));
    wire.pump();
    expect(wire.first('initiator', 'onConnected')?.calleeData).toEqual(sequenceBytes(32));
  });

  it('refuses expedited data that was not negotiated or is not 1…16 octets, and sends after disconnect', () => {
    const wire = openWire(8, { initiator: { expedited: true }, responder: { expedited: false } });
    expect(wire.initiator.info?.expedited).toBe(false);
    expectCommandError(() => wire.initiator.sendExpedited(ascii('x')), 'EXPEDITED_NOT_NEGOTIATED');
    const wire2 = openWire(8, { initiator: { expedited: true }, responder: { expedited: true } });
    expectCommandError(() => wire2.initiator.sendExpedited(new Uint8Array(0)), 'EXPEDITED_DATA_SIZE');
    expectCommandError(() => wire2.initiator.sendExpedited(sequenceBytes(17)), 'EXPEDITED_DATA_SIZE');
    wire2.initiator.disconnect();
    expectCommandError(() => wire2.initiator.sendData(ascii('late')), 'SHUT_DOWN');
    expectCommandError(() => wire2.initiator.disconnect(), 'SHUT_DOWN');
    expectCommandError(() => wire2.initiator.disconnect(0x42), 'SHUT_DOWN');
    const wire3 = openWire(8);
    expectCommandError(() => wire3.initiator.disconnect(0x86), 'INVALID_REASON');
    const fresh = rawEnd('initiator');
    expectCommandError(() => fresh.conn.sendData(ascii('x')), 'NOT_CONNECTED');
    expectCommandError(() => fresh.conn.accept(), 'INVALID_STATE');
  });

  it('refuses a class-0 CR only with reasons 0–3 and without data', () => {
    const wire = new CotpWire({ seed: 4, initiator: { preferredClass: 0 } });
    wire.initiator.connect({});
    wire.pump();
    expect(wire.first('responder', 'onConnectIndication')?.protocolClass).toBe(0);
    expectCommandError(() => wire.responder.refuse(0x88), 'INVALID_REASON');
    expectCommandError(() => wire.responder.refuse(0x01, ascii('x')), 'CLASS0_NO_DISCONNECT_DATA');
    wire.responder.refuse(DisconnectReason.CONGESTION_AT_TSAP);
    wire.pump();
    const crRef = (decodeAll(wire.sent.initiator)[0] as CrTpdu).srcRef;
    // dr_class0_refuse of the reference, with this CR's reference and reason 1.
    const refHex = crRef.toString(16).padStart(4, '0');
    expect(toHex(wire.sent.responder[0]!)).toBe(`0300000b0680${refHex}000001`);
    expect(wire.first('initiator', 'onDisconnect')).toMatchObject({ kind: 'refused', reason: 1 });
  });

  it('tells, while a CR waits for the answer, which class it requested (and so which DR reasons refuse it)', () => {
    for (const preferredClass of [0, 2] as const) {
      const wire = new CotpWire({ seed: 5, initiator: { preferredClass } });
      expect(wire.responder.requestedClass).toBeUndefined();
      wire.initiator.connect({});
      wire.pump();
      // Nothing is agreed before the CC, but the CR's class is known.
      expect(wire.responder.info).toBeUndefined();
      expect(wire.responder.requestedClass).toBe(preferredClass);
      wire.responder.refuse(preferredClass === 0 ? DisconnectReason.NOT_SPECIFIED : DisconnectReason.NORMAL);
      expect(wire.responder.requestedClass).toBeUndefined();
    }
  });
});

describe('CotpConnection negotiation outcomes', () => {
  it('refuses a class-2-only CR when the responder runs only class 0 (reason 0x82)', () => {
    const wire = new CotpWire({ seed: 11, responder: { acceptedClasses: [0] } });
    wire.initiator.connect({});
    wire.pump();
    expect(wire.first('responder', 'onConnectIndication')).toBeUndefined();
    expect(wire.first('initiator', 'onDisconnect')).toMatchObject({ kind: 'refused', reason: 0x82 });
    expect(wire.first('responder', 'onClosed')).toEqual({ cause: 'refused' });
  });

  it('refuses a CR whose called TSAP is not served here with reason 0x02, before any indication', () => {
    const seen: Array<Uint8Array | undefined> = [];
    const wire = new CotpWire({
      seed: 12,
      responder: {
        acceptsCalledTsap: (tsap) => {
          seen.push(tsap);
          return tsap !== undefined && toHex(tsap) === toHex(ascii('MMS'));
        },
      },
      onIndication: (_i, r) => r.accept(),
    });
    wire.initiator.connect({ calledTsap: ascii('NOPE'), callingTsap: ascii('me') });
    wire.pump();
    expect(seen).toEqual([ascii('NOPE')]);
    expect(wire.first('responder', 'onConnectIndication')).toBeUndefined();
    const dr = decodeAll(wire.sent.responder)[0] as DrTpdu;
    const cr = decodeAll(wire.sent.initiator)[0] as CrTpdu;
    expect(dr).toEqual({
      type: 'DR',
      dstRef: cr.srcRef,
      srcRef: 0,
      reason: 0x02,
      userData: new Uint8Array(0),
    });
    expect(wire.first('initiator', 'onDisconnect')).toMatchObject({
      initiatedBy: 'peer',
      kind: 'refused',
      reason: 2,
    });

    const ok = new CotpWire({
      seed: 12,
      responder: { acceptsCalledTsap: (t) => t !== undefined && toHex(t) === toHex(ascii('MMS')) },
      onIndication: (_i, r) => r.accept(),
    });
    ok.initiator.connect({ calledTsap: ascii('MMS') });
    ok.pump();
    expect(ok.initiator.state).toBe('open');
  });

  it('negotiates the smaller TPDU size, stated by C0 or F0 in the CC', () => {
    const viaF0 = openWire(13, { initiator: { maxTpduSize: 65531 }, responder: { maxTpduSize: 1000 } });
    // The CR stated F0 (511 units), so the CC answers F0: floor(1000 / 128) = 7 units = 896 octets.
    expect(viaF0.initiator.info?.maxTpduSize).toBe(896);
    expect(viaF0.responder.info?.maxTpduSize).toBe(896);
    const cc = decodeAll([viaF0.sent.responder[0]!])[0] as Tpdu & { type: 'CC' };
    expect(cc.parameters).toMatchObject({ preferredMaxTpduUnits: 7 });
    expect(cc.parameters.tpduSizeCode).toBeUndefined();

    const viaC0 = openWire(13, { initiator: { maxTpduSize: 1024 }, responder: { maxTpduSize: 65531 } });
    expect(viaC0.initiator.info?.maxTpduSize).toBe(1024);
    const cc2 = decodeAll([viaC0.sent.responder[0]!])[0] as Tpdu & { type: 'CC' };
    expect(cc2.parameters).toMatchObject({ tpduSizeCode: 10 });
    expect(cc2.parameters.preferredMaxTpduUnits).toBeUndefined();
  });

  it('rejects a class-0 CC to a class-2 CR that offered no alternative by closing, sending nothing (RFC 2126 §7)', () => {
    const end = rawEnd('initiator');
    end.conn.connect({});
    const cr = end.tpdus()[0] as CrTpdu;
    end.conn.receive(
      encodeTpkt({
        type: 'CC',
        dstRef: cr.srcRef,
        srcRef: 0x4321,
        classOption: { protocolClass: 0, extendedFormats: false, noExplicitFlowControl: false },
        parameters: { tpduSizeCode: 11 },
        userData: new Uint8Array(0),
      }),
    );
    expect(end.out).toHaveLength(1);
    expect(end.log.map(([n]) => n)).toEqual(['onProtocolError', 'onClosed']);
    expect(end.log[0]![1]).toMatchObject({ code: 'NEGOTIATION_FAILED', reported: 'nothing' });
    expect(end.timers.pending).toBe(0);
  });

  it('answers a class-2 CC that selects options it did not offer with DR 0x82, then closes on the DC', () => {
    const end = rawEnd('initiator');
    end.conn.connect({});
    const cr = end.tpdus()[0] as CrTpdu;
    end.conn.receive(
      encodeTpkt({
        type: 'CC',
        dstRef: cr.srcRef,
        srcRef: 0x4321,
        classOption: { protocolClass: 2, extendedFormats: false, noExplicitFlowControl: true },
        parameters: { tpduSizeCode: 11, additionalOptions: 0x01 },
        userData: new Uint8Array(0),
      }),
    );
    expect(end.tpdus()[1]).toMatchObject({ type: 'DR', dstRef: 0x4321, srcRef: cr.srcRef, reason: 0x82 });
    expect(end.conn.state).toBe('closing');
    end.conn.receive(encodeTpkt({ type: 'DC', dstRef: cr.srcRef, srcRef: 0x4321 }));
    expect(end.log.map(([n]) => n)).toEqual(['onProtocolError', 'onClosed']);
    expect(end.log[1]![1]).toEqual({ cause: 'protocol-error' });
    expect(end.timers.pending).toBe(0);
  });
});

describe('CotpConnection timers (injected clock)', () => {
  it('gives up on a missing CC after connectTimeoutMs, and releases the reference', () => {
    const end = rawEnd('initiator', { connectTimeoutMs: 5000 });
    end.conn.connect({ data: ascii('anyone?') });
    expect(end.timers.pending).toBe(1);
    end.timers.advance(4999);
    expect(end.conn.state).toBe('wait-cc');
    end.timers.advance(1);
    expect(end.log.map(([n, v]) => [n, v])).toEqual([
      ['onDisconnect', { initiatedBy: 'provider', kind: 'connect-timeout', data: new Uint8Array(0) }],
      ['onClosed', { cause: 'connect-timeout' }],
    ]);
    expect(end.timers.pending).toBe(0);
    expect(end.conn.localReference).not.toBe(0);
    // A late CC is ignored.
    end.conn.receive(fromHex('0300001914d00001432121c1020001c2020002c0010bc60101'));
    expect(end.out).toHaveLength(1);
  });

  it('gives up on a missing DC (a peer that never answers a DR) after disconnectTimeoutMs', () => {
    const wire = openWire(21, { initiator: { disconnectTimeoutMs: 10_000 } });
    wire.delivers.responder = false;
    wire.initiator.disconnect(0x80, ascii('hello?'));
    wire.pump();
    expect(wire.initiator.state).toBe('closing');
    expect(wire.timers.pending).toBe(1);
    wire.timers.advance(9_999);
    expect(wire.initiator.state).toBe('closing');
    wire.timers.advance(1);
    expect(wire.first('initiator', 'onClosed')).toEqual({ cause: 'disconnect-timeout' });
    expect(wire.timers.pending).toBe(0);
    wire.responder.abort();
    expect(wire.references.size).toBe(0);
  });

  it('clears every timer when closed early (abort during wait-cc and closing)', () => {
    const a = rawEnd('initiator');
    a.conn.connect({});
    a.conn.abort();
    expect(a.timers.pending).toBe(0);
    expect(a.log.at(-1)).toEqual(['onClosed', { cause: 'aborted' }]);
    a.conn.abort(); // idempotent
    expect(a.log.filter(([n]) => n === 'onClosed')).toHaveLength(1);

    const wire = openWire(22);
    wire.delivers.responder = false;
    wire.initiator.disconnect();
    expect(wire.timers.pending).toBe(1);
    wire.initiator.abort();
    expect(wire.timers.pending).toBe(0);
  });
});

describe('CotpConnection: a TPDU that stops half-way (issue 12, fault 6)', () => {
  const T = 3_000;
  /** A DT for `dstRef` whose TPKT announces 4 + 5 + 10 octets: header, DT header and 3 octets of data. */
  const halfDt = (dstRef: number) =>
    fromHex(`03000013 04f0${dstRef.toString(16).padStart(4, '0')}80 414243`.replace(/ /g, ''));

  it('class 2: no octet for a period ends the connection with a DR (reason 0), receive-timeout', () => {
    const wire = openWire(41, { responder: { reassemblyTimeoutMs: T } });
    expect(wire.timers.pending).toBe(0);
    const sent = wire.sent.responder.length;
    wire.inject('responder', halfDt(wire.responder.localReference));
    expect(wire.timers.pending).toBe(1);
    wire.timers.advance(T - 1);
    expect(wire.responder.state).toBe('open');
    wire.timers.advance(1);
    expect(wire.first('responder', 'onDisconnect')).toEqual({
      initiatedBy: 'provider',
      kind: 'receive-timeout',
      data: new Uint8Array(0),
    });
    expect(wire.first('responder', 'onClosed')).toEqual({ cause: 'receive-timeout' });
    expect(decodeAll(wire.sent.responder.slice(sent))).toEqual([
      {
        type: 'DR',
        dstRef: wire.initiator.localReference,
        srcRef: wire.responder.localReference,
        reason: DisconnectReason.NOT_SPECIFIED,
        userData: new Uint8Array(0),
      },
    ]);
    expect(wire.responder.localReference).not.toBe(0);
    expect(wire.timers.pending).toBe(0);
    expect(wire.references.size).toBe(1); // the initiator's; the responder released its reference
  });

  it('class 0: the connection closes without a DR (class 0 has none in the data phase)', () => {
    const wire = openWire(42, { initiator: { preferredClass: 0 }, responder: { reassemblyTimeoutMs: T } });
    const sent = wire.sent.responder.length;
    wire.inject('responder', fromHex('0300000c02f080')); // announces 12 octets, 7 arrive
    wire.timers.advance(T);
    expect(wire.first('responder', 'onClosed')).toEqual({ cause: 'receive-timeout' });
    expect(wire.sent.responder.length).toBe(sent);
    expect(wire.timers.pending).toBe(0);
  });

  it('a TPKT that keeps arriving, however slowly, is not cut off; one that then stops is', () => {
    const wire = openWire(43, { responder: { reassemblyTimeoutMs: T } });
    const ref = wire.responder.localReference;
    // A DT announcing 4 + 5 + 40 octets, fed one octet every half period.
    const dt = encodeTpkt({
      type: 'DT',
      format: 'normal',
      dstRef: ref,
      nr: 0,
      eot: true,
      userData: sequenceBytes(40),
    });
    for (let i = 0; i < dt.length - 1; i++) {
      wire.inject('responder', dt.subarray(i, i + 1));
      wire.timers.advance(T / 2);
    }
    expect(wire.responder.state).toBe('open');
    wire.inject('responder', dt.subarray(dt.length - 1));
    expect(wire.received('responder')).toEqual([sequenceBytes(40)]);
    expect(wire.timers.pending).toBe(0);
    // The next one stops after its header: gone within two periods.
    wire.inject('responder', dt.subarray(0, 4));
    wire.timers.advance(2 * T);
    expect(wire.first('responder', 'onClosed')).toEqual({ cause: 'receive-timeout' });
  });

  it('does not run out while the owner holds input (receive flow control), and runs again after', () => {
    const wire = openWire(44, { responder: { reassemblyTimeoutMs: T } });
    wire.responder.holdInput(true);
    wire.inject('responder', halfDt(wire.responder.localReference));
    wire.timers.advance(10 * T);
    expect(wire.responder.state).toBe('open');
    wire.responder.holdInput(false);
    wire.timers.advance(2 * T);
    expect(wire.first('responder', 'onClosed')).toEqual({ cause: 'receive-timeout' });
  });

  it('a responder whose CR waits for the user refuses it with DR reason 0 when the next TPDU stops', () => {
    const wire = new CotpWire({ seed: 45, responder: { reassemblyTimeoutMs: T } });
    wire.initiator.connect({});
    wire.pump();
    expect(wire.responder.state).toBe('wait-user');
    wire.inject('responder', fromHex('030000'));
    wire.timers.advance(T);
    expect(decodeAll(wire.sent.responder)).toEqual([
      {
        type: 'DR',
        dstRef: wire.initiator.localReference,
        srcRef: 0,
        reason: DisconnectReason.NOT_SPECIFIED,
        userData: new Uint8Array(0),
      },
    ]);
    expect(wire.first('responder', 'onClosed')).toEqual({ cause: 'receive-timeout' });
  });
});

describe('CotpConnection protocol errors', () => {
  it('answers garbage before the CR (not TPKT at all) with an ER and closes', () => {
    const end = rawEnd('responder');
    end.conn.receive(ascii('GET / HTTP/1.1\r\n\r\n'));
    expect(end.log.map(([n]) => n)).toEqual(['onProtocolError', 'onClosed']);
    expect(end.log[0]![1]).toMatchObject({ code: 'BAD_TPKT_VERSION', streamOffset: 0, reported: 'ER' });
    // Class 0 makes the invalid-TPDU parameter mandatory (X.224 13.12): it quotes the broken TPKT
    // up to its faulty octet, here the version octet 'G'.
    expect(end.tpdus()).toEqual([{ type: 'ER', dstRef: 0, rejectCause: 0, invalidTpdu: ascii('G') }]);
    // Nothing after the close.
    end.conn.receive(fromHex('0300000902f0804142'));
    expect(end.out).toHaveLength(1);
  });

  it('answers a malformed CR with an ER quoting its header up to the faulty octet', () => {
    const end = rawEnd('responder');
    // CR with C0 = 0x0e: the faulty octet is the parameter value (TPDU offset 9).
    end.conn.receive(fromHex('0300000e 09 e0 0000 0007 21 c0 01 0e'.replace(/ /g, '')));
    const er = end.tpdus()[0] as ErTpdu;
    expect(er).toEqual({
      type: 'ER',
      dstRef: 0,
      rejectCause: 3,
      invalidTpdu: fromHex('09e00000000721c0010e'),
    });
    expect(end.log[0]![1]).toMatchObject({ code: 'BAD_PARAMETER_VALUE', streamOffset: 13 });
  });

  it('treats a DT before the CC (wrong place) as a protocol error: ER with the TPDU code quoted', () => {
    const wire = new CotpWire({ seed: 31 });
    wire.initiator.connect({});
    wire.pump();
    expect(wire.responder.state).toBe('wait-user');
    wire.inject('responder', fromHex('0300000b04f0000180' + '4142'));
    expect(wire.first('responder', 'onProtocolError')).toMatchObject({
      code: 'UNEXPECTED_TPDU',
      reported: 'ER',
    });
    const er = decodeAll(wire.sent.responder)[0] as ErTpdu;
    expect(er).toMatchObject({ type: 'ER', rejectCause: 2, invalidTpdu: fromHex('04f0') });
    expect(wire.responder.state).toBe('closed');
    expectCommandError(() => wire.responder.accept(), 'INVALID_STATE');
    wire.pump();
    expect(wire.first('initiator', 'onProtocolError')).toMatchObject({
      code: 'PEER_REPORTED_ERROR',
      rejectCause: 2,
    });
    expect(wire.timers.pending).toBe(0);
  });

  it('class 2: a TPDU with an unknown parameter gets DR 0x85; the peer confirms with DC; both close', () => {
    const wire = openWire(32);
    const ref = wire.responder.localReference;
    // A DT carrying an E0 parameter, which a DT may not carry.
    const bad = fromHex(`0300000f08f0${ref.toString(16).padStart(4, '0')}80e00280804142`);
    wire.inject('responder', bad);
    expect(wire.first('responder', 'onProtocolError')).toMatchObject({
      code: 'UNKNOWN_PARAMETER',
      reported: 'DR',
    });
    expect(wire.responder.state).toBe('closing');
    wire.pump();
    expect(wire.first('initiator', 'onDisconnect')).toMatchObject({
      initiatedBy: 'peer',
      kind: 'released',
      reason: 0x85,
    });
    expect(wire.first('responder', 'onClosed')).toEqual({ cause: 'protocol-error' });
    expect(wire.first('initiator', 'onClosed')).toEqual({ cause: 'peer-released' });
    expect(wire.timers.pending).toBe(0);
  });

  it('class 2: a DT for another reference is a protocol error', () => {
    const wire = openWire(33);
    const other = (wire.responder.localReference + 1) & 0xffff;
    wire.inject(
      'responder',
      encodeTpkt({ type: 'DT', format: 'normal', dstRef: other, nr: 0, eot: true, userData: ascii('x') }),
    );
    expect(wire.first('responder', 'onProtocolError')).toMatchObject({
      code: 'MISMATCHED_REFERENCE',
      reported: 'DR',
    });
  });

  it('class 0: a malformed DT gets an ER and a TCP close; a DR in the data phase is a protocol error', () => {
    const wire = openWire(34, { initiator: { preferredClass: 0 } });
    expect(wire.responder.info?.protocolClass).toBe(0);
    wire.inject('responder', fromHex('0300000902f0814142')); // TPDU-NR 1 in class 0
    expect(wire.first('responder', 'onProtocolError')).toMatchObject({
      code: 'BAD_SEQUENCE_OCTET',
      reported: 'ER',
    });
    expect(decodeAll(wire.sent.responder).at(-1)).toMatchObject({
      type: 'ER',
      rejectCause: 3,
      invalidTpdu: fromHex('02f081'),
    });
    expect(wire.first('responder', 'onClosed')).toEqual({ cause: 'protocol-error' });

    const wire2 = openWire(35, { initiator: { preferredClass: 0 } });
    wire2.inject('responder', fromHex('0300000b06800001000180'));
    expect(wire2.first('responder', 'onProtocolError')).toMatchObject({
      code: 'UNEXPECTED_TPDU',
      reported: 'ER',
    });
  });

  it('reports a TPKT longer than the negotiated size at its header, sends DR 0x85 and closes at once', () => {
    const wire = openWire(36, { initiator: { maxTpduSize: 128 } });
    expect(wire.responder.info?.maxTpduSize).toBe(128);
    // Header only: announces 4 + 129 octets. The body never arrives; the error must not wait for it.
    const received = wire.sent.initiator.reduce((n, f) => n + f.length, 0);
    wire.inject('responder', fromHex('03000085'));
    expect(wire.first('responder', 'onProtocolError')).toMatchObject({
      code: 'TPKT_TOO_LARGE',
      streamOffset: received + 2,
      reported: 'DR',
    });
    expect(decodeAll(wire.sent.responder).at(-1)).toMatchObject({ type: 'DR', reason: 0x85 });
    // Framing is lost, so no DC can be parsed: closed immediately.
    expect(wire.first('responder', 'onClosed')).toEqual({ cause: 'protocol-error' });
    expect(wire.timers.pending).toBe(0);
  });

  it('aborts when a TSDU exceeds maxTsduSize (a local limit): DR reason 0', () => {
    const wire = openWire(37, { responder: { maxTsduSize: 1000 } });
    wire.initiator.sendData(sequenceBytes(1000));
    wire.pump();
    expect(wire.received('responder')).toHaveLength(1);
    wire.initiator.sendData(sequenceBytes(1001));
    wire.pump();
    expect(wire.first('responder', 'onProtocolError')).toMatchObject({
      code: 'TSDU_TOO_LARGE',
      reported: 'DR',
    });
    expect(wire.first('initiator', 'onDisconnect')).toMatchObject({ reason: 0 });
    expect(wire.received('responder')).toHaveLength(1);
  });

  it('reports an EA that acknowledges nothing', () => {
    const wire = openWire(38, {
      initiator: { expedited: true, expeditedAcknowledgement: true },
      responder: { expedited: true, expeditedAcknowledgement: true },
    });
    wire.inject('initiator', encodeTpkt({ type: 'EA', dstRef: wire.initiator.localReference, nr: 0 }));
    expect(wire.first('initiator', 'onProtocolError')).toMatchObject({ code: 'EXPEDITED_VIOLATION' });
  });

  it('reports a TCP end inside a TPKT as TRUNCATED_STREAM', () => {
    const wire = openWire(39);
    wire.inject('responder', fromHex('0300000b04f0'));
    wire.responder.transportEnded();
    expect(wire.first('responder', 'onProtocolError')).toMatchObject({
      code: 'TRUNCATED_STREAM',
      reported: 'nothing',
    });
    expect(wire.first('responder', 'onClosed')).toEqual({ cause: 'protocol-error' });
  });

  it('class 2: a TCP end without DR is a provider-initiated disconnect', () => {
    const wire = openWire(40);
    wire.responder.transportEnded();
    expect(wire.first('responder', 'onDisconnect')).toEqual({
      initiatedBy: 'provider',
      kind: 'transport-closed',
      data: new Uint8Array(0),
    });
    expect(wire.first('responder', 'onClosed')).toEqual({ cause: 'transport-closed' });
  });
});

describe('CotpConnection interop: echoing class-0 peers, and the ER (issue 12, fault 7)', () => {
  it('connects class 0 to a peer whose CC echoes the CR’s parameters (TSAPs, C0, C6)', () => {
    const end = rawEnd('initiator', { preferredClass: 0, expedited: true });
    end.conn.connect({ callingTsap: ascii('PG'), calledTsap: ascii('PLC') });
    const cr = end.tpdus()[0] as CrTpdu;
    expect(cr.parameters.preferredMaxTpduUnits).toBeUndefined();
    end.conn.receive(
      encodeTpkt({
        type: 'CC',
        dstRef: cr.srcRef,
        srcRef: 0x4321,
        classOption: cr.classOption,
        parameters: cr.parameters,
        userData: new Uint8Array(0),
      }),
    );
    expect(end.log[0]).toEqual([
      'onConnected',
      expect.objectContaining({
        protocolClass: 0,
        maxTpduSize: 2048,
        expedited: true,
        remoteReference: 0x4321,
      }),
    ]);
  });

  it('connects to a peer whose CC echoes both C0 and F0 of a class-2 CR with class-0 fallback', () => {
    const end = rawEnd('initiator', { allowClass0Fallback: true, maxTpduSize: 65531 });
    end.conn.connect({});
    const cr = end.tpdus()[0] as CrTpdu;
    expect(cr.parameters).toMatchObject({ tpduSizeCode: 11, preferredMaxTpduUnits: 511 });
    end.conn.receive(
      encodeTpkt({
        type: 'CC',
        dstRef: cr.srcRef,
        srcRef: 0x4321,
        classOption: { protocolClass: 0, extendedFormats: false, noExplicitFlowControl: false },
        parameters: { tpduSizeCode: 11, preferredMaxTpduUnits: 511 },
        userData: new Uint8Array(0),
      }),
    );
    expect(end.conn.info).toMatchObject({ protocolClass: 0, maxTpduSize: 2048 });
    // It sends 2048-octet TPDUs, and takes the 65408 the peer may think were agreed.
    end.conn.sendData(sequenceBytes(3000));
    expect(end.out.slice(1).map((f) => f.length - 4)).toEqual([2048, 3000 - 2045 + 3]);
    const big = encodeTpkt({
      type: 'DT',
      format: 'class0',
      dstRef: 0,
      nr: 0,
      eot: true,
      userData: sequenceBytes(60_000),
    });
    end.conn.receive(big);
    expect(end.log.filter(([n]) => n === 'onData').map(([, v]) => (v as Uint8Array).length)).toEqual([
      60_000,
    ]);
  });

  it('answers a CC that fails to decode with an ER to the CC’s SRC-REF, quoting it to the faulty octet', () => {
    const end = rawEnd('initiator', { preferredClass: 0 });
    end.conn.connect({});
    const ref = end.conn.localReference.toString(16).padStart(4, '0');
    // A class-0 CC with credit 1 in its code octet (RFC 2126 §6.5: must be 0).
    end.conn.receive(fromHex(`0300000b06d1${ref}432100`));
    expect(end.log[0]![1]).toMatchObject({ code: 'BAD_CODE_BITS', reported: 'ER' });
    expect(end.tpdus().slice(1)).toEqual([
      { type: 'ER', dstRef: 0x4321, rejectCause: 3, invalidTpdu: fromHex('06d1') },
    ]);
  });

  it('class 0: a TPKT over the agreed size gets an ER quoting the TPKT header (the invalid-TPDU parameter is mandatory)', () => {
    const wire = openWire(46, { initiator: { preferredClass: 0, maxTpduSize: 128 } });
    expect(wire.responder.info).toMatchObject({ protocolClass: 0, maxTpduSize: 128 });
    wire.inject('responder', fromHex('03000085'));
    expect(decodeAll(wire.sent.responder).at(-1)).toEqual({
      type: 'ER',
      dstRef: wire.initiator.localReference,
      rejectCause: 0,
      invalidTpdu: fromHex('03000085'),
    });
    expect(wire.first('responder', 'onClosed')).toEqual({ cause: 'protocol-error' });
  });
});

describe('CotpConnection expedited acknowledgement queueing (RFC 2126 §4.2.2)', () => {
  it('sends nothing after an ED until its EA arrives, then flushes in order', () => {
    const end = rawEnd('initiator', {
      expedited: true,
      expeditedAcknowledgement: true,
      maxSendQueueBytes: 100,
    });
    end.conn.connect({});
    const cr = end.tpdus()[0] as CrTpdu;
    expect(cr.parameters.additionalOptions).toBe(0x21);
    end.conn.receive(
      encodeTpkt({
        type: 'CC',
        dstRef: cr.srcRef,
        srcRef: 0x0777,
        classOption: { protocolClass: 2, extendedFormats: false, noExplicitFlowControl: true },
        parameters: { tpduSizeCode: 11, additionalOptions: 0x21 },
        userData: new Uint8Array(0),
      }),
    );
    expect(end.conn.info).toMatchObject({ expedited: true, expeditedAcknowledgement: true });
    end.conn.sendExpedited(ascii('E1'));
    end.conn.sendData(ascii('D1'));
    end.conn.sendExpedited(ascii('E2'));
    end.conn.disconnect(0x80, ascii('bye'));
    expect(end.tpdus().map((t) => t.type)).toEqual(['CR', 'ED']);
    expect(end.conn.state).toBe('closing');

    end.conn.receive(encodeTpkt({ type: 'EA', dstRef: cr.srcRef, nr: 0 }));
    expect(end.tpdus().map((t) => t.type)).toEqual(['CR', 'ED', 'DT', 'ED']);
    end.conn.receive(encodeTpkt({ type: 'EA', dstRef: cr.srcRef, nr: 1 }));
    expect(end.tpdus().map((t) => t.type)).toEqual(['CR', 'ED', 'DT', 'ED', 'DR']);
    end.conn.receive(encodeTpkt({ type: 'DC', dstRef: cr.srcRef, srcRef: 0x0777 }));
    expect(end.log.at(-1)).toEqual(['onClosed', { cause: 'released' }]);
  });

  it('reports SEND_QUEUE_FULL while an ED is unacknowledged and the queue is at its limit', () => {
    const wire = openWire(41, {
      initiator: { expedited: true, expeditedAcknowledgement: true, maxSendQueueBytes: 100 },
      responder: { expedited: true, expeditedAcknowledgement: true },
    });
    wire.initiator.sendExpedited(ascii('!'));
    wire.initiator.sendData(sequenceBytes(60));
    expectCommandError(() => wire.initiator.sendData(sequenceBytes(60)), 'SEND_QUEUE_FULL');
    wire.pump();
    expect(wire.eventNames('initiator')).toContain('onSendQueueDrained');
    expect(wire.received('responder')).toEqual([sequenceBytes(60)]);
    wire.initiator.sendData(sequenceBytes(60));
    wire.pump();
    expect(wire.received('responder')).toHaveLength(2);
  });
});

describe('CotpConnection references', () => {
  it('never gives two live connections of one endpoint the same reference', () => {
    const wire = new CotpWire({ seed: 50 });
    const refs = new Set<number>();
    const conns: CotpConnection[] = [];
    for (let i = 0; i < 50; i++) {
      const c = new CotpConnection({
        role: 'initiator',
        send: () => {},
        timers: wire.timers,
        references: wire.references,
      });
      c.connect({});
      refs.add(c.localReference);
      conns.push(c);
    }
    expect(refs.size).toBe(50);
    expect(refs.has(0)).toBe(false);
    for (const c of conns) c.abort();
    expect(wire.references.size).toBe(0);
    expect(wire.timers.pending).toBe(0);
  });
});

describe('CotpConnection responder edge cases', () => {
  it.each([
    { protocolClass: 0, which: 'callingTsap', reason: DisconnectReason.ADDRESS_UNKNOWN, hex: '0x03' },
    { protocolClass: 0, which: 'calledTsap', reason: DisconnectReason.ADDRESS_UNKNOWN, hex: '0x03' },
    {
      protocolClass: 2,
      which: 'callingTsap',
      reason: DisconnectReason.HEADER_OR_PARAMETER_LENGTH_INVALID,
      hex: '0x8A',
    },
    {
      protocolClass: 2,
      which: 'calledTsap',
      reason: DisconnectReason.HEADER_OR_PARAMETER_LENGTH_INVALID,
      hex: '0x8A',
    },
  ] as const)(
    'refuses a class-$protocolClass CR whose $which is longer than 32 octets with DR $hex, before any indication',
    ({ protocolClass, which, reason }) => {
      const end = rawEnd('responder', { acceptedClasses: [protocolClass], acceptsCalledTsap: () => true });
      const cr: CrTpdu = {
        type: 'CR',
        dstRef: 0,
        srcRef: 0x4321,
        classOption: { protocolClass, extendedFormats: false, noExplicitFlowControl: protocolClass === 2 },
        parameters: { [which]: new Uint8Array(33).fill(0x41), tpduSizeCode: 11 },
        userData: new Uint8Array(0),
      };
      end.conn.receive(encodeTpkt(cr));
      expect(end.tpdus()).toEqual([
        { type: 'DR', dstRef: 0x4321, srcRef: 0, reason, userData: new Uint8Array(0) },
      ]);
      expect(end.log.map(([n]) => n)).toEqual(['onClosed']);
      expect(end.log[0]![1]).toEqual({ cause: 'refused' });
      // 32 octets are still fine.
      const ok = rawEnd('responder', { acceptedClasses: [protocolClass], acceptsCalledTsap: () => true });
      ok.conn.receive(
        encodeTpkt({ ...cr, parameters: { [which]: new Uint8Array(32).fill(0x41), tpduSizeCode: 11 } }),
      );
      expect(ok.conn.state).toBe('wait-user');
    },
  );

  it('confirms a DR from an initiator that withdraws before the answer (DC with SRC-REF 0)', () => {
    const indications: CotpConnectIndication[] = [];
    const wire = new CotpWire({
      seed: 60,
      responder: { handlers: { onConnectIndication: (i) => indications.push(i) } },
    });
    wire.initiator.connect({});
    wire.pump();
    expect(indications).toHaveLength(1);
    const crRef = (decodeAll(wire.sent.initiator)[0] as CrTpdu).srcRef;
    wire.inject(
      'responder',
      encodeTpkt({ type: 'DR', dstRef: 0, srcRef: crRef, reason: 0x80, userData: ascii('never mind') }),
    );
    expect(decodeAll(wire.sent.responder)).toEqual([{ type: 'DC', dstRef: crRef, srcRef: 0 }]);
    expect(wire.first('responder', 'onDisconnect')).toMatchObject({
      initiatedBy: 'peer',
      reason: 0x80,
      data: ascii('never mind'),
    });
    expect(wire.first('responder', 'onClosed')).toEqual({ cause: 'peer-released' });
  });
});

describe('CotpConnection wired synchronously (the peer answers inside our send)', () => {
  /** Each `send` goes straight into the peer's `receive`, cut in random chunks; onClosed ends the peer's input. */
  function syncPair(seed: number, opts: { initiator?: object; responder?: object } = {}) {
    const prng = new SeededPrng(seed);
    const timers = new ManualTimers();
    const logs = { initiator: [] as CotpEvent[], responder: [] as CotpEvent[] };
    const ends: { initiator?: CotpConnection; responder?: CotpConnection } = {};
    const make = (role: 'initiator' | 'responder', extra: object, handlers = {}) => {
      const peer = role === 'initiator' ? 'responder' : 'initiator';
      const conn = new CotpConnection({
        timers,
        ...extra,
        role,
        send: (bytes) => {
          for (const chunk of prng.split(bytes, 9)) ends[peer]!.receive(chunk);
        },
        handlers: recordingHandlers(logs[role], {
          ...handlers,
          onClosed: () => ends[peer]!.transportEnded(),
        }),
      });
      ends[role] = conn;
      return conn;
    };
    const initiator = make('initiator', opts.initiator ?? {}, {
      onConnected: () => initiator.sendData(ascii('sent from onConnected')),
    });
    const responder = make('responder', opts.responder ?? {}, {
      onConnectIndication: () => responder.accept(ascii('ok')),
      onData: (tsdu: Uint8Array) => responder.sendData(tsdu.slice().reverse()),
    });
    return { initiator, responder, logs, timers };
  }

  it.each(SEEDS)('runs connect, echo, expedited with EA, and DR/DC release (seed %i)', (seed) => {
    const { initiator, responder, logs, timers } = syncPair(seed, {
      initiator: { expedited: true, expeditedAcknowledgement: true },
      responder: { expedited: true, expeditedAcknowledgement: true },
    });
    initiator.connect({ data: ascii('sync') });
    expect(initiator.state).toBe('open');
    expect(responder.state).toBe('open');
    initiator.sendExpedited(ascii('!'));
    initiator.sendData(sequenceBytes(20_000));
    initiator.disconnect(0x80, ascii('bye'));
    const names = (l: CotpEvent[]) => l.map(([n]) => n);
    expect(names(logs.responder)).toEqual([
      'onConnectIndication',
      'onData',
      'onExpedited',
      'onData',
      'onDisconnect',
      'onClosed',
    ]);
    expect(logs.initiator.filter(([n]) => n === 'onData').map(([, v]) => v)).toEqual([
      ascii('sent from onConnected').reverse(),
      sequenceBytes(20_000).reverse(),
    ]);
    expect(logs.initiator.at(-1)).toEqual(['onClosed', { cause: 'released' }]);
    expect(logs.responder.find(([n]) => n === 'onDisconnect')?.[1]).toMatchObject({ data: ascii('bye') });
    expect(timers.pending).toBe(0);
  });

  it('handles a refusal and a protocol error answered synchronously', () => {
    const refused = syncPair(3, { responder: { acceptsCalledTsap: () => false } });
    refused.initiator.connect({ calledTsap: ascii('x') });
    expect(refused.logs.initiator.map(([n]) => n)).toEqual(['onDisconnect', 'onClosed']);
    expect(refused.responder.state).toBe('closed');

    const broken = syncPair(4);
    broken.initiator.connect({});
    broken.responder.receive(fromHex('0300000b04f0ffff804142')); // a DT for a reference that is not the responder's
    expect(broken.logs.responder.find(([n]) => n === 'onProtocolError')?.[1]).toMatchObject({
      code: 'MISMATCHED_REFERENCE',
    });
    expect(broken.initiator.state).toBe('closed');
    expect(broken.responder.state).toBe('closed');
    expect(broken.logs.responder.at(-1)).toEqual(['onClosed', { cause: 'protocol-error' }]);
    expect(broken.timers.pending).toBe(0);
  });
});

describe('CotpConnection disconnect before the connection is open', () => {
  it('abandons a pending connect without data, and refuses to drop disconnect data silently', () => {
    const end = rawEnd('initiator');
    end.conn.connect({});
    expectCommandError(() => end.conn.disconnect(0x80, ascii('lost?')), 'NOT_CONNECTED');
    expect(end.conn.state).toBe('wait-cc');
    end.conn.disconnect();
    expect(end.log.at(-1)).toEqual(['onClosed', { cause: 'aborted' }]);
    expect(end.out).toHaveLength(1);
    expect(end.timers.pending).toBe(0);
  });

  it('refuses the CR when the responder disconnects before answering', () => {
    const wire = new CotpWire({ seed: 70 });
    wire.initiator.connect({});
    wire.pump();
    wire.responder.disconnect(DisconnectReason.CONNECTION_REFUSED, ascii('no'));
    wire.pump();
    expect(wire.first('initiator', 'onDisconnect')).toMatchObject({
      kind: 'refused',
      reason: 0x88,
      data: ascii('no'),
    });
  });
});

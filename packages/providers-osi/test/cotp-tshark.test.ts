/**
 * tshark as an independent oracle (reference/osi-transport.md §7): the bytes our codec and
 * `CotpConnection` put on the wire are written into a pcap (real Ethernet/IPv4/TCP headers, TCP
 * port 102) and decoded by Wireshark's own COTP dissector; its fields must show the TPDU types,
 * references, class, reason and user data we encoded.
 *
 * Decoding a file needs tshark installed, not the right to capture (`describeWithTshark(…,
 * 'decode')`): skipped when tshark is not installed, unless WS2SPI_REQUIRE_TSHARK=1, which makes its
 * absence a failure.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithTshark } from '@ws2spi/spi/testing';
import { CotpConnection } from '../src/cotp/cotp-connection';
import type { CrTpdu, DrTpdu, ErTpdu, Tpdu } from '../src/cotp/tpdu';
import { DisconnectReason } from '../src/cotp/tpdu-codes';
import { encodeTpkt } from '../src/cotp/tpdu-encoder';
import { CotpWire, decodeAll } from './fixtures/cotp-wire';
import { ascii, fromHex, sequenceBytes, toHex } from './fixtures/hex';
import { ManualTimers } from './fixtures/manual-timers';
import { tcpConversationPcap } from './fixtures/pcap-writer';
import { tsharkFields, tsharkVersion } from './fixtures/tshark';

const version = tsharkVersion();

const FIELDS = [
  'frame.number',
  'ip.checksum.status',
  'tcp.checksum.status',
  'cotp.li',
  'cotp.type',
  'cotp.destref',
  'cotp.srcref',
  'cotp.class',
  'cotp.opts.extended_formats',
  'cotp.opts.no_explicit_flow_control',
  'cotp.cause',
  'cotp.eot',
  'cotp.tpdu-number',
  'cotp.src-tsap',
  'cotp.dst-tsap',
  'cotp.tpdu_size',
  'cotp.preferred_maximum_tpdu_size',
  'cotp.transport_expedited_data_transfer',
  'cotp.parameter_code',
  'cotp.parameter_value',
  'cotp.reassembled.length',
  'data.data',
];

/** Wireshark's PDU-type codes (the high nibble of the code octet). */
const TYPE = {
  CR: '0x0e',
  CC: '0x0d',
  DT: '0x0f',
  DR: '0x08',
  DC: '0x0c',
  ED: '0x01',
  EA: '0x02',
  ER: '0x07',
};
const hex16 = (n: number) => `0x${n.toString(16).padStart(4, '0')}`;

describeWithTshark(
  `COTP bytes decoded by tshark${version ? ` (${version})` : ''}`,
  () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'cotp-tshark-'));
    });
    afterAll(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    /** Writes the frames as one TCP conversation to port 102 and decodes the COTP frames with tshark. */
    function decode(name: string, frames: Array<{ from: 'initiator' | 'responder'; bytes: Uint8Array }>) {
      const path = join(dir, `${name}.pcap`);
      const pcap = tcpConversationPcap({
        clientPort: 40102,
        serverPort: 102,
        segments: frames.map((f) => ({
          from: f.from === 'initiator' ? 'client' : 'server',
          payload: f.bytes,
        })),
      });
      writeFileSync(path, pcap);
      const rows = tsharkFields(path, FIELDS, { filter: 'cotp' });
      for (const row of rows) {
        // Our pcap headers are sound, so tshark's TCP reassembly saw a clean stream.
        expect(row['ip.checksum.status']).toBe('1');
        expect(row['tcp.checksum.status']).toBe('1');
      }
      return rows;
    }

    it('decodes a class-2 connection: CR with connect data, CC, DTs, ED/EA, DR with 64 octets, DC', () => {
      const callerData = ascii('caller-data:32-octets-exactly!!!');
      const calleeData = ascii('callee says hi');
      const discData = sequenceBytes(64, 0xa0);
      const wire = new CotpWire({
        seed: 102,
        initiator: { expedited: true, expeditedAcknowledgement: true },
        responder: { expedited: true, expeditedAcknowledgement: true },
        onIndication: (_i, r) => r.accept(calleeData),
      });
      wire.initiator.connect({ callingTsap: ascii('CLIENT'), calledTsap: ascii('SERVER'), data: callerData });
      wire.pump();
      wire.initiator.sendData(ascii('one DT'));
      wire.responder.sendExpedited(ascii('ED!'));
      wire.pump();
      wire.initiator.disconnect(DisconnectReason.NORMAL, discData);
      wire.pump();
      expect(wire.first('responder', 'onDisconnect')?.data).toEqual(discData);

      const ours = wire.sequence.map((s) => decodeAll([s.bytes])[0]!);
      expect(ours.map((t) => t.type)).toEqual(['CR', 'CC', 'DT', 'ED', 'EA', 'DR', 'DC']);
      const rows = decode('class2', wire.sequence);
      expect(rows).toHaveLength(ours.length);
      const iRef = wire.initiator.localReference;
      const rRef = wire.responder.localReference;

      const [cr, cc, dt, ed, ea, dr, dc] = rows as [Record<string, string>, ...Array<Record<string, string>>];
      expect(cr).toMatchObject({
        'cotp.type': TYPE.CR,
        'cotp.destref': '0x0000',
        'cotp.srcref': hex16(iRef),
        'cotp.class': '2',
        'cotp.opts.extended_formats': '0',
        'cotp.opts.no_explicit_flow_control': '1',
        'cotp.src-tsap': 'CLIENT',
        'cotp.dst-tsap': 'SERVER',
        'cotp.tpdu_size': '8192',
        'cotp.transport_expedited_data_transfer': '1',
        'data.data': toHex(callerData),
      });
      expect(cc).toMatchObject({
        'cotp.type': TYPE.CC,
        'cotp.destref': hex16(iRef),
        'cotp.srcref': hex16(rRef),
        'cotp.class': '2',
        'cotp.opts.no_explicit_flow_control': '1',
        'cotp.tpdu_size': '8192',
        'data.data': toHex(calleeData),
      });
      expect(dt).toMatchObject({
        'cotp.type': TYPE.DT,
        'cotp.li': '4',
        'cotp.destref': hex16(rRef),
        'cotp.eot': '1',
        'cotp.tpdu-number': '0x00',
        'data.data': toHex(ascii('one DT')),
      });
      expect(ed).toMatchObject({
        'cotp.type': TYPE.ED,
        'cotp.destref': hex16(iRef),
        'data.data': toHex(ascii('ED!')),
      });
      expect(ea).toMatchObject({ 'cotp.type': TYPE.EA, 'cotp.destref': hex16(rRef) });
      expect(dr).toMatchObject({
        'cotp.type': TYPE.DR,
        'cotp.destref': hex16(rRef),
        'cotp.srcref': hex16(iRef),
        'cotp.cause': '128',
        'cotp.parameter_code': '0xe0',
        'cotp.parameter_value': '80',
        'data.data': toHex(discData),
      });
      expect(dc).toMatchObject({
        'cotp.type': TYPE.DC,
        'cotp.destref': hex16(iRef),
        'cotp.srcref': hex16(rRef),
      });
    });

    it('decodes a TSDU segmented into several DTs, reassembled by Wireshark from the EOT flags', () => {
      const wire = new CotpWire({
        seed: 7,
        initiator: { maxTpduSize: 128 },
        onIndication: (_i, r) => r.accept(),
      });
      wire.initiator.connect({});
      wire.pump();
      const tsdu = sequenceBytes(300);
      wire.initiator.sendData(tsdu);
      wire.pump();
      const rows = decode('segmented', wire.sequence);
      const dts = rows.filter((r) => r['cotp.type'] === TYPE.DT);
      expect(dts.map((r) => r['cotp.eot'])).toEqual(['0', '0', '1']);
      expect(dts.map((r) => r['cotp.tpdu-number'])).toEqual(['0x00', '0x01', '0x02']);
      expect(dts.at(-1)).toMatchObject({ 'cotp.reassembled.length': '300', 'data.data': toHex(tsdu) });
      for (const r of rows) expect(Number(r['cotp.li'])).toBeLessThanOrEqual(128);
    });

    it('decodes the class-0 fallback (CR with C7 alternative class 0, CC class 0, class-0 DT)', () => {
      const wire = new CotpWire({
        seed: 8,
        initiator: { allowClass0Fallback: true },
        responder: { acceptedClasses: [0] },
        onIndication: (_i, r) => r.accept(),
      });
      wire.initiator.connect({ calledTsap: ascii('TSAP0') });
      wire.pump();
      wire.responder.sendData(ascii('class 0 data'));
      wire.pump();
      const rows = decode('class0', wire.sequence);
      expect(rows.map((r) => r['cotp.type'])).toEqual([TYPE.CR, TYPE.CC, TYPE.DT]);
      expect(rows[0]).toMatchObject({
        'cotp.class': '2',
        'cotp.tpdu_size': '2048',
        'cotp.preferred_maximum_tpdu_size': '8192',
        'cotp.parameter_code': '0xc2,0xc0,0xf0,0xc6,0xc7',
      });
      // The CR stated F0, so the CC answers F0 (RFC 2126 §4.1.1 allows class 0 above 2048 this way).
      expect(rows[1]).toMatchObject({ 'cotp.class': '0', 'cotp.preferred_maximum_tpdu_size': '8192' });
      expect(wire.initiator.info?.maxTpduSize).toBe(8192);
      expect(rows[2]).toMatchObject({
        'cotp.li': '2',
        'cotp.eot': '1',
        'data.data': toHex(ascii('class 0 data')),
      });
    });

    it('decodes the class-0 CR (C0 2048, no F0), a CC echoing it, one echoing C0 and F0, and the ER to a CC that fails (issue 12, fault 7)', () => {
      // A class-0 initiator and a hand-written PLC-style peer that echoes what it was sent.
      const out: Uint8Array[] = [];
      const conn = new CotpConnection({
        role: 'initiator',
        preferredClass: 0,
        expedited: true,
        timers: new ManualTimers(),
        send: (b) => out.push(b),
      });
      conn.connect({ callingTsap: ascii('PG'), calledTsap: ascii('PLC') });
      const cr = decodeAll(out)[0] as CrTpdu;
      const echo = encodeTpkt({
        type: 'CC',
        dstRef: cr.srcRef,
        srcRef: 0x4321,
        classOption: cr.classOption,
        parameters: cr.parameters,
        userData: new Uint8Array(0),
      });
      // What such a peer answers to a class-2 CR with class-0 fallback and F0 (RFC 2126 sizes).
      const echoBoth = encodeTpkt({
        type: 'CC',
        dstRef: cr.srcRef,
        srcRef: 0x4322,
        classOption: { protocolClass: 0, extendedFormats: false, noExplicitFlowControl: false },
        parameters: { tpduSizeCode: 11, preferredMaxTpduUnits: 511 },
        userData: new Uint8Array(0),
      });
      // The same CC, but with credit 1 in class 0: it fails to decode, and is answered with an ER.
      const broken = echo.slice();
      broken[5] = 0xd1;
      conn.receive(broken);
      const er = decodeAll(out.slice(1))[0] as ErTpdu;
      expect(er).toEqual({ type: 'ER', dstRef: 0x4321, rejectCause: 3, invalidTpdu: broken.slice(4, 6) });

      const rows = decode('echo', [
        { from: 'initiator', bytes: out[0]! },
        { from: 'responder', bytes: echo },
        { from: 'initiator', bytes: out[1]! },
        { from: 'responder', bytes: echoBoth },
      ]);
      expect(rows.map((r) => r['cotp.type'])).toEqual([TYPE.CR, TYPE.CC, TYPE.ER, TYPE.CC]);
      expect(rows[0]).toMatchObject({
        'cotp.class': '0',
        'cotp.parameter_code': '0xc1,0xc2,0xc0,0xc6',
        'cotp.tpdu_size': '2048',
        'cotp.preferred_maximum_tpdu_size': '',
      });
      expect(rows[1]).toMatchObject({
        'cotp.destref': hex16(cr.srcRef),
        'cotp.srcref': '0x4321',
        'cotp.parameter_code': '0xc1,0xc2,0xc0,0xc6',
        'cotp.tpdu_size': '2048',
        'cotp.preferred_maximum_tpdu_size': '',
      });
      expect(rows[3]).toMatchObject({
        'cotp.class': '0',
        'cotp.tpdu_size': '2048',
        'cotp.preferred_maximum_tpdu_size': '65408',
      });
      // The ER goes to the CC's SRC-REF and quotes it up to the faulty octet (C1, mandatory in class 0).
      expect(rows[2]).toMatchObject({
        'cotp.destref': '0x4321',
        'cotp.li': '8',
        'cotp.parameter_code': '0xc1',
        'cotp.src-tsap': `0x${toHex(broken.slice(4, 6))}`,
      });
    });

    it('shows an ER whose C1 quotes more than 2 octets only as TPKT data (tshark 4.0 dissects ER up to LI 8)', () => {
      const er = encodeTpkt({ type: 'ER', dstRef: 1, rejectCause: 0, invalidTpdu: fromHex('03000085') });
      const path = join(dir, 'long-er.pcap');
      writeFileSync(
        path,
        tcpConversationPcap({
          clientPort: 40102,
          serverPort: 102,
          segments: [{ from: 'server', payload: er }],
        }),
      );
      const rows = tsharkFields(path, ['tpkt.length', 'cotp.type', 'data.data'], { filter: 'tpkt' });
      expect(rows).toEqual([
        { 'tpkt.length': String(er.length), 'cotp.type': '', 'data.data': toHex(er.slice(4)) },
      ]);
    });

    it('decodes the refusal of a CR for an unknown TSAP (DR reason 2, SRC-REF 0) and a class-0 ER', () => {
      const wire = new CotpWire({ seed: 9, responder: { acceptsCalledTsap: () => false } });
      wire.initiator.connect({ calledTsap: ascii('NOBODY') });
      wire.pump();
      const cr = decodeAll([wire.sent.initiator[0]!])[0] as CrTpdu;
      const dr = decodeAll([wire.sent.responder[0]!])[0] as DrTpdu;
      expect(dr.reason).toBe(2);
      const er: Tpdu = {
        type: 'ER',
        dstRef: cr.srcRef,
        rejectCause: 2,
        invalidTpdu: Uint8Array.of(0x02, 0x30),
      };
      const rows = decode('refusal', [...wire.sequence, { from: 'responder', bytes: encodeTpkt(er) }]);
      expect(rows[1]).toMatchObject({
        'cotp.type': TYPE.DR,
        'cotp.destref': hex16(cr.srcRef),
        'cotp.srcref': '0x0000',
        'cotp.cause': '2',
        'data.data': '',
      });
      expect(rows[2]).toMatchObject({
        'cotp.type': TYPE.ER,
        'cotp.destref': hex16(cr.srcRef),
        'cotp.parameter_code': '0xc1',
      });
    });
  },
  'decode',
);

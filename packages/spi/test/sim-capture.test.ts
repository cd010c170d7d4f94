/**
 * SimNetwork's packet capture: pcapng that tshark reads as a real capture — the TCP handshake,
 * segments cut to the Ethernet MSS with sequence and acknowledgment numbers that add up, valid IP,
 * TCP and UDP checksums, no TCP analysis warnings — and the TPKT/COTP frames of an ISO transport
 * connection, down to the user data of its DR. Decoding needs tshark (skipped with the reason
 * without it, failed under WS2SPI_REQUIRE_TSHARK=1); the file format, checksums, bounds and
 * byte-for-byte repeatability are checked without it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { createOsiProvider, installOsiProviders, sockaddrTp } from '@ws2spi/providers-osi';
import {
  AF_ISO,
  type Catalog,
  ISOPROTO_TP2,
  registerProvider,
  SOCK_SEQPACKET,
  Socket,
  type StreamConnection,
} from '@ws2spi/spi';
import {
  createLayeredProcess,
  internetChecksum,
  itWithTshark,
  type SimHost,
  SimNetwork,
} from '@ws2spi/spi/testing';
import type { DependencyContainer } from 'tsyringe';

const directory = mkdtempSync(join(tmpdir(), 'ws2spi-sim-capture-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const utf8 = (s: string) => new TextEncoder().encode(s);

/** tshark's fields of every frame of a file, with COTP decoded on port 102 and its heuristics off. */
function decode(file: string, fields: readonly string[]): string[][] {
  const heuristics = ['t125', 'ses', 's7comm', 'mms', 'hi', 'smb', 'atn-ucls'].flatMap((h) => [
    '--disable-heuristic',
    `${h}_cotp`,
  ]);
  const result = spawnSync(
    'tshark',
    [
      '-r',
      file,
      '-n',
      '-o',
      'tcp.check_checksum:TRUE',
      '-o',
      'ip.check_checksum:TRUE',
      '-o',
      'udp.check_checksum:TRUE',
      ...heuristics,
      '-T',
      'fields',
      '-E',
      'separator=|',
      ...fields.flatMap((f) => ['-e', f]),
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  if (result.status !== 0) throw new Error(`tshark -r failed (${result.status}): ${result.stderr}`);
  return result.stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => line.split('|'));
}

/** An ISO transport conversation between two hosts on port 102: CR with data, 3000 bytes, DR with data. */
async function isoConversation(network: SimNetwork) {
  const base = (host: SimHost) => (catalog: Catalog, container: DependencyContainer) => {
    registerProvider(container, 'sim-osi', createOsiProvider({ streams: host.streams }).WSPStartup);
    installOsiProviders(catalog, { path: 'sim-osi' });
  };
  const client = await createLayeredProcess({
    bases: base(network.addHost('client', { ipv4: ['10.0.0.1'] })),
  });
  const server = await createLayeredProcess({
    bases: base(network.addHost('server', { ipv4: ['10.0.0.2'] })),
  });
  const listener = await Socket.create(server.ws2, AF_ISO, SOCK_SEQPACKET, ISOPROTO_TP2);
  await listener.bind(sockaddrTp('srv', '0.0.0.0', 102));
  await listener.listen(1);
  const socket = await Socket.create(client.ws2, AF_ISO, SOCK_SEQPACKET, ISOPROTO_TP2);
  const [{ socket: peer }] = await Promise.all([
    listener.accept(),
    socket.connect(sockaddrTp('srv', '10.0.0.2', 102), { callerData: utf8('hello') }),
  ]);
  await socket.send(new Uint8Array(3000).fill(0x41));
  expect((await peer.recv()).byteLength).toBe(3000);
  socket.sendDisconnect(utf8('goodbye, world'));
  await peer.recv().catch(() => undefined);
  expect(new TextDecoder().decode(peer.recvDisconnect())).toBe('goodbye, world');
  await network.idle();
  await client.teardown();
  await server.teardown();
  await network.idle();
}

/** TCP over IPv6 and a UDP datagram, straight on the hosts' networks. */
async function ipv6Conversation(network: SimNetwork) {
  const a = network.addHost('a', { ipv6: ['fd00::1'] });
  const b = network.addHost('b', { ipv6: ['fd00::2'] });
  const accepted: StreamConnection[] = [];
  await b.streams.listen({ host: '::', port: 7, family: 6, backlog: 1 }, (c) => {
    accepted.push(c);
    c.setHandlers({
      onData: (d) => c.write(d),
      onEnd: () => c.end(),
      onReset() {},
      onDrain() {},
      onClose() {},
    });
  });
  const c = await a.streams.connect({ host: 'fd00::2', port: 7, family: 6 });
  c.setHandlers({ onData() {}, onEnd() {}, onReset() {}, onDrain() {}, onClose() {} });
  c.write(new Uint8Array(2000).fill(7));
  c.end();
  const port = await a.datagrams.bindDatagram({ address: '::', port: 5353, family: 6 });
  await b.datagrams.bindDatagram({ address: '::', port: 53, family: 6 });
  await port.send(utf8('query'), { address: 'fd00::2', port: 53, family: 6 });
  await network.idle();
}

describe('a capture Wireshark reads', () => {
  itWithTshark(
    'shows the ISO transport conversation: handshake, segments, TPKT/COTP frames and the DR’s user data',
    async () => {
      const network = new SimNetwork({ timing: 'virtual' });
      const capture = network.capture();
      await isoConversation(network);
      const file = join(directory, 'iso.pcapng');
      capture.writeFile(file);
      network.close();
      const rows = decode(file, [
        'ip.checksum.status',
        'tcp.checksum.status',
        'tcp.flags.str',
        'tcp.len',
        'tcp.analysis.flags',
        'cotp.type',
        'cotp.cause',
        'data.data',
      ]);
      expect(rows.length).toBe(capture.packets);
      // Every IP and TCP checksum verifies, and TCP analysis finds nothing amiss.
      expect(rows.every(([ip, tcp]) => ip === '1' && tcp === '1')).toBe(true);
      expect(rows.filter((r) => r[4] !== '')).toEqual([]);
      // The handshake, with the ACK that completes it.
      expect(rows.slice(0, 3).map((r) => r[2]?.replace(/·/g, ''))).toEqual(['S', 'AS', 'A']);
      // Data cut to the Ethernet MSS.
      expect(Math.max(...rows.map((r) => Number(r[3] || 0)))).toBe(1460);
      // The COTP frames: CR, CC, DT, DR (normal, with its user data), DC.
      const cotp = rows.filter((r) => r[5] !== '').map((r) => [r[5], r[6], r[7]]);
      expect(cotp.map(([type]) => type)).toEqual(['0x0e', '0x0d', '0x0f', '0x08', '0x0c']);
      expect(cotp[0]?.[2]).toBe(Buffer.from('hello').toString('hex'));
      expect(cotp[3]).toEqual(['0x08', '128', Buffer.from('goodbye, world').toString('hex')]);
      expect(cotp[2]?.[2]).toBe('41'.repeat(3000));
    },
    'decode',
  );

  itWithTshark(
    'shows TCP over IPv6 and a UDP datagram with valid checksums',
    async () => {
      const network = new SimNetwork({ timing: 'virtual' });
      const capture = network.capture();
      await ipv6Conversation(network);
      const file = join(directory, 'ipv6.pcapng');
      capture.writeFile(file);
      network.close();
      const rows = decode(file, [
        'ipv6.src',
        'ipv6.dst',
        'tcp.checksum.status',
        'udp.checksum.status',
        'tcp.analysis.flags',
        'udp.length',
      ]);
      expect(rows.every(([src]) => src === 'fd00::1' || src === 'fd00::2')).toBe(true);
      const tcp = rows.filter((r) => r[2] !== '');
      const udp = rows.filter((r) => r[3] !== '');
      expect(tcp.length).toBeGreaterThanOrEqual(8);
      expect(tcp.every((r) => r[2] === '1' && r[4] === '')).toBe(true);
      expect(udp).toEqual([['fd00::1', 'fd00::2', '', '1', '', '13']]);
    },
    'decode',
  );
});

describe('the capture itself', () => {
  /** The blocks of a pcapng file: [type, length]. */
  function blocks(file: Uint8Array): [number, number][] {
    const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
    const found: [number, number][] = [];
    for (let at = 0; at < file.length; ) {
      const type = view.getUint32(at, true);
      const length = view.getUint32(at + 4, true);
      expect(view.getUint32(at + length - 4, true)).toBe(length);
      expect(length % 4).toBe(0);
      found.push([type, length]);
      at += length;
    }
    return found;
  }

  it('is a section header, an Ethernet interface and a block per frame, with valid IPv4 header checksums', async () => {
    const network = new SimNetwork({ timing: 'virtual' });
    const capture = network.capture({ startTime: Date.UTC(2024, 0, 1) });
    await isoConversation(network);
    network.close();
    const file = capture.toPcapng();
    const found = blocks(file);
    expect(found.slice(0, 2).map(([type]) => type)).toEqual([0x0a0d0d0a, 1]);
    expect(found.slice(2).every(([type]) => type === 6)).toBe(true);
    expect(found.length - 2).toBe(capture.packets);
    // The first frame: an IPv4 header whose checksum verifies, stamped 2024-01-01.
    const epb = found[0]![1] + found[1]![1];
    const view = new DataView(file.buffer, file.byteOffset);
    const micros = view.getUint32(epb + 12, true) * 2 ** 32 + view.getUint32(epb + 16, true);
    expect(micros).toBe(Date.UTC(2024, 0, 1) * 1000);
    const ipHeader = file.subarray(epb + 28 + 14, epb + 28 + 34);
    expect(internetChecksum(ipHeader)).toBe(0);
  });

  it('is the same, byte for byte, for the same run', async () => {
    const run = async () => {
      const network = new SimNetwork({ timing: 'virtual' });
      const capture = network.capture({ seed: 3 });
      await isoConversation(network);
      network.close();
      return Buffer.from(capture.toPcapng());
    };
    const first = await run();
    expect((await run()).equals(first)).toBe(true);
  });

  it('keeps at most maxBytes, counts what it drops, and says so in the file; stops when asked', async () => {
    const network = new SimNetwork({ timing: 'virtual' });
    const capture = network.capture({ maxBytes: 400 });
    await ipv6Conversation(network);
    expect(capture.dropped).toBeGreaterThan(0);
    const found = blocks(capture.toPcapng());
    expect(found.at(-1)?.[0]).toBe(5); // Interface Statistics Block with isb_ifdrop
    capture.stop();
    const packets = capture.packets + capture.dropped;
    const more = network.host('a').datagrams.bindDatagram({ address: '::', port: 9, family: 6 });
    await (await more).send(utf8('x'), { address: 'fd00::2', port: 9, family: 6 });
    await network.idle();
    expect(capture.packets + capture.dropped).toBe(packets);
    network.close();
    writeFileSync(join(directory, 'bounded.pcapng'), capture.toPcapng());
  });
});

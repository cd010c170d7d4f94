/**
 * Two hosts, a real network between them: a client and a server process (`Ws2` with the TCP/IP and
 * ISO transport providers, the compiled packages) in network namespaces of their own, joined by
 * veth pairs through a link namespace that delays (10 ms ± 5 ms), loses (2 %) and reorders (10 %)
 * packets — `tc netem` where the kernel has it, else a TUN relay doing the same to each packet
 * (see `support/netns/netns-lab.ts`). Checked:
 *
 * - a TCP transfer (1 MiB) and an ISO transport (TP2 over TCP, RFC 1006 / RFC 2126) transfer of
 *   messages bigger than a TPDU arrive whole and in order, byte for byte;
 * - the ISO disconnect data (64 octets, X.224's most) arrives, and the release is indicated
 *   exactly once (one FD_CLOSE);
 * - a link cut under a sending TCP connection (every packet lost) is reported to the sender as
 *   WSAECONNABORTED, within a bound: what Windows reports when TCP gives up retransmitting on an
 *   established connection (MSDN, WSAECONNABORTED: "an established connection was aborted by the
 *   software in your host computer, possibly due to a data transmission time-out"; Microsoft's
 *   TcpMaxDataRetransmissions, 5 by default, is the count it gives up after). The bound is the client
 *   host's TCP: its namespace gives up after 3 retransmissions (`net.ipv4.tcp_retries2`).
 *
 * Needs root and iproute2 (CI runs as root and installs iproute2); elsewhere it is skipped with
 * the capability it lacks — unless `WS2SPI_REQUIRE_NETNS=1` (set in `.ci/run`), where it fails.
 * Namespace names are unique per run and always deleted, also when a test fails.
 */
import { type ChildProcess, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WSAECONNABORTED } from '@ws2spi/spi';
import { type LinkImpairment, NetnsLab, netnsCapability } from './support/netns/netns-lab';

const ROOT = path.resolve(__dirname, '../../..');
const PEER = path.join(__dirname, 'support', 'netns', 'netns-peer.js');
const REQUIRE_VARIABLE = 'WS2SPI_REQUIRE_NETNS';

const IMPAIRED: LinkImpairment = { delayMs: 10, jitterMs: 5, loss: 0.02, reorder: 0.1 };
const TCP_BYTES = 1024 * 1024;
const OSI_BYTES = 384 * 1024;
/** Bigger than the provider's 8192-octet TPDUs: each message crosses as several DTs. */
const OSI_MESSAGE = 20_000;
/** X.224's largest disconnect data. */
const DISCONNECT_DATA = Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 7 + 3) & 0xff)).toString('hex');
/** The longest the cut may go unreported: 3 retransmissions at a 200 ms minimum RTO, with room for a loaded machine. */
const CUT_BOUND_MS = 20_000;

function gate(): { run: true; mode: 'netem' | 'tun-relay' } | { run: false; reason: string } {
  const built = ['spi', 'providers-tcp', 'providers-osi'].every((p) =>
    existsSync(path.join(ROOT, 'packages', p, 'dist', 'index.js')),
  );
  if (!built) return { run: false, reason: 'the compiled packages (pnpm build)' };
  const capability = netnsCapability();
  return 'missing' in capability
    ? { run: false, reason: capability.missing }
    : { run: true, mode: capability.mode };
}

/** The JSON lines of a peer, one event at a time. */
class Peer {
  private readonly lines: AsyncIterator<string>;
  private stderr = '';

  constructor(readonly child: ChildProcess) {
    this.lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    child.stderr!.on('data', (d: Buffer) => {
      this.stderr += d.toString();
    });
  }

  /** The next event of this name, within `ms`. */
  async next(name: string, ms: number): Promise<Record<string, unknown>> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no '${name}' within ${ms} ms; stderr: ${this.stderr}`)), ms);
    });
    try {
      for (;;) {
        const next = await Promise.race([this.lines.next(), timeout]);
        if (next.done) throw new Error(`the peer ended before '${name}'; stderr: ${this.stderr}`);
        const event = JSON.parse(next.value) as Record<string, unknown>;
        if (event.event === 'error') throw new Error(`the peer failed: ${String(event.message)}`);
        if (event.event === name) return event;
      }
    } finally {
      clearTimeout(timer);
    }
  }
}

function patternSha256(bytes: number): string {
  const data = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) data[i] = (i * 131 + (i >>> 9)) & 0xff;
  return createHash('sha256').update(data).digest('hex');
}

const g = gate();
const required = process.env[REQUIRE_VARIABLE] === '1';

function describeTwoHosts(title: string, body: (mode: 'netem' | 'tun-relay') => void): void {
  if (g.run) {
    describe(title, () => body(g.mode));
  } else if (required) {
    describe(title, () => {
      it(`needs ${g.reason} (${REQUIRE_VARIABLE}=1)`, () => {
        throw new Error(`${REQUIRE_VARIABLE}=1 and this machine lacks ${g.reason}`);
      });
    });
  } else {
    describe.skip(`${title} (skipped: needs ${g.reason})`, () => body('netem'));
  }
}

describeTwoHosts('two hosts in network namespaces, over a link that delays, loses and reorders', (mode) => {
  let lab: NetnsLab;
  let port = 7000;

  beforeAll(async () => {
    lab = await NetnsLab.create(mode);
    await lab.impair(IMPAIRED);
  }, 30_000);

  afterAll(() => {
    lab?.destroy();
    // Nothing of the run is left behind.
    const left = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
    expect(left).not.toContain(lab.client.ns);
    expect(left).not.toContain(lab.server.ns);
  });

  function peer(ns: string, config: Record<string, unknown>): Peer {
    return new Peer(lab.spawnIn(ns, process.execPath, [PEER, JSON.stringify({ root: ROOT, ...config })]));
  }

  async function transfer(protocol: 'tcp' | 'osi', bytes: number) {
    port++;
    const common = { protocol, address: lab.server.address, port };
    const server = peer(lab.server.ns, { role: 'server', ...common });
    await server.next('listening', 10_000);
    const client = peer(lab.client.ns, {
      role: 'client',
      ...common,
      bytes,
      messageSize: OSI_MESSAGE,
      disconnectData: DISCONNECT_DATA,
    });
    const received = await server.next('result', 45_000);
    client.child.stdin!.write('done\n');
    const sent = await client.next('result', 10_000);
    return { received, sent };
  }

  it('a TCP transfer arrives whole and in order', async () => {
    const { received, sent } = await transfer('tcp', TCP_BYTES);
    expect(received.errors).toEqual([]);
    expect(received.bytes).toBe(TCP_BYTES);
    expect(received.sha256).toBe(patternSha256(TCP_BYTES));
    expect(sent.sha256).toBe(received.sha256);
    // The impairment really happened to these packets.
    const stats = await lab.stats();
    if (stats) {
      expect(stats.dropped).toBeGreaterThan(0);
      expect(stats.reordered).toBeGreaterThan(0);
    }
  }, 60_000);

  it('an ISO transport transfer arrives whole, message by message; the disconnect data once, with one FD_CLOSE', async () => {
    const { received, sent } = await transfer('osi', OSI_BYTES);
    expect(received.errors).toEqual([]);
    expect(received.bytes).toBe(OSI_BYTES);
    expect(received.messages).toBe(Math.ceil(OSI_BYTES / OSI_MESSAGE));
    expect(received.sha256).toBe(patternSha256(OSI_BYTES));
    expect(sent.sha256).toBe(received.sha256);
    expect(received.disconnectData).toBe(DISCONNECT_DATA);
    expect(received.fdCloseCount).toBe(1);
  }, 60_000);

  it('a cut link under a sending TCP connection is reported to the sender as WSAECONNABORTED, within a bound', async () => {
    port++;
    // The client host gives up after 3 retransmissions (Windows: TcpMaxDataRetransmissions).
    lab.sysctl(lab.client.ns, { 'net/ipv4/tcp_retries2': 3 });
    const common = { protocol: 'tcp', address: lab.server.address, port };
    const server = peer(lab.server.ns, { role: 'server', ...common });
    await server.next('listening', 10_000);
    const client = peer(lab.client.ns, { role: 'flood', ...common });
    await client.next('sending', 10_000);
    await lab.impair({ delayMs: 0, jitterMs: 0, loss: 1, reorder: 0 });
    const cut = Date.now();
    const failed = await client.next('failed', CUT_BOUND_MS + 5_000);
    const elapsed = Date.now() - cut;
    expect(failed.error).toBe(WSAECONNABORTED);
    expect(elapsed).toBeLessThan(CUT_BOUND_MS);
    await lab.impair(IMPAIRED);
  }, 60_000);
});

/**
 * Two hosts on one machine, for tests of what crosses a real network: a client namespace and a
 * server namespace, each joined by a veth pair to a link namespace that forwards between them and
 * impairs the link — delay, jitter, loss, reordering — with `tc netem` where the kernel has it,
 * and otherwise with a TUN device in the link namespace and a small relay that does the same to
 * every packet (`impair-relay.py`; some kernels, CI's among them, have no qdiscs at all).
 *
 *     client ns  [wNNNNa 10.77.1.1] ══veth══ [wNNNNra 10.77.1.254]  link ns  [wNNNNrb 10.77.2.254] ══veth══ [wNNNNb 10.77.2.1]  server ns
 *
 * Names are unique per run (pid and random bits). Everything made is removed by `destroy()`, which
 * is idempotent, and — should a test die before it — by a process `exit` hook. Every command is
 * bounded in time.
 * @module
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';

/** What the link does to every packet, each direction. */
export interface LinkImpairment {
  delayMs: number;
  jitterMs: number;
  /** Probability a packet is lost, 0 … 1. */
  loss: number;
  /** Probability a packet skips the delay, overtaking those before it, 0 … 1. */
  reorder: number;
}

const COMMAND_TIMEOUT_MS = 10_000;
const RELAY = path.join(__dirname, 'impair-relay.py');

/** Namespaces not yet deleted, for the exit hook. */
const live = new Set<string>();
let exitHookInstalled = false;

function run(args: string[], input?: string): string {
  return execFileSync(args[0]!, args.slice(1), {
    encoding: 'utf8',
    timeout: COMMAND_TIMEOUT_MS,
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(input !== undefined ? { input } : {}),
  });
}

function succeeds(args: string[]): boolean {
  const r = spawnSync(args[0]!, args.slice(1), { timeout: COMMAND_TIMEOUT_MS, stdio: 'ignore' });
  return r.status === 0;
}

function deleteNamespace(ns: string): void {
  spawnSync('ip', ['netns', 'del', ns], { timeout: COMMAND_TIMEOUT_MS, stdio: 'ignore' });
  live.delete(ns);
}

/** Whether the kernel has `netem`, tried on a dummy device in a namespace of its own. */
function kernelHasNetem(probe: string): boolean {
  if (!succeeds(['ip', '-n', probe, 'link', 'add', 'd0', 'type', 'dummy'])) return false;
  return succeeds([
    'ip',
    'netns',
    'exec',
    probe,
    'tc',
    'qdisc',
    'add',
    'dev',
    'd0',
    'root',
    'netem',
    'delay',
    '1ms',
  ]);
}

/** How the link is impaired: the kernel's netem, or the TUN relay. */
export type ImpairmentMode = 'netem' | 'tun-relay';

/**
 * What this machine lacks for the two-host test, or undefined when it has everything: root
 * (network namespaces need CAP_SYS_ADMIN and CAP_NET_ADMIN), iproute2, and an impairment — netem,
 * or a TUN device and python3 for the relay.
 */
export function netnsCapability(): { missing: string } | { mode: ImpairmentMode } {
  if (process.platform !== 'linux') return { missing: 'network namespaces (Linux only)' };
  if (process.getuid?.() !== 0)
    return { missing: 'root (CAP_SYS_ADMIN and CAP_NET_ADMIN to make network namespaces)' };
  if (!succeeds(['ip', '-V'])) return { missing: 'iproute2 (the ip command)' };
  const probe = `ws2spi-probe-${process.pid}-${randomBytes(3).toString('hex')}`;
  if (!succeeds(['ip', 'netns', 'add', probe])) return { missing: 'ip netns add (network namespaces)' };
  try {
    if (!succeeds(['ip', '-n', probe, 'link', 'add', 'p0', 'type', 'veth', 'peer', 'name', 'p1'])) {
      return { missing: 'veth devices' };
    }
    if (kernelHasNetem(probe)) return { mode: 'netem' };
    if (!existsSync('/dev/net/tun'))
      return { missing: 'tc netem (kernel qdiscs) or a TUN device (/dev/net/tun)' };
    if (!succeeds(['python3', '-c', 'import fcntl']))
      return { missing: 'tc netem (kernel qdiscs) or python3 for the TUN relay' };
    return { mode: 'tun-relay' };
  } finally {
    deleteNamespace(probe);
  }
}

/** A host of the lab. */
export interface LabHost {
  readonly ns: string;
  readonly address: string;
}

/** Two hosts and an impaired link between them. */
export class NetnsLab {
  private readonly children = new Set<ChildProcess>();
  private relay: ChildProcess | undefined;
  private relayLines: AsyncIterator<string> | undefined;
  private destroyed = false;

  private constructor(
    readonly mode: ImpairmentMode,
    readonly client: LabHost,
    readonly server: LabHost,
    private readonly link: string,
    private readonly devices: { linkToClient: string; linkToServer: string },
  ) {}

  /** Makes the namespaces, the veth pairs, the addresses and the routes; the link starts unimpaired. */
  static async create(mode: ImpairmentMode): Promise<NetnsLab> {
    const tag = `${process.pid.toString(36)}${randomBytes(2).toString('hex')}`.slice(-6);
    const base = `ws2spi-${process.pid}-${randomBytes(3).toString('hex')}`;
    const names = { client: `${base}-client`, link: `${base}-link`, server: `${base}-server` };
    const dev = { a: `w${tag}a`, ra: `w${tag}ra`, b: `w${tag}b`, rb: `w${tag}rb` };
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.once('exit', () => {
        for (const ns of [...live]) deleteNamespace(ns);
      });
    }
    const lab = new NetnsLab(
      mode,
      { ns: names.client, address: '10.77.1.1' },
      { ns: names.server, address: '10.77.2.1' },
      names.link,
      { linkToClient: dev.ra, linkToServer: dev.rb },
    );
    try {
      for (const ns of Object.values(names)) {
        run(['ip', 'netns', 'add', ns]);
        live.add(ns);
        run(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
      }
      run([
        'ip',
        '-n',
        names.client,
        'link',
        'add',
        dev.a,
        'type',
        'veth',
        'peer',
        'name',
        dev.ra,
        'netns',
        names.link,
      ]);
      run([
        'ip',
        '-n',
        names.server,
        'link',
        'add',
        dev.b,
        'type',
        'veth',
        'peer',
        'name',
        dev.rb,
        'netns',
        names.link,
      ]);
      const up = (ns: string, device: string, address: string): void => {
        run(['ip', '-n', ns, 'addr', 'add', address, 'dev', device]);
        run(['ip', '-n', ns, 'link', 'set', device, 'up']);
      };
      up(names.client, dev.a, '10.77.1.1/24');
      up(names.link, dev.ra, '10.77.1.254/24');
      up(names.link, dev.rb, '10.77.2.254/24');
      up(names.server, dev.b, '10.77.2.1/24');
      run(['ip', '-n', names.client, 'route', 'add', 'default', 'via', '10.77.1.254']);
      run(['ip', '-n', names.server, 'route', 'add', 'default', 'via', '10.77.2.254']);
      lab.sysctl(names.link, {
        'net/ipv4/ip_forward': 1,
        'net/ipv4/conf/all/rp_filter': 0,
        'net/ipv4/conf/default/rp_filter': 0,
        'net/ipv4/conf/all/send_redirects': 0,
      });
      if (mode === 'tun-relay') await lab.startRelay();
    } catch (error) {
      lab.destroy();
      throw error;
    }
    return lab;
  }

  /** Writes sysctls of a namespace (`/proc/sys` is per network namespace for these). */
  sysctl(ns: string, values: Record<string, number>): void {
    const script = Object.entries(values)
      .map(([key, value]) => `echo ${value} > /proc/sys/${key}`)
      .join(' && ');
    run(['ip', 'netns', 'exec', ns, 'sh', '-c', script]);
  }

  /**
   * The relay in the link namespace: a TUN device every forwarded packet is routed through (policy
   * routing by the interface it came in on), so the relay sees, delays, drops and reorders each.
   */
  private async startRelay(): Promise<void> {
    const tun = `w${this.devices.linkToClient.slice(1, -2)}t`;
    const relay = this.spawnIn(this.link, 'python3', [RELAY, tun]);
    this.relay = relay;
    this.relayLines = createInterface({ input: relay.stdout! })[Symbol.asyncIterator]();
    const ready = await this.nextRelayLine();
    if (ready !== 'ready') throw new Error(`the impairment relay did not start: ${ready}`);
    const ns = this.link;
    run(['ip', '-n', ns, 'link', 'set', tun, 'up']);
    this.sysctl(ns, { [`net/ipv4/conf/${tun}/rp_filter`]: 0 });
    for (const device of [this.devices.linkToClient, this.devices.linkToServer]) {
      run(['ip', '-n', ns, 'rule', 'add', 'iif', device, 'lookup', '100', 'pref', '100']);
    }
    run(['ip', '-n', ns, 'route', 'add', 'default', 'dev', tun, 'table', '100']);
  }

  private async nextRelayLine(): Promise<string> {
    const lines = this.relayLines;
    if (!lines) throw new Error('no relay');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<IteratorResult<string>>((_, reject) => {
      timer = setTimeout(() => reject(new Error('the impairment relay did not answer within 10 s')), 10_000);
    });
    try {
      const next = await Promise.race([lines.next(), timeout]);
      if (next.done) throw new Error('the impairment relay ended');
      return next.value;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sets the link's impairment, both directions. */
  async impair(impairment: LinkImpairment): Promise<void> {
    if (this.mode === 'netem') {
      for (const device of [this.devices.linkToClient, this.devices.linkToServer]) {
        const args = ['tc', 'qdisc', 'replace', 'dev', device, 'root', 'netem'];
        if (impairment.delayMs > 0) {
          args.push('delay', `${impairment.delayMs}ms`, `${impairment.jitterMs}ms`);
          if (impairment.reorder > 0) args.push('reorder', `${impairment.reorder * 100}%`);
        }
        args.push('loss', `${impairment.loss * 100}%`);
        run(['ip', 'netns', 'exec', this.link, ...args]);
      }
      return;
    }
    this.relay?.stdin?.write(`${JSON.stringify({ ...impairment, seed: 12 })}\n`);
  }

  /** What the link did so far (packets dropped, sent ahead of others), where the impairment counts it. */
  async stats(): Promise<{ dropped: number; reordered: number; forwarded: number } | undefined> {
    if (this.mode !== 'tun-relay') return undefined;
    this.relay?.stdin?.write(`${JSON.stringify({ stats: true })}\n`);
    return JSON.parse(await this.nextRelayLine());
  }

  /** Starts a process in a namespace (`ip netns exec`), ended by `destroy()` if still running. */
  spawnIn(ns: string, command: string, args: string[]): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', ns, command, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    return child;
  }

  /** Ends every process started here and deletes the namespaces (and with them the veths). */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const child of this.children) child.kill('SIGKILL');
    this.children.clear();
    for (const ns of [this.client.ns, this.link, this.server.ns]) deleteNamespace(ns);
  }
}

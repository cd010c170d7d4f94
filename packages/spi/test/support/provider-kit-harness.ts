/**
 * FOR PROVIDER-KIT UNIT TESTS ONLY: drives a kit-built provider through its WSP table directly
 * (no dispatcher), with `fake-upcalls.ts` as each simulated process's upcall table, and sets up two
 * in-memory providers on two `SimNetwork` hosts. Every helper returns the Winsock error code (0 on
 * success) next to any value, so tests can assert exact codes.
 */

import {
  AF_INET,
  AF_INET6,
  emptyNetworkEvents,
  emptyWspData,
  INVALID_SOCKET,
  type LPCONDITIONPROC,
  type LPWSPSTARTUP,
  MAKEWORD,
  out,
  SOCK_DGRAM,
  SOCK_SEQPACKET,
  SOCK_STREAM,
  type SOCKADDR,
  SOCKET_ERROR,
  type SockOptValue,
  sockaddrIn,
  sockaddrIn6,
  type TIMEVAL,
  type WSANETWORKEVENTS,
  type WSAPROTOCOL_INFOW,
  type WSPPROC_TABLE,
  wsabuf,
} from '@ws2spi/spi';
import {
  createInMemoryProvider,
  type InMemoryProtocolOptions,
  type InMemoryProviderOptions,
  inMemoryProtocolInfos,
  SimNetwork,
} from '@ws2spi/spi/testing';
import { createFakeUpcalls, type FakeEvent, type FakeUpcalls } from './fake-upcalls';

/** One simulated process using one provider. */
export class KitProcess {
  constructor(
    readonly table: WSPPROC_TABLE,
    readonly upcalls: FakeUpcalls,
    readonly infos: WSAPROTOCOL_INFOW[],
  ) {}

  /** Starts `startup` for a new process (a fresh fake upcall table). */
  static start(startup: LPWSPSTARTUP, infos: WSAPROTOCOL_INFOW[]): KitProcess {
    const upcalls = createFakeUpcalls();
    const table = {} as WSPPROC_TABLE;
    const rc = startup(MAKEWORD(2, 2), emptyWspData(), infos[0]!, upcalls.table, table);
    if (rc !== 0) throw new Error(`WSPStartup failed: ${rc}`);
    return new KitProcess(table, upcalls, infos);
  }

  info(flavour: 'stream' | 'message' | 'datagram' = 'stream', family: 4 | 6 = 4): WSAPROTOCOL_INFOW {
    const type = flavour === 'stream' ? SOCK_STREAM : flavour === 'message' ? SOCK_SEQPACKET : SOCK_DGRAM;
    const af = family === 4 ? AF_INET : AF_INET6;
    const found = this.infos.find((i) => i.iSocketType === type && i.iAddressFamily === af);
    if (!found) throw new Error(`no ${flavour} IPv${family} entry`);
    return found;
  }

  socket(flavour: 'stream' | 'message' | 'datagram' = 'stream', family: 4 | 6 = 4): number {
    const info = this.info(flavour, family);
    const err = out(0);
    const s = this.table.lpWSPSocket(info.iAddressFamily, info.iSocketType, info.iProtocol, info, 0, 0, err);
    if (s === INVALID_SOCKET) throw new Error(`WSPSocket failed: ${err.value}`);
    return s;
  }

  async bind(s: number, addr: SOCKADDR | null, namelen = 16): Promise<number> {
    const err = out(0);
    return (await this.table.lpWSPBind(s, addr, namelen, err)) === 0 ? 0 : err.value;
  }

  async listen(s: number, backlog = 5): Promise<number> {
    const err = out(0);
    return (await this.table.lpWSPListen(s, backlog, err)) === 0 ? 0 : err.value;
  }

  async connect(
    s: number,
    addr: SOCKADDR | null,
    callerData: Uint8Array | null = null,
    callee: { len: number; buf: Uint8Array } | null = null,
    namelen = 16,
  ): Promise<number> {
    const err = out(0);
    const rc = await this.table.lpWSPConnect(
      s,
      addr,
      namelen,
      callerData ? wsabuf(callerData) : null,
      callee,
      null,
      null,
      err,
    );
    return rc === 0 ? 0 : err.value;
  }

  async accept(
    s: number,
    condition: LPCONDITIONPROC | null = null,
  ): Promise<{ err: number; s: number; addr: SOCKADDR | null }> {
    const err = out(0);
    const addr = out<SOCKADDR | null>(null);
    const addrlen = out(28);
    const child = await this.table.lpWSPAccept(s, addr, addrlen, condition, 'cb', err);
    return child === INVALID_SOCKET
      ? { err: err.value, s: child, addr: null }
      : { err: 0, s: child, addr: addr.value };
  }

  async send(s: number, bytes: Uint8Array | string, flags = 0): Promise<{ err: number; n: number }> {
    const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
    const err = out(0);
    const n = out(0);
    const rc = await this.table.lpWSPSend(s, [wsabuf(data)], 1, n, flags, null, null, null, err);
    return { err: rc === 0 ? 0 : err.value, n: n.value };
  }

  async sendTo(
    s: number,
    bytes: Uint8Array | string,
    to: SOCKADDR | null,
    tolen = 16,
  ): Promise<{ err: number; n: number }> {
    const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
    const err = out(0);
    const n = out(0);
    const rc = await this.table.lpWSPSendTo(s, [wsabuf(data)], 1, n, 0, to, tolen, null, null, null, err);
    return { err: rc === 0 ? 0 : err.value, n: n.value };
  }

  async recv(
    s: number,
    size = 1024,
    flags = 0,
  ): Promise<{ err: number; n: number; text: string; data: Uint8Array; flags: number }> {
    const buf = wsabuf(size);
    const err = out(0);
    const n = out(0);
    const f = out(flags);
    const rc = await this.table.lpWSPRecv(s, [buf], 1, n, f, null, null, null, err);
    const data = buf.buf.slice(0, n.value);
    return {
      err: rc === 0 ? 0 : err.value,
      n: n.value,
      data,
      text: new TextDecoder().decode(data),
      flags: f.value,
    };
  }

  async recvFrom(
    s: number,
    size = 1024,
  ): Promise<{ err: number; n: number; text: string; from: SOCKADDR | null }> {
    const buf = wsabuf(size);
    const err = out(0);
    const n = out(0);
    const from = out<SOCKADDR | null>(null);
    const rc = await this.table.lpWSPRecvFrom(s, [buf], 1, n, out(0), from, out(28), null, null, null, err);
    return {
      err: rc === 0 ? 0 : err.value,
      n: n.value,
      text: new TextDecoder().decode(buf.buf.slice(0, n.value)),
      from: from.value,
    };
  }

  shutdown(s: number, how: number): number {
    const err = out(0);
    return this.table.lpWSPShutdown(s, how, err) === 0 ? 0 : err.value;
  }

  sendDisconnect(s: number, data: Uint8Array | string | null): number {
    const err = out(0);
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    return this.table.lpWSPSendDisconnect(s, bytes ? wsabuf(bytes) : null, err) === 0 ? 0 : err.value;
  }

  recvDisconnect(s: number, capacity: number | null): { err: number; text: string; len: number } {
    const err = out(0);
    const buf = capacity === null ? null : wsabuf(capacity);
    const rc = this.table.lpWSPRecvDisconnect(s, buf, err);
    const len = buf?.len ?? 0;
    return {
      err: rc === 0 ? 0 : err.value,
      len,
      text: buf ? new TextDecoder().decode(buf.buf.slice(0, len)) : '',
    };
  }

  close(s: number): number {
    const err = out(0);
    return this.table.lpWSPCloseSocket(s, err) === 0 ? 0 : err.value;
  }

  sockName(s: number, namelen = 28): { err: number; addr: SOCKADDR | null } {
    const err = out(0);
    const addr = out<SOCKADDR | null>(null);
    const rc = this.table.lpWSPGetSockName(s, addr, out(namelen), err);
    return { err: rc === 0 ? 0 : err.value, addr: addr.value };
  }

  peerName(s: number, namelen = 28): { err: number; addr: SOCKADDR | null } {
    const err = out(0);
    const addr = out<SOCKADDR | null>(null);
    const rc = this.table.lpWSPGetPeerName(s, addr, out(namelen), err);
    return { err: rc === 0 ? 0 : err.value, addr: addr.value };
  }

  getOpt(
    s: number,
    level: number,
    name: number,
    optlen = 4,
  ): { err: number; value: SockOptValue | null; len: number } {
    const err = out(0);
    const value = out<SockOptValue | null>(null);
    const len = out(optlen);
    const rc = this.table.lpWSPGetSockOpt(s, level, name, value, len, err);
    return { err: rc === 0 ? 0 : err.value, value: value.value, len: len.value };
  }

  setOpt(s: number, level: number, name: number, value: SockOptValue | null, optlen = 4): number {
    const err = out(0);
    return this.table.lpWSPSetSockOpt(s, level, name, value, optlen, err) === 0 ? 0 : err.value;
  }

  ioctl(s: number, code: number, input: unknown = 0): { err: number; value: unknown } {
    const err = out(0);
    const value = out<unknown>(undefined);
    const rc = this.table.lpWSPIoctl(s, code, input, 4, value, 4, out(0), null, null, null, err);
    return { err: rc === 0 ? 0 : err.value, value: value.value };
  }

  eventSelect(s: number, event: FakeEvent | null, mask: number): number {
    const err = out(0);
    return this.table.lpWSPEventSelect(s, event, mask, err) === 0 ? 0 : err.value;
  }

  enumEvents(s: number, event: FakeEvent | null = null): { err: number; events: WSANETWORKEVENTS } {
    const err = out(0);
    const events = emptyNetworkEvents();
    const rc = this.table.lpWSPEnumNetworkEvents(s, event, events, err);
    return { err: rc === 0 ? 0 : err.value, events };
  }

  async select(
    read: number[] | null,
    write: number[] | null,
    except: number[] | null,
    timeout: TIMEVAL | null,
  ): Promise<{ err: number; n: number; read: number[]; write: number[]; except: number[] }> {
    const err = out(0);
    const r = read ? { fd_array: [...read] } : null;
    const w = write ? { fd_array: [...write] } : null;
    const e = except ? { fd_array: [...except] } : null;
    const n = await this.table.lpWSPSelect(0, r, w, e, timeout, err);
    return {
      err: n === SOCKET_ERROR ? err.value : 0,
      n,
      read: r?.fd_array ?? [],
      write: w?.fd_array ?? [],
      except: e?.fd_array ?? [],
    };
  }

  cleanup(): number {
    const err = out(0);
    return this.table.lpWSPCleanup(err) === 0 ? 0 : err.value;
  }
}

/** Catalog IDs assigned to the entries, as `WSCInstallProvider` would (from 1001). */
export function withCatalogIds(infos: WSAPROTOCOL_INFOW[], first = 1001): WSAPROTOCOL_INFOW[] {
  return infos.map((info, i) => ({
    ...info,
    dwCatalogEntryId: first + i,
    ProtocolChain: { ChainLen: 1, ChainEntries: [first + i, 0, 0, 0, 0, 0, 0] },
  }));
}

/** Addresses of the two simulated hosts. */
export const SERVER_V4 = '10.0.0.2';
export const CLIENT_V4 = '10.0.0.1';
export const SERVER_V6 = 'fd00::2';

/** Two processes on two SimNetwork hosts, each with its own in-memory provider. */
export interface KitWorld {
  net: SimNetwork;
  server: KitProcess;
  client: KitProcess;
  infos: WSAPROTOCOL_INFOW[];
  /** Stop both providers (WSPCleanup) and the network; waits for the network to go idle first. */
  dispose(): Promise<void>;
}

/** Sets up a `KitWorld`. */
export function kitWorld(
  protocol: InMemoryProtocolOptions = {},
  provider: Partial<Omit<InMemoryProviderOptions, 'network' | 'host'>> = {},
): KitWorld {
  const net = new SimNetwork({ timing: 'virtual' });
  net.addHost('server', { ipv4: [SERVER_V4], ipv6: [SERVER_V6] });
  net.addHost('client', { ipv4: [CLIENT_V4], ipv6: ['fd00::1'] });
  const infos = withCatalogIds(
    inMemoryProtocolInfos({ flavours: ['stream', 'message', 'datagram'], ...protocol }),
  );
  const handles = protocol.handles ?? 'ifs';
  const server = KitProcess.start(
    createInMemoryProvider({ network: net, host: 'server', handles, ...provider }).WSPStartup,
    infos,
  );
  const client = KitProcess.start(
    createInMemoryProvider({ network: net, host: 'client', handles, ...provider }).WSPStartup,
    infos,
  );
  let disposed = false;
  return {
    net,
    server,
    client,
    infos,
    async dispose() {
      if (disposed) return;
      disposed = true;
      server.cleanup();
      client.cleanup();
      await net.idle();
      net.close();
    },
  };
}

/** A listening server socket on the server host and a connected pair. */
export async function connectedPair(
  world: KitWorld,
  flavour: 'stream' | 'message' = 'stream',
  port = 5000,
  family: 4 | 6 = 4,
): Promise<{ listener: number; client: number; server: number }> {
  const addr = family === 4 ? sockaddrIn(SERVER_V4, port) : sockaddrIn6(SERVER_V6, port);
  const any = family === 4 ? sockaddrIn('0.0.0.0', port) : sockaddrIn6('::', port);
  const namelen = family === 4 ? 16 : 28;
  const listener = world.server.socket(flavour, family);
  expect(await world.server.bind(listener, any, namelen)).toBe(0);
  expect(await world.server.listen(listener)).toBe(0);
  const client = world.client.socket(flavour, family);
  const [connected, accepted] = await Promise.all([
    world.client.connect(client, addr, null, null, namelen),
    world.server.accept(listener),
  ]);
  expect(connected).toBe(0);
  expect(accepted.err).toBe(0);
  return { listener, client, server: accepted.s };
}

/** Text as bytes. */
export function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

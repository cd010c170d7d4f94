import { describe, expect, it } from '@jest/globals';
import {
  type ConnectRequest,
  defineBaseProvider,
  FD_CLOSE,
  FD_CLOSE_BIT,
  ipAddressCodec,
  ipSockaddr,
  type LinkHandlers,
  type StreamTransportDriver,
  sockaddrIn,
  type TransportLink,
  WSAECONNABORTED,
  WSAECONNRESET,
  WSAEDISCON,
  WSAENETDOWN,
} from '@ws2spi/spi';
import { inMemoryProtocolInfos } from '@ws2spi/spi/testing';
import { FakeEvent } from './support/fake-upcalls';
import { KitProcess, withCatalogIds } from './support/provider-kit-harness';

/** A link the test drives by hand: it records what the kit asked and lets the test fire events. */
class ScriptedLink implements TransportLink {
  readonly local = ipSockaddr('10.0.0.1', 40000, 4);
  readonly remote = ipSockaddr('10.0.0.2', 80, 4);
  handlers: LinkHandlers | null = null;
  sent: string[] = [];
  closedWith: string | null | undefined;
  resets = 0;
  setHandlers(h: LinkHandlers): void {
    this.handlers = h;
  }
  send(data: Uint8Array): boolean {
    this.sent.push(new TextDecoder().decode(data));
    return true;
  }
  close(data: Uint8Array | null): void {
    this.closedWith = data ? new TextDecoder().decode(data) : null;
  }
  reset(): void {
    this.resets++;
  }
  pause(): void {}
  resume(): void {}
  /** Fires an event on a later turn, as drivers must. */
  async fire(event: (h: LinkHandlers) => void): Promise<void> {
    await new Promise((r) => setImmediate(r));
    event(this.handlers!);
    await new Promise((r) => setImmediate(r));
  }
}

function scriptedProcess(link: ScriptedLink, extra: Partial<StreamTransportDriver> = {}) {
  const driver: StreamTransportDriver = {
    ...ipAddressCodec(4),
    kind: 'stream',
    resetOnDataAfterReceiveShutdown: false,
    supportsExpedited: false,
    bind: async () => ({ local: ipSockaddr('10.0.0.1', 40000, 4), release: () => {} }),
    connect: async (_request: ConnectRequest) => ({ link, calleeData: null }),
    listen: async () => {
      throw new Error('not used');
    },
    ...extra,
  };
  const infos = withCatalogIds(inMemoryProtocolInfos({ families: [4], flavours: ['stream', 'message'] }));
  return KitProcess.start(
    defineBaseProvider({ description: 'scripted', handles: 'ifs', createDriver: () => driver }).WSPStartup,
    infos,
  );
}

describe('provider kit over a scripted driver', () => {
  it('a peer close that ends the whole link (no half-close), message-oriented: every later send fails WSAEDISCON (MSDN WSASend)', async () => {
    const link = new ScriptedLink();
    const p = scriptedProcess(link);
    const s = p.socket('message');
    expect(await p.connect(s, sockaddrIn('10.0.0.2', 80))).toBe(0);
    await link.fire((h) => {
      h.onData(new TextEncoder().encode('last'), true);
      h.onPeerClose(null);
      h.onClosed();
    });
    expect((await p.recv(s)).text).toBe('last');
    expect((await p.recv(s)).err).toBe(WSAEDISCON);
    expect((await p.send(s, 'late')).err).toBe(WSAEDISCON);
    expect((await p.send(s, 'again')).err).toBe(WSAEDISCON);
    expect((await p.recv(s)).err).toBe(WSAEDISCON);
    expect(link.sent).toEqual([]);
    p.cleanup();
  });

  it('a peer close that ends the whole link, stream: the next send succeeds once, then WSAECONNABORTED', async () => {
    const link = new ScriptedLink();
    const p = scriptedProcess(link);
    const s = p.socket();
    expect(await p.connect(s, sockaddrIn('10.0.0.2', 80))).toBe(0);
    await link.fire((h) => {
      h.onPeerClose(null);
      h.onClosed();
    });
    expect((await p.recv(s)).n).toBe(0);
    expect(await p.send(s, 'late')).toEqual({ err: 0, n: 4 });
    expect(link.sent).toEqual([]);
    expect((await p.recv(s)).err).toBe(WSAECONNABORTED);
    expect((await p.send(s, 'x')).err).toBe(WSAECONNABORTED);
    p.cleanup();
  });

  it('a link that closes before any close or reset is reported as an abort; FD_CLOSE carries WSAECONNABORTED', async () => {
    const link = new ScriptedLink();
    const p = scriptedProcess(link);
    const s = p.socket();
    const ev = new FakeEvent();
    expect(await p.connect(s, sockaddrIn('10.0.0.2', 80))).toBe(0);
    p.eventSelect(s, ev, FD_CLOSE);
    await link.fire((h) => h.onClosed());
    const events = p.enumEvents(s, ev).events;
    expect(events.iErrorCode[FD_CLOSE_BIT]).toBe(WSAECONNABORTED);
    expect((await p.recv(s)).err).toBe(WSAECONNABORTED);
    p.cleanup();
  });

  it('a peer reset is WSAECONNRESET; the kit never asks a reset link for anything more', async () => {
    const link = new ScriptedLink();
    const p = scriptedProcess(link);
    const s = p.socket();
    expect(await p.connect(s, sockaddrIn('10.0.0.2', 80))).toBe(0);
    await link.fire((h) => h.onReset(WSAECONNRESET));
    expect((await p.send(s, 'x')).err).toBe(WSAECONNRESET);
    expect(p.close(s)).toBe(0);
    expect(link.closedWith).toBeUndefined();
    expect(link.resets).toBe(0);
    p.cleanup();
  });

  it('graceful close hands the link its disconnect data only through WSPSendDisconnect; closesocket sends a plain close', async () => {
    const link = new ScriptedLink();
    const p = scriptedProcess(link);
    const s = p.socket();
    expect(await p.connect(s, sockaddrIn('10.0.0.2', 80))).toBe(0);
    await p.send(s, 'data');
    expect(p.close(s)).toBe(0);
    expect(link.sent).toEqual(['data']);
    expect(link.closedWith).toBeNull();
    p.cleanup();
  });

  it('a driver whose setHandlers throws fails the connect with WSAENETDOWN and is reset', async () => {
    const link = new ScriptedLink();
    link.setHandlers = () => {
      throw new Error('driver bug');
    };
    const p = scriptedProcess(link);
    const s = p.socket();
    expect(await p.connect(s, sockaddrIn('10.0.0.2', 80))).toBe(WSAENETDOWN);
    expect(link.resets).toBe(1);
    p.cleanup();
  });
});

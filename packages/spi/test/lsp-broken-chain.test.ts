/**
 * A chain that cannot be walked or started fails the way Windows does: the layer's `WSPStartup`
 * returns an error and the application's `socket()` gets `WSAEPROVIDERFAILEDINIT` (§4.7), while
 * the rest of the process keeps working.
 */
import { afterEach, beforeAll, describe, it } from '@jest/globals';
import {
  AF_INET,
  defineLayeredProvider,
  definePassThroughLayer,
  emptyWsaData,
  INVALID_SOCKET,
  type LayeredProvider,
  type LPWSPSTARTUP,
  MAKEWORD,
  out,
  registerProvider,
  SOCK_STREAM,
  WSAEPROVIDERFAILEDINIT,
  type WSAPROTOCOL_INFOW,
} from '@ws2spi/spi';
import {
  createLayeredProcess,
  IN_MEMORY_DEFAULT_PROTOCOL,
  installInMemoryProvider,
  type LayeredProcess,
  type LayerSpec,
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

/** A process over the in-memory provider with `layers` installed but not yet started. */
async function unstarted(layers: LayerSpec[]): Promise<LayeredProcess> {
  const net = new SimNetwork({ timing: 'virtual' });
  network = net;
  net.addHost('host', { ipv4: ['10.0.0.1'] });
  proc = await createLayeredProcess({
    bases: (catalog, container) =>
      installInMemoryProvider(catalog, container, {
        network: net,
        host: 'host',
        families: [4],
        flavours: ['stream'],
      }),
    layers,
    start: false,
  });
  return proc;
}

function start(p: LayeredProcess): void {
  expect(p.ws2.WSAStartup(MAKEWORD(2, 2), emptyWsaData())).toBe(0);
}

async function streamSocket(p: LayeredProcess): Promise<number> {
  return p.ws2.socket(AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL);
}

describe('a chain that cannot be started', () => {
  it('whose layered entry is gone (orphaned) fails socket() with WSAEPROVIDERFAILEDINIT', async () => {
    const layer = definePassThroughLayer();
    const p = await unstarted([{ name: 'A', provider: layer }]);
    expect(p.catalog.WSCDeinstallProvider(p.layers[0].providerId, out(0))).toBe(0);
    start(p);
    expect(await streamSocket(p)).toFailWith(p.ws2, WSAEPROVIDERFAILEDINIT);
    expect(layer.startupFailures).toEqual([
      `pass-through (non-ifs): chain of entry ${p.layers[0].chainEntryIds[0]} is broken: ChainEntries[0] = ${p.layers[0].layeredEntryId} is not in the catalog (the LSP's layered entry was removed)`,
    ]);
    expect(p.ws2.providerFailures.map((f) => [f.call, f.reason])).toEqual([
      ['WSPStartup', `WSPStartup returned ${WSAEPROVIDERFAILEDINIT}`],
    ]);
  });

  it('whose base entry is gone fails socket() with WSAEPROVIDERFAILEDINIT', async () => {
    const p = await unstarted([{ name: 'A', provider: definePassThroughLayer() }]);
    const base = p.catalog.entries().find((e) => e.info.ProtocolChain.ChainLen === 1);
    expect(p.catalog.WSCDeinstallProvider(base?.info.ProviderId ?? '', out(0))).toBe(0);
    start(p);
    expect(await streamSocket(p)).toFailWith(p.ws2, WSAEPROVIDERFAILEDINIT);
  });

  it('whose lower layer cannot be loaded fails socket() with WSAEPROVIDERFAILEDINIT', async () => {
    const top = definePassThroughLayer({ description: 'top' });
    const p = await unstarted([
      { name: 'top', provider: top },
      { name: 'bottom', provider: definePassThroughLayer({ description: 'bottom' }) },
    ]);
    // The bottom layer's entries now name a module that does not exist.
    const bottom = p.layers[1];
    const entries = p.catalog.entries().filter((e) => e.info.ProviderId === bottom.providerId);
    expect(
      p.catalog.WSCUpdateProvider(
        bottom.providerId,
        './no-such-lsp-module.js',
        entries.map((e) => e.info),
        entries.length,
        out(0),
      ),
    ).toBe(0);
    start(p);
    expect(await streamSocket(p)).toFailWith(p.ws2, WSAEPROVIDERFAILEDINIT);
    expect(top.startupFailures).toEqual([
      `top: the next provider './no-such-lsp-module.js' (entry ${bottom.layeredEntryId}) cannot be loaded`,
    ]);
  });

  it('whose lower provider fills an incomplete table fails (WSAEINVALIDPROCTABLE below, WSAEPROVIDERFAILEDINIT above)', async () => {
    const top = definePassThroughLayer({ description: 'top' });
    const p = await unstarted([{ name: 'top', provider: top }]);
    // Replace the base provider with one that leaves lpWSPSendDisconnect out.
    const base = p.catalog.entries().find((e) => e.info.ProtocolChain.ChainLen === 1);
    const incomplete: LPWSPSTARTUP = (version, data, _info, _upcalls, table) => {
      data.wVersion = version;
      data.wHighVersion = version;
      Object.assign(table, { lpWSPSocket: () => INVALID_SOCKET });
      return 0;
    };
    registerProvider(p.container, base?.path ?? '', incomplete);
    start(p);
    expect(await streamSocket(p)).toFailWith(p.ws2, WSAEPROVIDERFAILEDINIT);
    expect(top.startupFailures[0]).toMatch(
      /^top: '.*' filled an incomplete WSPPROC_TABLE: missing lpWSPAccept, /,
    );
  });

  it('that does not contain the layer (a layer bound to another LSP GUID) fails with WSAEPROVIDERFAILEDINIT', async () => {
    const stranger = defineLayeredProvider({
      description: 'stranger',
      style: 'non-ifs',
      providerId: '99999999-0000-4000-8000-000000000009',
    });
    const p = await unstarted([{ name: 'A', provider: stranger }]);
    start(p);
    expect(await streamSocket(p)).toFailWith(p.ws2, WSAEPROVIDERFAILEDINIT);
    expect(stranger.startupFailures[0]).toMatch(
      /none of this provider's layered entries is in the chain of entry \d+/,
    );
  });

  it('leaves the rest of the process working: the base entry is still reachable by its protocol info', async () => {
    const p = await unstarted([{ name: 'A', provider: definePassThroughLayer() }]);
    p.catalog.WSCDeinstallProvider(p.layers[0].providerId, out(0));
    start(p);
    expect(await streamSocket(p)).toFailWith(p.ws2, WSAEPROVIDERFAILEDINIT);
    const base = p.catalog.entries().find((e) => e.info.ProtocolChain.ChainLen === 1)
      ?.info as WSAPROTOCOL_INFOW;
    const s = await p.ws2.WSASocketW(0, 0, 0, base, 0, 1);
    expect(s).toSucceed(p.ws2);
    expect(p.ws2.closesocket(s)).toBe(0);
  });
});

describe('a layered provider outside a ws2spi process', () => {
  it('refuses to start without the process behind its upcall table (WSAEPROVIDERFAILEDINIT)', () => {
    const layer: LayeredProvider = definePassThroughLayer();
    const rc = layer.WSPStartup(
      MAKEWORD(2, 2),
      { wVersion: 0, wHighVersion: 0, szDescription: '' },
      {} as WSAPROTOCOL_INFOW,
      {} as Parameters<LPWSPSTARTUP>[3],
      {},
    );
    expect(rc).toBe(WSAEPROVIDERFAILEDINIT);
  });
});

/**
 * Issue 6 acceptance — the provider conformance suite passes for TCP/IP (real loopback) under a
 * chain of pass-through layers: depth 1 (one layer, non-IFS and IFS) and the deepest chain the
 * catalog allows — `MAX_PROTOCOL_CHAIN` (7) entries, i.e. six layers over the base (a seventh is
 * refused with `WSANO_RECOVERY`, see lsp-install.test.ts). The deep chain mixes styles the only
 * way that works: non-IFS layers above IFS ones.
 */
import { describe, expect, it } from '@jest/globals';
import {
  installTcpProviders,
  MSAFD_TCP_SERVICE_FLAGS,
  TCP_PROVIDER_PATH,
  WSPStartup as tcpWSPStartup,
} from '@ws2spi/providers-tcp';
import {
  AF_INET,
  definePassThroughLayer,
  IPPROTO_TCP,
  type LayerStyle,
  MAX_PROTOCOL_CHAIN,
  out,
  registerProvider,
  SOCK_STREAM,
  type SOCKADDR_IN,
  sockaddrIn,
  type WSAPROTOCOL_INFOW,
  XP1_IFS_HANDLES,
} from '@ws2spi/spi';
import {
  type ConformanceEnv,
  type ConformanceSetup,
  createLayeredProcess,
  describeProviderConformance,
  type LayeredProcess,
} from '@ws2spi/spi/testing';

/**
 * What the TCP/IP base declares but cannot deliver over real loopback sockets — the same
 * declarations (and reasons) as its own conformance run in providers-tcp: a layer that passes
 * calls through cannot deliver more than the provider below it.
 */
const TCP_UNAVAILABLE = {
  XP1_EXPEDITED_DATA: 'the StreamNetwork contract (Node net) cannot send or receive TCP urgent data',
  SO_CONDITIONAL_ACCEPT:
    'the StreamNetwork contract (Node net) offers connections only after the handshake completed',
};

function chainedProcess(styles: readonly LayerStyle[]): Promise<LayeredProcess> {
  return createLayeredProcess({
    bases: (catalog, container) => {
      registerProvider(container, TCP_PROVIDER_PATH, tcpWSPStartup);
      installTcpProviders(catalog);
    },
    layers: styles.map((style, i) => ({
      name: `pass-through ${i + 1} (${style})`,
      provider: definePassThroughLayer({ style }),
    })),
  });
}

/** Client and server processes over loopback whose TCP/IP sockets go through the chain. */
function chainedTcpSetup(styles: readonly LayerStyle[]): ConformanceSetup {
  const processes = new WeakMap<ConformanceEnv, LayeredProcess>();
  // A non-IFS layer on top hands out handles of its own, so its chain entries lose XP1_IFS_HANDLES.
  const serviceFlags =
    styles[0] === 'non-ifs' ? MSAFD_TCP_SERVICE_FLAGS & ~XP1_IFS_HANDLES : MSAFD_TCP_SERVICE_FLAGS;
  return {
    serviceFlags,
    unavailable: TCP_UNAVAILABLE,
    async setup() {
      const proc = await chainedProcess(styles);
      const port = (bound: unknown) => (bound as SOCKADDR_IN).sin_port;
      const env: ConformanceEnv = {
        client: proc.ws2,
        server: proc.newProcess(),
        socket: { af: AF_INET, type: SOCK_STREAM, protocol: IPPROTO_TCP },
        addresses: {
          serverBind: () => sockaddrIn('127.0.0.1', 0),
          serverForClient: (bound) => sockaddrIn('127.0.0.1', port(bound)),
          clientBind: () => sockaddrIn('127.0.0.1', 0),
        },
      };
      processes.set(env, proc);
      return env;
    },
    async teardown(env) {
      await processes.get(env)?.teardown();
    },
  };
}

const DEPTH_1_NON_IFS: LayerStyle[] = ['non-ifs'];
const DEPTH_1_IFS: LayerStyle[] = ['ifs'];
const DEEPEST: LayerStyle[] = ['non-ifs', 'non-ifs', 'non-ifs', 'ifs', 'ifs', 'ifs'];

describe('the chains under test', () => {
  it.each([
    [DEPTH_1_NON_IFS, 2],
    [DEPTH_1_IFS, 2],
    [DEEPEST, MAX_PROTOCOL_CHAIN],
  ])('%j: WSAEnumProtocolsW lists the TCP/IP chain first, ChainLen %i', async (styles, chainLen) => {
    const proc = await chainedProcess(styles);
    try {
      const infos: WSAPROTOCOL_INFOW[] = [];
      const length = out(0);
      proc.ws2.WSAEnumProtocolsW([IPPROTO_TCP, 0], null, length);
      proc.ws2.WSAEnumProtocolsW([IPPROTO_TCP, 0], infos, length);
      expect(infos[0].ProtocolChain.ChainLen).toBe(chainLen);
      expect(infos[0].szProtocol).toMatch(/^pass-through 1 .* over \[/);
    } finally {
      await proc.teardown();
    }
  });
});

describeProviderConformance(
  'TCP/IP under one non-IFS pass-through layer (loopback)',
  chainedTcpSetup(DEPTH_1_NON_IFS),
);
describeProviderConformance(
  'TCP/IP under one IFS pass-through layer (loopback)',
  chainedTcpSetup(DEPTH_1_IFS),
);
describeProviderConformance(
  'TCP/IP under six pass-through layers, ChainLen 7 = MAX_PROTOCOL_CHAIN (3 non-IFS over 3 IFS, loopback)',
  chainedTcpSetup(DEEPEST),
);

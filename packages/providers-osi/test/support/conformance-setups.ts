/**
 * The OSI provider's setups for the provider conformance suite: each test gets a fresh client
 * process and server process whose catalogs hold the TP2 and TP0 entries, over real loopback TCP
 * or over two hosts of a fresh `SimNetwork`. The server binds a TSAP selector of its own, so every
 * connection names its called TSAP in the CR.
 */

import {
  OSI_TP0_SERVICE_FLAGS,
  OSI_TP2_SERVICE_FLAGS,
  type OsiProviderOptions,
  sockaddrTp,
  tpEndpointOf,
} from '@ws2spi/providers-osi';
import {
  AF_ISO,
  ISOPROTO_TP0,
  ISOPROTO_TP2,
  nodeStreamNetwork,
  SOCK_SEQPACKET,
  type SOCKADDR,
} from '@ws2spi/spi';
import { type ConformanceEnv, type ConformanceSetup, SimNetwork } from '@ws2spi/spi/testing';
import { type OsiProcess, startOsiProcess } from './osi-process';

/** The transport class under test: the TP2 or the TP0 entry. */
export type OsiClass = 0 | 2;

/** Why the TCP-style half-close tests do not apply: ISO 8073's T-DISCONNECT releases the whole connection. */
export const NO_HALF_CLOSE =
  'ISO transport release (DR/DC in class 2, the TCP close in class 0) ends both directions';

/** The selector the conformance server binds. */
const SERVER_TSEL = 'conformance';

function socketArgs(protocolClass: OsiClass) {
  return { af: AF_ISO, type: SOCK_SEQPACKET, protocol: protocolClass === 2 ? ISOPROTO_TP2 : ISOPROTO_TP0 };
}

function flagsOf(protocolClass: OsiClass): number {
  return protocolClass === 2 ? OSI_TP2_SERVICE_FLAGS : OSI_TP0_SERVICE_FLAGS;
}

/** The same selector and port at another host. */
function at(host: string, bound: SOCKADDR): SOCKADDR {
  const endpoint = tpEndpointOf(bound);
  if (typeof endpoint === 'string') throw new Error(`not an OSI address: ${JSON.stringify(bound)}`);
  return sockaddrTp(endpoint.tsel, host, endpoint.port);
}

/** Client and server processes over the machine's loopback (`127.0.0.1` or `::1`). */
export function loopbackSetup(protocolClass: OsiClass, family: 4 | 6 = 4): ConformanceSetup {
  const host = family === 4 ? '127.0.0.1' : '::1';
  const processes = new WeakMap<ConformanceEnv, OsiProcess[]>();
  return {
    serviceFlags: flagsOf(protocolClass),
    unavailable: { 'half-close': NO_HALF_CLOSE },
    async setup() {
      const options: OsiProviderOptions = { streams: nodeStreamNetwork() };
      const client = startOsiProcess(options);
      const server = startOsiProcess(options);
      const env: ConformanceEnv = {
        client: client.ws2,
        server: server.ws2,
        socket: socketArgs(protocolClass),
        addresses: {
          serverBind: () => sockaddrTp(SERVER_TSEL, host, 0),
          serverForClient: (bound) => at(host, bound),
          clientBind: () => sockaddrTp('client', host, 0),
        },
      };
      processes.set(env, [client, server]);
      return env;
    },
    async teardown(env) {
      for (const p of processes.get(env) ?? []) p.end();
    },
  };
}

/** Client and server processes on two hosts of a fresh `SimNetwork` (10.0.0.1 and 10.0.0.2, or fd00::1 and fd00::2). */
export function simNetworkSetup(protocolClass: OsiClass, family: 4 | 6 = 4): ConformanceSetup {
  const clientAddress = family === 4 ? '10.0.0.1' : 'fd00::1';
  const serverAddress = family === 4 ? '10.0.0.2' : 'fd00::2';
  const state = new WeakMap<ConformanceEnv, { net: SimNetwork; processes: OsiProcess[] }>();
  return {
    serviceFlags: flagsOf(protocolClass),
    unavailable: { 'half-close': NO_HALF_CLOSE },
    async setup() {
      const net = new SimNetwork({ timing: 'virtual' });
      const clientHost = net.addHost('client', { ipv4: ['10.0.0.1'], ipv6: ['fd00::1'] });
      const serverHost = net.addHost('server', { ipv4: ['10.0.0.2'], ipv6: ['fd00::2'] });
      const client = startOsiProcess({ streams: clientHost.streams });
      const server = startOsiProcess({ streams: serverHost.streams });
      const env: ConformanceEnv = {
        client: client.ws2,
        server: server.ws2,
        socket: socketArgs(protocolClass),
        addresses: {
          serverBind: () => sockaddrTp(SERVER_TSEL, family === 4 ? '0.0.0.0' : '::', 0),
          serverForClient: (bound) => at(serverAddress, bound),
          clientBind: () => sockaddrTp('client', clientAddress, 0),
        },
        settle: () => net.idle(),
      };
      state.set(env, { net, processes: [client, server] });
      return env;
    },
    async teardown(env) {
      const s = state.get(env);
      if (!s) return;
      for (const p of s.processes) p.end();
      await s.net.idle();
      s.net.close();
    },
  };
}

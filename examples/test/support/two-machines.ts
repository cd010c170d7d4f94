/**
 * The stage of the fault and picture examples: two machines on a SimNetwork — "client" (10.0.0.1)
 * and "server" (10.0.0.2) — each a ws2spi process whose catalog holds the TCP/IP provider over its
 * simulated host, with the layers of an example installed on the client only (the way an LSP
 * installs on one machine). `connect()` gives a connected pair of sockets: the client's goes
 * through the layers, the server's does not.
 */

import { createTcpProvider, installTcpProviders } from '@ws2spi/providers-tcp';
import {
  AF_INET,
  type Catalog,
  IPPROTO_TCP,
  registerProvider,
  SOCK_STREAM,
  type SOCKADDR_IN,
  Socket,
  sockaddrIn,
} from '@ws2spi/spi';
import {
  createLayeredProcess,
  type LayeredProcess,
  type LayerSpec,
  type SimHost,
  type SimNetwork,
} from '@ws2spi/spi/testing';
import type { DependencyContainer } from 'tsyringe';

/** The TCP/IP provider over one simulated host, installed as the catalog's base providers. */
export function tcpOver(host: SimHost) {
  return (catalog: Catalog, container: DependencyContainer): void => {
    const provider = createTcpProvider({ streams: host.streams, datagrams: host.datagrams });
    registerProvider(container, 'sim-tcp', provider.WSPStartup);
    installTcpProviders(catalog, { path: 'sim-tcp' });
  };
}

/** Two machines on `network`; `layers` (top first) are installed on the client. */
export async function twoMachines(network: SimNetwork, layers: LayerSpec[] = []) {
  const client = await createLayeredProcess({
    bases: tcpOver(network.addHost('client', { ipv4: ['10.0.0.1'] })),
    layers,
  });
  const server = await createLayeredProcess({
    bases: tcpOver(network.addHost('server', { ipv4: ['10.0.0.2'] })),
  });
  const listener = await Socket.create(server.ws2, AF_INET, SOCK_STREAM, IPPROTO_TCP);
  await listener.bind(sockaddrIn('10.0.0.2', 0));
  await listener.listen();
  const port = (listener.localAddress() as SOCKADDR_IN).sin_port;
  return {
    client,
    server,
    /** A client socket (through the layers) connected to a server socket. */
    async connect(): Promise<{ client: Socket; server: Socket }> {
      const socket = await Socket.create(client.ws2, AF_INET, SOCK_STREAM, IPPROTO_TCP);
      const [{ socket: accepted }] = await Promise.all([
        listener.accept(),
        socket.connect(sockaddrIn('10.0.0.2', port)),
      ]);
      return { client: socket, server: accepted };
    },
    /** Ends both processes (closing every socket) and the network. */
    async end(): Promise<void> {
      await teardown(client, server);
      await network.idle();
      network.close();
    },
  };
}

async function teardown(...processes: LayeredProcess[]): Promise<void> {
  for (const p of processes) await p.teardown();
}

/** Reads until the peer ends; returns the text, or throws the WsaError that ended it. */
export async function readToEnd(socket: Socket): Promise<string> {
  let text = '';
  for (let chunk = await socket.recv(); chunk.byteLength > 0; chunk = await socket.recv())
    text += new TextDecoder().decode(chunk);
  return text;
}

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

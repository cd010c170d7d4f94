/**
 * Small builders for SimNetwork tests: a two-host network and a connected, recorded pair.
 */

import type { StreamListener } from '@ws2spi/spi';
import { type SimHost, SimNetwork, type SimNetworkOptions } from '@ws2spi/spi/testing';
import { StreamRecorder } from './stream-recorder';

/** A network with `server` (10.0.0.2, fd00::2) and `client` (10.0.0.1, fd00::1). */
export function twoHosts(options?: SimNetworkOptions): { net: SimNetwork; server: SimHost; client: SimHost } {
  const net = new SimNetwork(options);
  const server = net.addHost('server', { ipv4: ['10.0.0.2'], ipv6: ['fd00::2'] });
  const client = net.addHost('client', { ipv4: ['10.0.0.1'], ipv6: ['fd00::1'] });
  return { net, server, client };
}

/** A connection from `from` to a fresh listener on `to` (port 0 = ephemeral), both ends recorded and wired. */
export async function connectedPair(
  from: SimHost,
  to: SimHost,
  address = '10.0.0.2',
  port = 0,
): Promise<{ listener: StreamListener; client: StreamRecorder; server: StreamRecorder }> {
  let server: StreamRecorder | undefined;
  const listener = await to.streams.listen({ host: address, port, family: 4, backlog: 8 }, (c) => {
    server = new StreamRecorder(c).wire();
  });
  const client = new StreamRecorder(
    await from.streams.connect({ host: address, port: listener.local.port, family: 4 }),
  ).wire();
  if (server === undefined)
    throw new Error('the server end is handed out before the client connect resolves');
  return { listener, client, server };
}

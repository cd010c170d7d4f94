/**
 * No handle outlives its socket in the dispatcher's table — including the base provider's IFS
 * handles under a non-IFS layer, which the application never sees (handle values are never
 * reused, so a record left behind would be kept for ever).
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  AF_INET,
  definePassThroughLayer,
  SOCK_STREAM,
  type SOCKADDR_IN,
  Socket,
  sockaddrIn,
} from '@ws2spi/spi';
import {
  createLayeredProcess,
  IN_MEMORY_DEFAULT_PROTOCOL,
  installInMemoryProvider,
  type LayeredProcess,
  SimNetwork,
} from '@ws2spi/spi/testing';

let proc: LayeredProcess | undefined;
let network: SimNetwork | undefined;
afterEach(async () => {
  await proc?.teardown();
  proc = undefined;
  network?.close();
  network = undefined;
});

async function process(layers: 'none' | 'ifs' | 'non-ifs') {
  network = new SimNetwork({ timing: 'virtual' });
  const net = network;
  net.addHost('host', { ipv4: ['10.0.0.1'] });
  proc = await createLayeredProcess({
    bases: (catalog, container) =>
      installInMemoryProvider(catalog, container, {
        network: net,
        host: 'host',
        families: [4],
        flavours: ['stream'],
      }),
    layers: layers === 'none' ? [] : [{ name: 'pass', provider: definePassThroughLayer({ style: layers }) }],
  });
  return proc.ws2;
}

describe.each(['none', 'ifs', 'non-ifs'] as const)(
  'handles are released with their sockets (layer: %s)',
  (layers) => {
    it('after connected pairs are closed, the handle table is empty again', async () => {
      const ws2 = await process(layers);
      const listener = await Socket.create(ws2, AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL);
      await listener.bind(sockaddrIn('10.0.0.1', 0));
      await listener.listen(8);
      const address = listener.localAddress() as SOCKADDR_IN;
      for (let i = 0; i < 5; i++) {
        const client = await Socket.create(ws2, AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL);
        const [, accepted] = await Promise.all([client.connect(address), listener.accept()]);
        expect(ws2.handleCount).toBeGreaterThan(0);
        client.close();
        accepted.socket.close();
      }
      listener.close();
      expect(ws2.handleCount).toBe(0);
    });
  },
);

/**
 * Node's own HTTP client and server through ws2spi: SocketDuplex turns a ws2spi socket into the
 * Duplex stream Node's networking code expects. The server is Node's http.Server fed with the
 * connections a ws2spi listener accepts; the client is http.request with a createConnection that
 * connects through the client's chain — here a fault injector adding 2 s of latency each way on a
 * SimNetwork. The same works over real TCP, ISO transport, and under tls.
 */
import * as http from 'node:http';
import { expect, it } from '@jest/globals';
import {
  AF_INET,
  createFaultInjectorLayer,
  IPPROTO_TCP,
  SOCK_STREAM,
  type SOCKADDR_IN,
  Socket,
  serveSocketDuplexes,
  sockaddrIn,
  socketConnector,
} from '@ws2spi/spi';
import { SimNetwork } from '@ws2spi/spi/testing';
import { twoMachines } from './support/two-machines';

it('serves and fetches a page through a latency layer', async () => {
  const network = new SimNetwork({ timing: 'virtual' });
  const faults = createFaultInjectorLayer({ clock: network.clock });
  faults.addToxic({ type: 'latency', direction: 'outbound', latencyMs: 2_000 });
  faults.addToxic({ type: 'latency', direction: 'inbound', latencyMs: 2_000 });
  const machines = await twoMachines(network, [{ name: 'faults', provider: faults }]);

  // The server: Node's http.Server, given each connection a ws2spi listener accepts on port 80.
  const server = http.createServer((request, response) => {
    response.setHeader('connection', 'close');
    response.end(`you asked for ${request.url}`);
  });
  const listener = await Socket.create(machines.server.ws2, AF_INET, SOCK_STREAM, IPPROTO_TCP);
  await listener.bind(sockaddrIn('10.0.0.2', 80));
  await listener.listen();
  const serving = serveSocketDuplexes(listener, (stream) => server.emit('connection', stream));

  // The client: http.request, connecting through the client's chain (no `agent`, so that
  // http uses createConnection).
  const body = await new Promise<string>((resolve, reject) => {
    const request = http.request(
      {
        host: '10.0.0.2',
        port: 80,
        path: '/index.html',
        createConnection: socketConnector(machines.client.ws2) as never,
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => {
          text += chunk;
        });
        response.on('end', () => resolve(text));
      },
    );
    request.on('error', reject);
    request.end();
  });

  expect(body).toBe('you asked for /index.html');
  expect(network.now).toBeGreaterThanOrEqual(4_000); // 2 s there, 2 s back — in virtual time
  expect((listener.localAddress() as SOCKADDR_IN).sin_port).toBe(80);
  await serving.stop();
  await machines.end();
});

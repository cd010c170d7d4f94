/**
 * `SocketDuplex`: Node's own HTTP client and server, and TLS, through a ws2spi chain with a fault
 * injector — latency on real loopback TCP, a 30-second latency on a SimNetwork that costs nothing,
 * and resets that reach Node as `ECONNRESET` — plus the stream's own contract: half-close, reset,
 * errors with Node codes, and what a `net.Socket` user looks at.
 */
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  connectSocketDuplex,
  createFaultInjectorLayer,
  type FaultInjector,
  nodeErrorFromWsa,
  type SOCKADDR_IN,
  Socket,
  SocketDuplex,
  serveSocketDuplexes,
  sockaddrIn,
  socketConnector,
  WSAECONNRESET,
  type Ws2,
  WsaError,
} from '@ws2spi/spi';
import { TcpLoopbackWorld, TcpSimWorld, type ToxicWorld } from './support/toxic-worlds';

const TLS_KEY = readFileSync(join(__dirname, 'fixtures/tls/key.pem'));
const TLS_CERT = readFileSync(join(__dirname, 'fixtures/tls/cert.pem'));

let world: ToxicWorld | undefined;
let stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops) await stop();
  stops = [];
  await world?.teardown();
  world = undefined;
});

/** A client process with a fault injector, and a Node server served from the server process's listener. */
async function serve(made: ToxicWorld, server: http.Server | https.Server) {
  world = made;
  const injector: FaultInjector = createFaultInjectorLayer({ clock: made.clock, seed: 9 });
  await made.start(injector);
  const listener = made.listener as Socket;
  const serving = serveSocketDuplexes(listener, (stream) => server.emit('connection', stream));
  stops.push(() => serving.stop());
  const port = (listener.localAddress() as SOCKADDR_IN).sin_port;
  const host = (made.target as SOCKADDR_IN).sin_addr;
  return { injector, port, host, ws2: made.clientWs2 };
}

function get(ws2: Ws2, host: string, port: number, path: string): Promise<{ status?: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      // No `agent`: only then does http use `createConnection` (an agent brings its own).
      { host, port, path, createConnection: socketConnector(ws2) as never },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode, body }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end();
  });
}

const hello = () =>
  http.createServer((request, response) => {
    response.setHeader('connection', 'close');
    response.end(`hello from ${request.url}`);
  });

describe('Node http through a latency and reset layer', () => {
  it('gets a response over real loopback TCP, every byte delayed', async () => {
    const { injector, port, host, ws2 } = await serve(new TcpLoopbackWorld(), hello());
    injector.addToxic({ type: 'latency', direction: 'outbound', latencyMs: 30 });
    injector.addToxic({ type: 'latency', direction: 'inbound', latencyMs: 20 });
    const started = performance.now();
    const got = await get(ws2, host, port, '/real');
    expect(got).toEqual({ status: 200, body: 'hello from /real' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(49);
    expect(injector.injected.some((f) => f.kind === 'latency' && f.direction === 'outbound')).toBe(true);
  });

  it('gets a response through 30 s of latency each way on a SimNetwork, at no cost', async () => {
    const made = new TcpSimWorld();
    const { injector, port, host, ws2 } = await serve(made, hello());
    injector.addToxic({ type: 'latency', direction: 'outbound', latencyMs: 30_000 });
    injector.addToxic({ type: 'latency', direction: 'inbound', latencyMs: 30_000 });
    const wall = performance.now();
    expect(await get(ws2, host, port, '/virtual')).toEqual({ status: 200, body: 'hello from /virtual' });
    expect(made.clock.now()).toBeGreaterThanOrEqual(60_000);
    expect(performance.now() - wall).toBeLessThan(30_000);
  });

  it('reports a reset as ECONNRESET to the client, and the server sees the connection go', async () => {
    let served = false;
    const server = http.createServer((_request, response) => {
      served = true;
      response.write('partial answer');
    });
    const serverSaw = new Promise<string | undefined>((resolve) => {
      server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
        resolve(error.code);
        socket.destroy();
      });
    });
    const { injector, port, host, ws2 } = await serve(new TcpLoopbackWorld(), server);
    injector.addToxic({ type: 'latency', direction: 'outbound', latencyMs: 10 });
    // The first bytes of the answer reset the connection instead of arriving.
    injector.addToxic({ type: 'reset_peer', direction: 'inbound', timeoutMs: 0 });
    await expect(get(ws2, host, port, '/reset')).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(await serverSaw).toBe('ECONNRESET');
    expect(served).toBe(true);
    expect(injector.injected.map((f) => f.kind)).toEqual(
      expect.arrayContaining(['latency', 'drop', 'reset']),
    );
  });
});

describe('TLS through the layers', () => {
  it('runs https: the handshake and the request through a SocketDuplex on each side', async () => {
    const server = https.createServer({ key: TLS_KEY, cert: TLS_CERT }, (request, response) => {
      response.setHeader('connection', 'close');
      response.end(`secure ${request.url} over ${(request.socket as tls.TLSSocket).getProtocol()}`);
    });
    const { injector, port, host, ws2 } = await serve(new TcpLoopbackWorld(), server);
    injector.addToxic({ type: 'slicer', direction: 'outbound', averageSize: 7, sizeVariation: 3 });
    const connect = socketConnector(ws2);
    const body = await new Promise<string>((resolve, reject) => {
      const request = https.request(
        {
          host,
          port,
          path: '/tls',
          ca: TLS_CERT,
          servername: 'ws2spi.test',
          createConnection: ((options: tls.ConnectionOptions) =>
            tls.connect({ ...options, socket: connect({ host, port }) })) as never,
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            text += chunk;
          });
          response.on('end', () => resolve(text));
        },
      );
      request.on('error', reject);
      request.end();
    });
    expect(body).toMatch(/^secure \/tls over TLSv1\.[23]$/);
    expect(injector.injected.filter((f) => f.kind === 'slice').length).toBeGreaterThan(10);
  });
});

describe('the stream', () => {
  async function pair(made: ToxicWorld) {
    world = made;
    await made.start(createFaultInjectorLayer({ clock: made.clock }));
    const { client, server } = await made.connect();
    return { a: new SocketDuplex(client), b: new SocketDuplex(server) };
  }

  it('carries data both ways, half-closes with end(), and says what a net.Socket says', async () => {
    const { a, b } = await pair(new TcpSimWorld());
    expect(a.remoteAddress).toBe('10.0.0.2');
    expect(a.localAddress).toBe('10.0.0.1');
    expect(a.remoteFamily).toBe('IPv4');
    expect(a.address()).toMatchObject({ address: '10.0.0.1', family: 'IPv4' });
    expect(a.readyState).toBe('open');
    b.on('data', (chunk: Buffer) => b.write(chunk.toString().toUpperCase()));
    b.on('end', () => b.end());
    a.end('ping');
    const echoed: string[] = [];
    for await (const chunk of a) echoed.push(chunk.toString());
    expect(echoed.join('')).toBe('PING');
    expect(a.bytesWritten).toBe(4);
    expect(a.bytesRead).toBe(4);
  });

  it('resetAndDestroy() resets: the peer fails with ECONNRESET', async () => {
    const { a, b } = await pair(new TcpSimWorld());
    const failed = new Promise<NodeJS.ErrnoException>((resolve) => b.on('error', resolve));
    b.resume();
    a.resetAndDestroy();
    const error = await failed;
    expect(error).toMatchObject({ code: 'ECONNRESET', errno: WSAECONNRESET, syscall: 'read' });
    expect(error.cause).toBeInstanceOf(WsaError);
  });

  it('fails a connect with the Node code, and maps Winsock errors as Node names them', async () => {
    world = new TcpLoopbackWorld();
    await world.start(createFaultInjectorLayer());
    const stream = connectSocketDuplex(world.clientWs2, sockaddrIn('127.0.0.1', 1));
    const error = await new Promise<NodeJS.ErrnoException>((resolve) => stream.on('error', resolve));
    expect(error).toMatchObject({ code: 'ECONNREFUSED', syscall: 'connect' });
    expect(stream.destroyed).toBe(true);
    expect(nodeErrorFromWsa(new WsaError(10053, 'x'), 'write')).toMatchObject({
      code: 'ECONNABORTED',
      errno: 10053,
    });
    expect(nodeErrorFromWsa(new WsaError(10042, 'x'), 'write').code).toBe('WSAENOPROTOOPT');
    expect(() => socketConnector(world!.clientWs2)({ host: 'example.com', port: 80 })).toThrow(
      'not an IP address',
    );
  });

  it('times out an idle stream (setTimeout) and leaves no socket behind when destroyed', async () => {
    const { a, b } = await pair(new TcpLoopbackWorld());
    const timedOut = new Promise<void>((resolve) => a.setTimeout(30, resolve));
    await timedOut;
    a.destroy();
    b.destroy();
    expect(() => (a.socket as Socket).close()).toThrow(expect.objectContaining({ code: 10038 }));
  });
});

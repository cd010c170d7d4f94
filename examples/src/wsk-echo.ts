/**
 * `node examples/dist/wsk-echo.js`: the WSK echo demo (a WSK echo server, two Winsock clients, a
 * graceful and an abortive `WskDisconnectEvent`) over real loopback TCP.
 *
 * `node examples/dist/wsk-echo.js serve --side wsk|winsock --transport tcp|osi` runs one echo
 * server (WSK, or Winsock for WSK clients) on 127.0.0.1 until its standard input closes, printing
 * `listening port=<port>` first (an ISO transport server listens on TSAP selector "echo") and then what it sees — the peer process of the cross-process
 * tests.
 */
import 'reflect-metadata';
import { sockaddrTp, tpEndpointOf } from '@ws2spi/providers-osi';
import { type SOCKADDR, type SOCKADDR_IN, sockaddrIn } from '@ws2spi/spi';
import { runWskEchoDemo } from './wsk-echo-demo';
import { startWskEchoServer, type WskEchoTransport } from './wsk-echo-server';
import { startWinsockEchoServer, startWinsockProcess } from './wsk-winsock-peer';

function option(name: string, allowed: readonly string[]): string {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? process.argv[at + 1] : undefined;
  if (!value || !allowed.includes(value)) throw new Error(`--${name} must be one of ${allowed.join(', ')}`);
  return value;
}

async function serve(): Promise<void> {
  const side = option('side', ['wsk', 'winsock']);
  const transport = option('transport', ['tcp', 'osi']) as WskEchoTransport;
  const address = transport === 'tcp' ? sockaddrIn('127.0.0.1', 0) : sockaddrTp('echo', '127.0.0.1', 0);
  const log = (line: string): void => {
    process.stdout.write(`${line}\n`);
  };
  let stop: () => Promise<void>;
  let bound: SOCKADDR;
  if (side === 'wsk') {
    const server = await startWskEchoServer({ transport, address, log });
    bound = server.address;
    stop = async () => {
      await server.stop();
      log(`verifier violations: ${server.wsk.verifier.violations.length}`);
    };
  } else {
    const ws2 = startWinsockProcess();
    const server = await startWinsockEchoServer(ws2, transport, address, log);
    bound = server.address;
    stop = async () => {
      server.stop();
      while (ws2.startupReferences > 0) ws2.WSACleanup();
    };
  }
  const endpoint = transport === 'tcp' ? null : tpEndpointOf(bound);
  const port = endpoint && typeof endpoint !== 'string' ? endpoint.port : (bound as SOCKADDR_IN).sin_port;
  process.stdout.write(`listening port=${port}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => {
    void stop().then(() => process.exit(0));
  });
}

if (process.argv[2] === 'serve') {
  serve().catch((error) => {
    console.error(error);
    process.exit(1);
  });
} else {
  console.log('WSK echo server (the shape of the WSK echosrv sample) with Winsock clients, over 127.0.0.1\n');
  runWskEchoDemo().then(
    () =>
      console.log(
        '\nDone: one WskDisconnectEvent per connection, graceful for the FIN, abortive for the RST.',
      ),
    (error) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}

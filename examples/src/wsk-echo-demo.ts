/**
 * The WSK echo demo: the WSK echo server over real loopback TCP, and two Winsock clients. The
 * first ends gracefully (`shutdown(SD_SEND)`, a FIN): the server's `WskDisconnectEvent` says so
 * without `WSK_FLAG_ABORTIVE`, after the echo. The second resets (`SO_LINGER {1, 0}` and
 * `closesocket`, an RST): the event says `WSK_FLAG_ABORTIVE`.
 */
import {
  AF_INET,
  IPPROTO_TCP,
  isWsaError,
  SD_SEND,
  SO_LINGER,
  SOCK_STREAM,
  Socket,
  sockaddrIn,
  type Ws2,
} from '@ws2spi/spi';
import { startWskEchoServer } from './wsk-echo-server';
import { startWinsockProcess } from './wsk-winsock-peer';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

/** What the demo saw, for the tests. */
export interface WskEchoDemoResult {
  /** The echo each client read back. */
  echoes: string[];
  /** The server's disconnect events, in order. */
  disconnects: Array<'graceful' | 'abortive'>;
  /** Every line of narration. */
  lines: string[];
}

async function readAll(socket: Socket): Promise<string> {
  let all = '';
  for (;;) {
    const chunk = await socket.recv(4096);
    if (chunk.byteLength === 0) return all;
    all += text(chunk);
  }
}

/** Runs the demo; `log` receives the narration. */
export async function runWskEchoDemo(log: (line: string) => void = console.log): Promise<WskEchoDemoResult> {
  const lines: string[] = [];
  const say = (line: string): void => {
    lines.push(line);
    log(line);
  };
  const server = await startWskEchoServer({
    transport: 'tcp',
    address: sockaddrIn('127.0.0.1', 0),
    log: (line) => say(`  [WSK server] ${line}`),
  });
  const ws2: Ws2 = startWinsockProcess();
  const echoes: string[] = [];
  try {
    say('\nWinsock client 1: send, read the echo, then shutdown(SD_SEND) — a graceful end (FIN)');
    const first = await Socket.create(ws2, AF_INET, SOCK_STREAM, IPPROTO_TCP);
    await first.connect(server.address);
    await first.sendAll(bytes('hello, WSK'));
    const echo = text(await first.recv(4096));
    say(`  [client 1] read the echo "${echo}"`);
    first.shutdown(SD_SEND);
    const rest = await readAll(first);
    echoes.push(echo + rest);
    say('  [client 1] recv returned 0: the server disconnected too');
    first.close();
    await server.untilDisconnects(1);

    say(
      '\nWinsock client 2: send, read the echo, then SO_LINGER {1, 0} and closesocket — an abortive end (RST)',
    );
    const second = await Socket.create(ws2, AF_INET, SOCK_STREAM, IPPROTO_TCP);
    await second.connect(server.address);
    await second.sendAll(bytes('and goodbye'));
    const echo2 = text(await second.recv(4096));
    echoes.push(echo2);
    say(`  [client 2] read the echo "${echo2}"`);
    second.setOption(SO_LINGER, { l_onoff: 1, l_linger: 0 });
    second.close();
    await server.untilDisconnects(2);
  } catch (error) {
    say(`failed: ${isWsaError(error) ? error.message : String(error)}`);
    throw error;
  } finally {
    await server.stop();
    while (ws2.startupReferences > 0) ws2.WSACleanup();
  }
  const violations = server.wsk.verifier.violations;
  say(`\nverifier: ${violations.length === 0 ? 'no violations' : violations.map((v) => v.rule).join(', ')}`);
  return { echoes, disconnects: [...server.disconnects], lines };
}

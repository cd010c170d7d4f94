/**
 * The demo of what ws2spi is for: one application, two providers chosen from the catalog by
 * `(af, type, protocol)`, and Winsock's disconnect-data semantics as Windows defines them —
 *
 * - TCP/IP (`MSAFD Tcpip [TCP/IP]`, no `XP1_DISCONNECT_DATA`): `WSASendDisconnect(s, data)` fails
 *   with `WSAENOPROTOOPT` and nothing is sent or shut; with NULL data it is `shutdown(SD_SEND)` and
 *   the peer's `recv` returns 0.
 * - ISO transport class 2 over TCP (RFC 1006 / RFC 2126, with `XP1_DISCONNECT_DATA`): connect data
 *   rides in the CR, callee data in the CC, and `WSASendDisconnect(s, data)` sends a DR carrying the
 *   data; the peer's `recv` fails with `WSAEDISCON` and `WSARecvDisconnect` returns the data.
 *
 * Everything runs over real sockets on 127.0.0.1, through the C-shaped winsock2.h API.
 */
import { sockaddrTp } from '@ws2spi/providers-osi';
import {
  AF_INET,
  AF_ISO,
  Catalog,
  CF_ACCEPT,
  emptyWsaData,
  INVALID_SOCKET,
  IPPROTO_TCP,
  ISOPROTO_TP2,
  installDefaultCatalog,
  type LPCONDITIONPROC,
  MAKEWORD,
  out,
  SOCK_SEQPACKET,
  SOCK_STREAM,
  type SOCKADDR,
  type SOCKET,
  SOCKET_ERROR,
  sockaddrIn,
  type WSABUF,
  WSAEDISCON,
  type WSAPROTOCOL_INFOW,
  Ws2,
  wsabuf,
  wsabufBytes,
  wsaErrorName,
  XP1_DISCONNECT_DATA,
} from '@ws2spi/spi';
import { type DependencyContainer, container as rootContainer } from 'tsyringe';

/** One observable step of the demo: what was called and what Windows semantics say came back. */
export interface DemoStep {
  call: string;
  result: string;
}

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

/**
 * One "process" of the demo: a started `Ws2` over `catalog`, the narration, and the C-shaped calls
 * with their results written down as `DemoStep`s.
 */
export class DemoSession {
  readonly ws2: Ws2;
  readonly steps: DemoStep[] = [];
  private readonly opened: SOCKET[] = [];

  constructor(
    catalog: Catalog,
    readonly log: (line: string) => void,
    container: DependencyContainer = rootContainer.createChildContainer(),
  ) {
    this.ws2 = new Ws2({ catalog, container });
    if (this.ws2.WSAStartup(MAKEWORD(2, 2), emptyWsaData()) !== 0) throw new Error('WSAStartup failed');
  }

  /** Writes down a call's result: the value, or `SOCKET_ERROR` and `WSAGetLastError()`. */
  step(call: string, rc: number, detail = ''): number {
    const ws2 = this.ws2;
    const result =
      rc === SOCKET_ERROR || rc === INVALID_SOCKET
        ? `SOCKET_ERROR, WSAGetLastError() = ${wsaErrorName(ws2.WSAGetLastError())} (${ws2.WSAGetLastError()})`
        : `${rc}${detail ? ` ${detail}` : ''}`;
    this.steps.push({ call, result });
    this.log(`  ${call.padEnd(52)} → ${result}`);
    return rc;
  }

  /** A socket the session closes at the end. */
  async open(af: number, type: number, protocol: number): Promise<SOCKET> {
    const s = await this.ws2.socket(af, type, protocol);
    if (s === INVALID_SOCKET)
      throw new Error(`socket(${af}, ${type}, ${protocol}): ${wsaErrorName(this.ws2.WSAGetLastError())}`);
    this.opened.push(s);
    return s;
  }

  /** A handle the session closes at the end (an accepted socket). */
  adopt(s: SOCKET): void {
    this.opened.push(s);
  }

  /** The result of a call that must succeed. */
  must(call: string, rc: number): number {
    if (rc === SOCKET_ERROR || rc === INVALID_SOCKET) {
      throw new Error(`${call} failed: ${wsaErrorName(this.ws2.WSAGetLastError())}`);
    }
    return rc;
  }

  /** `getsockname`. */
  boundAddress(s: SOCKET): SOCKADDR {
    const name = out<SOCKADDR | null>(null);
    this.must('getsockname', this.ws2.getsockname(s, name, out(128)));
    return name.value!;
  }

  /** Closes every socket, then `WSACleanup`. */
  end(): void {
    for (const s of this.opened.reverse()) this.ws2.closesocket(s);
    this.ws2.WSACleanup();
  }
}

/** A fresh catalog with the default entries (TCP/IP, UDP/IP, ISO transport), all of them installed. */
export async function defaultCatalog(): Promise<Catalog> {
  const catalog = new Catalog();
  const installed = await installDefaultCatalog(catalog);
  if (installed.unavailable.length > 0 || installed.failed.length > 0) {
    throw new Error(
      `default catalog incomplete: ${JSON.stringify([...installed.unavailable, ...installed.failed])}`,
    );
  }
  return catalog;
}

/**
 * The ISO transport conversation: connect data in the CR, callee data in the CC, one TSDU, then a
 * release whose DR carries data the peer reads with `WSARecvDisconnect` — over real TCP on
 * 127.0.0.1, through the C-shaped API.
 */
export async function isoConversation(session: DemoSession): Promise<void> {
  const { ws2 } = session;
  const buf = new Uint8Array(64);
  const osiListen = await session.open(AF_ISO, SOCK_SEQPACKET, ISOPROTO_TP2);
  session.must('bind', await ws2.bind(osiListen, sockaddrTp('server', '127.0.0.1', 0), 72));
  session.must('listen', await ws2.listen(osiListen, 1));
  const osiClient = await session.open(AF_ISO, SOCK_SEQPACKET, ISOPROTO_TP2);
  let callerData = '';
  const condition: LPCONDITIONPROC = (_id, caller, _s, _g, _calleeId, callee) => {
    callerData = caller ? text(wsabufBytes(caller)) : '';
    if (callee) {
      const answer = bytes('welcome (CC user data)');
      callee.buf.set(answer);
      callee.len = answer.length;
    }
    return CF_ACCEPT;
  };
  const calleeBuf: WSABUF = wsabuf(32);
  const [connectRc, osiServer] = await Promise.all([
    ws2.WSAConnect(
      osiClient,
      session.boundAddress(osiListen),
      72,
      wsabuf(bytes('hello (CR user data)')),
      calleeBuf,
      null,
      null,
    ),
    ws2.WSAAccept(osiListen, null, null, condition, 0),
  ]);
  session.adopt(session.must('WSAAccept', osiServer));
  session.step(
    'WSAConnect(client, caller data "hello (CR user data)")',
    connectRc,
    `— callee data "${text(wsabufBytes(calleeBuf))}"`,
  );
  session.steps.push({ call: 'WSAAccept condition saw caller data', result: `"${callerData}"` });
  session.log(`  ${'WSAAccept condition function saw caller data'.padEnd(52)} → "${callerData}"`);
  const tsdu = bytes('one TSDU, boundaries kept');
  session.step('send(client, TSDU)', await ws2.send(osiClient, tsdu, tsdu.length, 0));
  const got = await ws2.recv(osiServer, buf, buf.length, 0);
  session.step('recv(server)', got, got > 0 ? `"${text(buf.subarray(0, got))}"` : '');
  const goodbye = bytes('goodbye: up to 64 octets ride in the DR');
  session.step('WSASendDisconnect(client, "goodbye: …")', ws2.WSASendDisconnect(osiClient, wsabuf(goodbye)));
  session.step('recv(server)', await ws2.recv(osiServer, buf, buf.length, 0));
  if (ws2.WSAGetLastError() !== WSAEDISCON) throw new Error('the peer did not see WSAEDISCON');
  const inbound = wsabuf(64);
  session.step(
    'WSARecvDisconnect(server, buf[64])',
    ws2.WSARecvDisconnect(osiServer, inbound),
    `— "${text(wsabufBytes(inbound))}"`,
  );
}

/** Runs the demo; `log` receives the narration line by line. Returns the steps for tests. */
export async function runDisconnectDataDemo(log: (line: string) => void = console.log): Promise<DemoStep[]> {
  const session = new DemoSession(await defaultCatalog(), log);
  const { ws2 } = session;
  try {
    log('The catalog (WSAEnumProtocolsW):');
    const length = out(0);
    ws2.WSAEnumProtocolsW(null, null, length);
    const infos: WSAPROTOCOL_INFOW[] = [];
    ws2.WSAEnumProtocolsW(null, infos, length);
    for (const info of infos) {
      const dd =
        info.dwServiceFlags1 & XP1_DISCONNECT_DATA ? 'carries disconnect data' : 'no disconnect data';
      log(`  ${String(info.dwCatalogEntryId).padEnd(5)} ${info.szProtocol.padEnd(48)} ${dd}`);
    }

    log('\nTCP/IP over 127.0.0.1 (socket(AF_INET, SOCK_STREAM, IPPROTO_TCP)):');
    const tcpListen = await session.open(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    session.must('bind', await ws2.bind(tcpListen, sockaddrIn('127.0.0.1', 0), 16));
    session.must('listen', await ws2.listen(tcpListen, 1));
    const tcpClient = await session.open(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    const [connected, tcpServer] = await Promise.all([
      ws2.connect(tcpClient, session.boundAddress(tcpListen), 16),
      ws2.accept(tcpListen, null, null),
    ]);
    session.must('connect', connected);
    session.adopt(session.must('accept', tcpServer));
    session.step('WSASendDisconnect(client, "bye")', ws2.WSASendDisconnect(tcpClient, wsabuf(bytes('bye'))));
    const reply = bytes('still connected');
    session.step('send(server, "still connected")', await ws2.send(tcpServer, reply, reply.length, 0));
    const buf = new Uint8Array(64);
    const n = await ws2.recv(tcpClient, buf, buf.length, 0);
    session.step('recv(client)', n, n > 0 ? `"${text(buf.subarray(0, n))}"` : '');
    session.step('WSASendDisconnect(client, NULL)', ws2.WSASendDisconnect(tcpClient, null));
    session.step('recv(server)', await ws2.recv(tcpServer, buf, buf.length, 0), '(the peer finished: FIN)');

    log('\nISO transport class 2 over TCP, RFC 2126 (socket(AF_ISO, SOCK_SEQPACKET, ISOPROTO_TP2)):');
    await isoConversation(session);
  } finally {
    session.end();
  }
  return session.steps;
}

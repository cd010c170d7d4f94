/**
 * Faults over real loopback TCP: a hand-driven peer (`RawCotpPeer`, plain `node:net`) sends what a
 * broken or hostile ISO-on-TCP stack might — garbage, a truncated TPKT, a TPKT over the negotiated
 * size, a DR with 65 octets of data, a CR for a TSAP nobody serves, a CR with a calling TSAP too
 * long to name — or stays silent where an answer is due (CR, CC, DC). Each gets the documented
 * answer on the wire (ER, DR 0x85, DR 0x02, DR 0x8A / 0x03, a reset) and the documented Winsock
 * error on the socket (`WSAECONNABORTED`, `WSAECONNREFUSED`, `WSAETIMEDOUT`), and meanwhile the
 * same process keeps serving a healthy connection, which exchanges data before, during and after
 * each fault, and accepts a new one afterwards.
 *
 * The provider runs with shorter timeouts than its defaults (DC, CC, CR, a TPDU stopped half-way:
 * 2 s instead of 10–30 s)
 * so that the silent-peer faults end in seconds. They apply to the healthy connections of the
 * process too, so they stay long enough that a loaded machine never trips them there; only the
 * silent-peer tests wait for them, and no test asserts on how long anything took.
 */
import { sockaddrTp } from '@ws2spi/providers-osi';
import {
  nodeStreamNetwork,
  type Socket,
  WSAECONNABORTED,
  WSAECONNREFUSED,
  WSAEDISCON,
  WSAETIMEDOUT,
  WSAEWOULDBLOCK,
} from '@ws2spi/spi';
import { DisconnectReason } from '../src/cotp/tpdu-codes';
import { encodeTpkt } from '../src/cotp/tpdu-encoder';
import { type OsiProcess, startOsiProcess } from './support/osi-process';
import {
  connectTo,
  errorOf,
  exchange,
  fdCloseError,
  SocketBag,
  tcpPortOf,
  text,
  utf8,
} from './support/osi-steps';
import { RawCotpPeer, RawCotpServer } from './support/raw-cotp-peer';

/** What the raw peer uses as its reference. */
const PEER_REF = 0x4321;
/** The CC, DC and CR timeouts of the process (see the header). */
const SILENT_PEER_TIMEOUT_MS = 2_000;

describe('OSI provider faults over loopback TCP', () => {
  let proc: OsiProcess;
  let bag: SocketBag;
  let healthy: { client: Socket; server: Socket };
  let healthyListener: Socket;
  let faultListener: Socket;
  let faultPort: number;
  let round = 0;
  const raws: RawCotpPeer[] = [];
  const rawServers: RawCotpServer[] = [];

  beforeEach(async () => {
    proc = startOsiProcess({
      streams: nodeStreamNetwork(),
      disconnectTimeoutMs: SILENT_PEER_TIMEOUT_MS,
      connectTimeoutMs: SILENT_PEER_TIMEOUT_MS,
      incomingTimeoutMs: SILENT_PEER_TIMEOUT_MS,
      reassemblyTimeoutMs: SILENT_PEER_TIMEOUT_MS,
    });
    bag = new SocketBag(proc.ws2);
    healthyListener = await bag.listener('HEALTHY');
    healthy = await connectTo(bag, healthyListener);
    await exchange(healthy, 'before');
    faultListener = await bag.listener('FAULT');
    faultPort = tcpPortOf(faultListener.localAddress());
  });

  afterEach(async () => {
    for (const r of raws.splice(0)) r.close();
    for (const s of rawServers.splice(0)) await s.close();
    bag.closeAll();
    proc.end();
  });

  /** The healthy connection works during the fault, and afterwards; a new connection can be made. */
  async function stillServing(): Promise<void> {
    await exchange(healthy, `after-${round++}`);
    const fresh = await connectTo(bag, healthyListener);
    await exchange(fresh, 'fresh');
  }

  async function raw(): Promise<RawCotpPeer> {
    const peer = await RawCotpPeer.connect(faultPort);
    raws.push(peer);
    return peer;
  }

  async function rawServer(): Promise<RawCotpServer> {
    const server = await RawCotpServer.listen();
    rawServers.push(server);
    return server;
  }

  /** A raw client connected and accepted by the fault listener, with the CC it got. */
  async function acceptedRaw(tpduSizeCode?: number) {
    const peer = await raw();
    const [cc, accepted] = await Promise.all([
      peer.handshake({ calledTsap: 'FAULT', srcRef: PEER_REF, ...(tpduSizeCode ? { tpduSizeCode } : {}) }),
      faultListener.accept(),
    ]);
    return { peer, cc, socket: bag.adopt(accepted.socket) };
  }

  it('garbage instead of a CR: the peer gets an ER and the TCP close; nothing reaches accept, and the listener keeps serving', async () => {
    const peer = await raw();
    peer.write(utf8('GET / HTTP/1.1\r\nHost: iso\r\n\r\n'));
    const [er] = await Promise.all([peer.next('ER'), exchange(healthy, 'during')]);
    expect(er.dstRef).toBe(0);
    expect(await peer.closed()).toBe('end');
    // Nothing was queued for accept by the broken connection.
    faultListener.setNonBlocking(true);
    expect(await errorOf(faultListener.accept())).toBe(WSAEWOULDBLOCK);
    faultListener.setNonBlocking(false);
    // The fault listener itself still takes a well-formed connection.
    await exchange(await connectTo(bag, faultListener), 'fault listener');
    await stillServing();
  });

  it('a peer answering the CR with garbage: connect fails WSAECONNABORTED and the peer gets an ER', async () => {
    const server = await rawServer();
    const client = await bag.open();
    const connecting = errorOf(client.connect(sockaddrTp('FOREIGN', '127.0.0.1', server.port)));
    const peer = await server.peer();
    const cr = await peer.next('CR');
    expect(text(cr.parameters.calledTsap!)).toBe('FOREIGN');
    peer.write(Uint8Array.from([0x16, 0x03, 0x01, 0x00, 0x2a, 0x01, 0x00, 0x00]));
    expect(await connecting).toBe(WSAECONNABORTED);
    expect((await peer.next('ER')).type).toBe('ER');
    expect(await peer.closed()).toBe('end');
    await stillServing();
  });

  it('garbage in the data phase: DR 0x85 to the peer, WSAECONNABORTED on recv and in FD_CLOSE', async () => {
    const { peer, cc, socket } = await acceptedRaw();
    peer.write(utf8('this is not a TPKT'));
    const [dr] = await Promise.all([peer.next('DR'), exchange(healthy, 'during')]);
    expect({ reason: dr.reason, dstRef: dr.dstRef, srcRef: dr.srcRef }).toEqual({
      reason: DisconnectReason.PROTOCOL_ERROR,
      dstRef: PEER_REF,
      srcRef: cc.srcRef,
    });
    expect(await fdCloseError(socket)).toBe(WSAECONNABORTED);
    expect(await errorOf(socket.recv())).toBe(WSAECONNABORTED);
    expect(await peer.closed()).toBe('end');
    await stillServing();
  });

  it('a truncated TPKT (TCP ends inside a frame): WSAECONNABORTED, and nothing is sent to the peer', async () => {
    const { peer, socket } = await acceptedRaw();
    // A DT announcing 20 octets, of which 10 arrive before the FIN.
    peer.write(Uint8Array.from([0x03, 0x00, 0x00, 0x14, 0x04, 0xf0, 0x00, 0x01, 0x80, 0x41]));
    peer.finish();
    expect(await errorOf(socket.recv())).toBe(WSAECONNABORTED);
    expect(await peer.closed()).toBe('end');
    expect(peer.tpdus.map((t) => t.type)).toEqual(['CC']);
    await stillServing();
  });

  it('a TPKT longer than the negotiated TPDU size: DR 0x85 to the peer, WSAECONNABORTED to the socket', async () => {
    // The peer proposes 128-octet TPDUs (C0 = 7), so the connection runs with 128.
    const { peer, cc, socket } = await acceptedRaw(7);
    expect(cc.parameters.tpduSizeCode).toBe(7);
    // A well-formed DT whose TPKT is 4 + 5 + 200 = 209 octets, over the 132 agreed.
    peer.send({
      type: 'DT',
      format: 'normal',
      dstRef: cc.srcRef,
      nr: 0,
      eot: true,
      userData: new Uint8Array(200),
    });
    const dr = await peer.next('DR');
    expect({ reason: dr.reason, dstRef: dr.dstRef }).toEqual({
      reason: DisconnectReason.PROTOCOL_ERROR,
      dstRef: PEER_REF,
    });
    expect(await errorOf(socket.recv())).toBe(WSAECONNABORTED);
    await stillServing();
  });

  it('a DR with 65 octets of user data is a protocol error: DR 0x85 back, WSAECONNABORTED, and the 65 octets are not delivered', async () => {
    const { peer, cc, socket } = await acceptedRaw();
    const tooLong = Uint8Array.from({ length: 65 }, (_, i) => i);
    peer.send({
      type: 'DR',
      dstRef: cc.srcRef,
      srcRef: PEER_REF,
      reason: DisconnectReason.NORMAL,
      userData: tooLong,
    });
    const dr = await peer.next('DR');
    expect({ reason: dr.reason, dstRef: dr.dstRef, srcRef: dr.srcRef, data: dr.userData.byteLength }).toEqual(
      {
        reason: DisconnectReason.PROTOCOL_ERROR,
        dstRef: PEER_REF,
        srcRef: cc.srcRef,
        data: 0,
      },
    );
    // The peer confirms our DR; the release completes.
    peer.send({ type: 'DC', dstRef: dr.srcRef, srcRef: PEER_REF });
    expect(await fdCloseError(socket)).toBe(WSAECONNABORTED);
    expect(await errorOf(socket.recv())).toBe(WSAECONNABORTED);
    expect(socket.recvDisconnect().byteLength).toBe(0);
    expect(await peer.closed()).toBe('end');
    await stillServing();
  });

  it('a CR for a TSAP nobody serves is refused with DR 0x02; a provider client gets WSAECONNREFUSED, also for a TSAP bound but not listening', async () => {
    const peer = await raw();
    peer.send({
      type: 'CR',
      dstRef: 0,
      srcRef: PEER_REF,
      classOption: { protocolClass: 2, extendedFormats: false, noExplicitFlowControl: true },
      parameters: { calledTsap: utf8('NOBODY'), tpduSizeCode: 13, additionalOptions: 0 },
      userData: new Uint8Array(0),
    });
    const dr = await peer.next('DR');
    expect({ reason: dr.reason, dstRef: dr.dstRef, srcRef: dr.srcRef }).toEqual({
      reason: DisconnectReason.SESSION_ENTITY_NOT_ATTACHED,
      dstRef: PEER_REF,
      srcRef: 0,
    });
    expect(await peer.closed()).toBe('end');

    const unknown = await bag.open();
    expect(await errorOf(unknown.connect(sockaddrTp('NOBODY', '127.0.0.1', faultPort)))).toBe(
      WSAECONNREFUSED,
    );
    // A selector bound on the same TCP port but not listening is not attached either.
    const idle = await bag.open();
    await idle.bind(sockaddrTp('IDLE', '127.0.0.1', faultPort));
    const caller = await bag.open();
    expect(await errorOf(caller.connect(sockaddrTp('IDLE', '127.0.0.1', faultPort)))).toBe(WSAECONNREFUSED);
    await stillServing();
  });

  it.each([
    { protocolClass: 2, reason: DisconnectReason.HEADER_OR_PARAMETER_LENGTH_INVALID, hex: '0x8A' },
    { protocolClass: 0, reason: DisconnectReason.ADDRESS_UNKNOWN, hex: '0x03' },
  ] as const)(
    'a class-$protocolClass CR with a 40-octet calling TSAP is refused with DR $hex and a FIN, not a reset',
    async ({ protocolClass, reason }) => {
      // SOCKADDR_TP holds at most 32 octets of selector: such a caller cannot be named to accept.
      const listener = protocolClass === 2 ? faultListener : await bag.listener('FAULT0', 0);
      const peer = await RawCotpPeer.connect(tcpPortOf(listener.localAddress()));
      raws.push(peer);
      peer.send({
        type: 'CR',
        dstRef: 0,
        srcRef: PEER_REF,
        classOption: { protocolClass, extendedFormats: false, noExplicitFlowControl: protocolClass === 2 },
        parameters: {
          calledTsap: utf8(protocolClass === 2 ? 'FAULT' : 'FAULT0'),
          callingTsap: new Uint8Array(40).fill(0x41),
          tpduSizeCode: 11,
        },
        userData: new Uint8Array(0),
      });
      expect(await peer.closed()).toBe('end');
      expect(peer.tpdus).toEqual([
        { type: 'DR', dstRef: PEER_REF, srcRef: 0, reason, userData: new Uint8Array(0) },
      ]);
      // Nothing was queued for accept.
      listener.setNonBlocking(true);
      expect(await errorOf(listener.accept())).toBe(WSAEWOULDBLOCK);
      listener.setNonBlocking(false);
      await exchange(await connectTo(bag, listener, protocolClass), 'same listener');
      await stillServing();
    },
  );

  it('a peer that never answers a DR: after the disconnect timeout TCP is reset and the socket reports WSAECONNABORTED', async () => {
    const server = await rawServer();
    const client = await bag.open();
    const connecting = client.connect(sockaddrTp('SILENT', '127.0.0.1', server.port));
    const peer = await server.peer();
    const cr = await peer.next('CR');
    peer.send({
      type: 'CC',
      dstRef: cr.srcRef,
      srcRef: PEER_REF,
      classOption: { protocolClass: 2, extendedFormats: false, noExplicitFlowControl: true },
      parameters: { tpduSizeCode: 13, additionalOptions: 0 },
      userData: new Uint8Array(0),
    });
    await connecting;
    await client.send(utf8('last message'));
    client.sendDisconnect(utf8('goodbye'));
    const dr = await peer.next('DR');
    expect({ reason: dr.reason, dstRef: dr.dstRef, srcRef: dr.srcRef, data: text(dr.userData) }).toEqual({
      reason: DisconnectReason.NORMAL,
      dstRef: PEER_REF,
      srcRef: cr.srcRef,
      data: 'goodbye',
    });
    expect((await peer.next('DT')).userData).toEqual(utf8('last message'));
    // No DC ever comes.
    const [closeError] = await Promise.all([fdCloseError(client), exchange(healthy, 'during')]);
    expect(closeError).toBe(WSAECONNABORTED);
    expect(await errorOf(client.recv())).toBe(WSAECONNABORTED);
    expect(await peer.closed()).toBe('reset');
    await stillServing();
  });

  it('a caller that withdraws its CR with a DR before WSAAccept: it gets a DC; the accepted socket reads WSAEDISCON and the DR data', async () => {
    const peer = await raw();
    peer.send({
      type: 'CR',
      dstRef: 0,
      srcRef: PEER_REF,
      classOption: { protocolClass: 2, extendedFormats: false, noExplicitFlowControl: true },
      parameters: { calledTsap: utf8('FAULT'), tpduSizeCode: 13, additionalOptions: 0 },
      userData: utf8('hello'),
    });
    // The CR waits in the backlog (connect data: the CC is only sent by WSAAccept); withdraw it.
    await exchange(healthy, 'during');
    peer.send({
      type: 'DR',
      dstRef: 0,
      srcRef: PEER_REF,
      reason: DisconnectReason.NORMAL,
      userData: utf8('changed my mind'),
    });
    const dc = await peer.next('DC');
    expect({ dstRef: dc.dstRef, srcRef: dc.srcRef }).toEqual({ dstRef: PEER_REF, srcRef: 0 });
    expect(await peer.closed()).toBe('end');
    const accepted = bag.adopt((await faultListener.accept()).socket);
    expect(await errorOf(accepted.recv())).toBe(WSAEDISCON);
    expect(text(accepted.recvDisconnect())).toBe('changed my mind');
    expect(peer.tpdus.map((t) => t.type)).toEqual(['DC']);
    await stillServing();
  });

  it('a peer that never answers a CR: connect fails WSAETIMEDOUT and TCP is closed then, not at closesocket (issue 12, fault 6)', async () => {
    const server = await rawServer();
    const client = await bag.open();
    const connecting = errorOf(client.connect(sockaddrTp('MUTE', '127.0.0.1', server.port)));
    const peer = await server.peer();
    await peer.next('CR');
    expect(await connecting).toBe(WSAETIMEDOUT);
    // The socket is still open; the TCP connection is not: reset at the timeout, not half closed
    // (a FIN would leave it open until the mute peer closes its side, or the linger timer).
    expect(await peer.closed()).toBe('reset');
    await stillServing();
  });

  it('a peer that stops in the middle of a TPDU in the data phase: DR reason 0, WSAETIMEDOUT on recv and in FD_CLOSE (issue 12, fault 6)', async () => {
    const { peer, cc, socket } = await acceptedRaw();
    // A DT announcing 4 + 5 + 100 octets, of which the header and 3 octets of data arrive.
    const dt = encodeTpkt({
      type: 'DT',
      format: 'normal',
      dstRef: cc.srcRef,
      nr: 0,
      eot: true,
      userData: new Uint8Array(100),
    });
    peer.write(dt.subarray(0, 12));
    const [dr] = await Promise.all([peer.next('DR'), exchange(healthy, 'during')]);
    expect({ reason: dr.reason, dstRef: dr.dstRef, srcRef: dr.srcRef }).toEqual({
      reason: DisconnectReason.NOT_SPECIFIED,
      dstRef: PEER_REF,
      srcRef: cc.srcRef,
    });
    expect(await fdCloseError(socket)).toBe(WSAETIMEDOUT);
    expect(await errorOf(socket.recv())).toBe(WSAETIMEDOUT);
    expect(await errorOf(socket.send(utf8('more')))).toBe(WSAETIMEDOUT);
    expect(await peer.closed()).toBe('end');
    await stillServing();
  });

  it('a class-0 peer that answers the CR by echoing its parameters (PLC style): TP0 connects and data flows (issue 12, fault 7)', async () => {
    const server = await rawServer();
    const client = await bag.open(0);
    const connecting = client.connect(sockaddrTp('PLC', '127.0.0.1', server.port));
    const peer = await server.peer();
    const cr = await peer.next('CR');
    // What RFC 1006 peers know: TSAPs, C0 (≤ 2048) and C6 for expedited data; no F0.
    expect(cr.classOption.protocolClass).toBe(0);
    expect(cr.parameters).toEqual({
      calledTsap: utf8('PLC'),
      tpduSizeCode: 11,
      additionalOptions: 1,
    });
    peer.send({
      type: 'CC',
      dstRef: cr.srcRef,
      srcRef: PEER_REF,
      classOption: cr.classOption,
      parameters: cr.parameters,
      userData: new Uint8Array(0),
    });
    await connecting;
    await client.send(utf8('read DB1'));
    const dt = await peer.next('DT');
    expect({ format: dt.format, eot: dt.eot, data: text(dt.userData) }).toEqual({
      format: 'class0',
      eot: true,
      data: 'read DB1',
    });
    peer.send({ type: 'DT', format: 'class0', dstRef: 0, nr: 0, eot: true, userData: utf8('DB1 = 42') });
    expect(text(await client.recv())).toBe('DB1 = 42');
    await stillServing();
  });

  it('a TCP client that never sends a CR is dropped, and the listener keeps serving', async () => {
    const peer = await raw();
    expect(await peer.closed()).toBe('reset');
    expect(peer.tpdus).toEqual([]);
    await exchange(await connectTo(bag, faultListener), 'fault listener');
    await stillServing();
  });
});

/**
 * The wire, as tshark decodes it from a capture on `lo`: a graceful `WSASendDisconnect` exchange
 * puts FINs on the wire and no RST; a linger-zero `closesocket` puts an RST on the wire and no FIN.
 * Skipped with the reason when tshark is not installed or cannot capture on `lo` (no permission),
 * unless `WS2SPI_REQUIRE_TSHARK=1` (CI), where it must run (`describeWithTshark`).
 */
import {
  AF_INET,
  IPPROTO_TCP,
  nodeDatagramNetwork,
  nodeStreamNetwork,
  SO_LINGER,
  SOCK_STREAM,
  Socket,
  WSAECONNRESET,
} from '@ws2spi/spi';
import { describeWithTshark, LoopbackCapture } from '@ws2spi/spi/testing';
import { startTcpProcess, type TcpProcess } from './support/tcp-process';
import { closeAll, errorOf, loopback, portOf, readToEnd } from './support/winsock-steps';

/** One decoded TCP segment. */
interface Segment {
  src: number;
  dst: number;
  fin: boolean;
  rst: boolean;
}

/** tshark prints booleans as 1/0 (4.0) or True/False (4.2 and later). */
const flag = (v: string | undefined): boolean => v === '1' || v === 'True';

describeWithTshark('packet capture on lo', () => {
  let proc: TcpProcess;
  let capture: LoopbackCapture | undefined;
  const sockets: Socket[] = [];

  beforeEach(() => {
    proc = startTcpProcess({ streams: nodeStreamNetwork(), datagrams: nodeDatagramNetwork() });
  });

  afterEach(async () => {
    closeAll(...sockets.splice(0));
    proc.end();
    if (capture) {
      await capture.stop();
      capture.dispose();
    }
    capture = undefined;
  });

  async function open(): Promise<Socket> {
    const s = await Socket.create(proc.ws2, AF_INET, SOCK_STREAM, IPPROTO_TCP);
    sockets.push(s);
    return s;
  }

  it('graceful WSASendDisconnect shows FIN and no RST; linger-zero close shows RST and no FIN', async () => {
    // The listener's port is known before the capture starts (bind claims the port), so the
    // capture filter sees only this test's traffic.
    const listener = await open();
    await listener.bind(loopback(4));
    const tcpPort = portOf(listener.localAddress());
    capture = await LoopbackCapture.start(`tcp port ${tcpPort}`);

    await listener.listen(4);
    const target = listener.localAddress()!;

    // Graceful: data, WSASendDisconnect(NULL) both ways, every byte read, then closesocket.
    const gracefulClient = await open();
    const [graceful] = await Promise.all([listener.accept(), gracefulClient.connect(target)]);
    sockets.push(graceful.socket);
    await gracefulClient.sendAll(new TextEncoder().encode('hello'));
    expect(proc.ws2.WSASendDisconnect(gracefulClient.handle, null)).toBe(0);
    expect(new TextDecoder().decode(await readToEnd(graceful.socket))).toBe('hello');
    expect(proc.ws2.WSASendDisconnect(graceful.socket.handle, null)).toBe(0);
    expect((await readToEnd(gracefulClient)).byteLength).toBe(0);
    const gracefulPort = portOf(gracefulClient.localAddress());
    gracefulClient.close();
    graceful.socket.close();

    // Abortive: SO_LINGER {1, 0} and closesocket; the server sees the reset.
    const abortiveClient = await open();
    const [abortive] = await Promise.all([listener.accept(), abortiveClient.connect(target)]);
    sockets.push(abortive.socket);
    const abortivePort = portOf(abortiveClient.localAddress());
    abortiveClient.setOption(SO_LINGER, { l_onoff: 1, l_linger: 0 });
    abortiveClient.close();
    expect(await errorOf(abortive.socket.recv())).toBe(WSAECONNRESET);

    // Everything above is on the wire before the capture's end marker.
    await capture.finish();

    const segments: Segment[] = capture
      .decode(['tcp.srcport', 'tcp.dstport', 'tcp.flags.fin', 'tcp.flags.reset'])
      .filter((row) => row[0] !== '')
      .map(([src, dst, fin, rst]) => ({
        src: Number(src),
        dst: Number(dst),
        fin: flag(fin),
        rst: flag(rst),
      }));
    const of = (port: number): Segment[] => segments.filter((s) => s.src === port || s.dst === port);

    const gracefulSegments = of(gracefulPort);
    expect(gracefulSegments.length).toBeGreaterThan(0);
    expect(gracefulSegments.filter((s) => s.fin && s.src === gracefulPort)).toHaveLength(1);
    expect(gracefulSegments.filter((s) => s.fin && s.src === tcpPort)).toHaveLength(1);
    expect(gracefulSegments.filter((s) => s.rst)).toEqual([]);

    const abortiveSegments = of(abortivePort);
    expect(abortiveSegments.filter((s) => s.rst && s.src === abortivePort).length).toBeGreaterThanOrEqual(1);
    expect(abortiveSegments.filter((s) => s.fin)).toEqual([]);
  });
});

/**
 * Interop, witnessed by an independent decoder: a real ISO-on-TCP exchange between two sockets of
 * the OSI provider over loopback (the package's own real-network `WSPStartup`, found through the
 * catalog path) is captured on `lo` with tshark, and Wireshark's COTP dissector must show what the
 * Winsock calls asked for: CR/CC with the TSAP selectors, class 2 (`0x21`) and the connect data of
 * `WSAConnect` / the accept condition, DTs both ways, the DR of `WSASendDisconnect` with reason
 * 0x80, the non-disruptive marker and 64 octets of disconnect data, and the DC — with the references
 * of every TPDU consistent with the CR/CC exchange.
 *
 * The capture (`LoopbackCapture`, shared with providers-tcp's capture test) filters on the
 * listener's own ephemeral port, waits until tshark really captures, and is stopped and deleted
 * after the test. Skipped with the reason when tshark is not installed or cannot capture on `lo`
 * (no permission), unless `WS2SPI_REQUIRE_TSHARK=1`, where it must run (`describeWithTshark`).
 */
import { sockaddrTp, tpEndpointOf } from '@ws2spi/providers-osi';
import { AF_ISO, ISOPROTO_TP2, isWsaError, SOCK_SEQPACKET, Socket, WSAEDISCON } from '@ws2spi/spi';
import { describeWithTshark, LoopbackCapture } from '@ws2spi/spi/testing';
import { tsharkFields } from './fixtures/tshark';
import { type OsiProcess, startOsiProcess } from './support/osi-process';

const FIELDS = [
  'frame.number',
  'tcp.srcport',
  'cotp.type',
  'cotp.destref',
  'cotp.srcref',
  'cotp.class',
  'cotp.opts.no_explicit_flow_control',
  'cotp.cause',
  'cotp.eot',
  'cotp.src-tsap',
  'cotp.dst-tsap',
  'cotp.parameter_code',
  'cotp.parameter_value',
  'data.data',
];

/** Wireshark's PDU-type codes (the high nibble of the code octet). */
const TYPE = { CR: '0x0e', CC: '0x0d', DT: '0x0f', DR: '0x08', DC: '0x0c' } as const;
const NAME_OF_TYPE: Record<string, string> = Object.fromEntries(Object.entries(TYPE).map(([k, v]) => [v, k]));

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
/** tshark prints booleans as 1/0 (4.0) or True/False (4.2 and later). */
const flag = (v: string | undefined): boolean => v === '1' || v === 'True';

/** The recv that reports the peer's release on a message-oriented socket. */
async function expectDiscon(socket: Socket): Promise<void> {
  try {
    await socket.recv();
  } catch (error) {
    if (isWsaError(error, WSAEDISCON)) return;
    throw error;
  }
  throw new Error('recv returned data where the end of the connection (WSAEDISCON) was expected');
}

describeWithTshark('ISO-on-TCP exchange captured on lo, decoded by tshark', () => {
  let proc: OsiProcess | undefined;
  let capture: LoopbackCapture | undefined;
  const sockets: Socket[] = [];

  afterEach(async () => {
    for (const s of sockets.splice(0)) {
      try {
        s.close();
      } catch {
        // closed by the test
      }
    }
    proc?.end();
    proc = undefined;
    if (capture) {
      await capture.stop();
      capture.dispose();
    }
    capture = undefined;
  });

  async function open(): Promise<Socket> {
    const s = await Socket.create(proc!.ws2, AF_ISO, SOCK_SEQPACKET, ISOPROTO_TP2);
    sockets.push(s);
    return s;
  }

  it('CR/CC with connect data, DT both ways, DR (0x80) with 64 octets of disconnect data, DC', async () => {
    // The catalog names the package: the dispatcher imports it and runs its real-TCP WSPStartup.
    proc = startOsiProcess();
    const callerData = utf8('caller data, 20 oct');
    const calleeData = utf8('callee data: 32 octets exactly!!');
    const disconnectData = Uint8Array.from({ length: 64 }, (_, i) => (i * 37 + 11) & 0xff);
    expect(calleeData.byteLength).toBe(32);

    const listener = await open();
    await listener.bind(sockaddrTp('ITOT-SRV', '127.0.0.1', 0));
    const bound = tpEndpointOf(listener.localAddress()!);
    if (typeof bound === 'string') throw new Error(`bad local address: ${bound}`);
    // The port is claimed at bind, so the capture filter sees only this test's connection.
    capture = await LoopbackCapture.start(`tcp port ${bound.port}`);
    await listener.listen(2);

    const client = await open();
    await client.bind(sockaddrTp('ITOT-CLI', '127.0.0.1', 0));
    let seenCallerData: Uint8Array | undefined;
    const [accepted, connected] = await Promise.all([
      listener.accept((request) => {
        seenCallerData = request.callerData;
        return { accept: true, calleeData };
      }),
      client.connect(sockaddrTp('ITOT-SRV', '127.0.0.1', bound.port), { callerData }),
    ]);
    const server = accepted.socket;
    sockets.push(server);
    expect(hex(seenCallerData!)).toBe(hex(callerData));
    expect(hex(connected.calleeData)).toBe(hex(calleeData));

    await client.send(utf8('hello over ITOT'));
    expect(new TextDecoder().decode(await server.recv())).toBe('hello over ITOT');
    await server.send(utf8('reply'));
    expect(new TextDecoder().decode(await client.recv())).toBe('reply');

    client.sendDisconnect(disconnectData);
    await expectDiscon(server);
    expect(hex(server.recvDisconnect())).toBe(hex(disconnectData));
    // The client reads the end once the DC confirmed its DR: everything is on the wire.
    await expectDiscon(client);
    await capture.finish();

    const rows = tsharkFields(capture.file, FIELDS, {
      ports: [bound.port],
      filter: 'cotp',
      checksums: false,
    });
    expect(rows.map((r) => NAME_OF_TYPE[r['cotp.type']!] ?? r['cotp.type'])).toEqual([
      'CR',
      'CC',
      'DT',
      'DT',
      'DR',
      'DC',
    ]);
    const [cr, cc, dtToServer, dtToClient, dr, dc] = rows;
    const initiatorRef = cr!['cotp.srcref']!;
    const responderRef = cc!['cotp.srcref']!;
    expect([initiatorRef, responderRef]).not.toContain('0x0000');
    const serverPort = String(bound.port);

    // CR: from the client, class 2 without explicit flow control, both selectors, the caller data.
    expect({
      from: cr!['tcp.srcport'] === serverPort ? 'server' : 'client',
      destref: cr!['cotp.destref'],
      class: cr!['cotp.class'],
      noExplicitFlowControl: flag(cr!['cotp.opts.no_explicit_flow_control']),
      calling: cr!['cotp.src-tsap'],
      called: cr!['cotp.dst-tsap'],
      data: cr!['data.data'],
    }).toEqual({
      from: 'client',
      destref: '0x0000',
      class: '2',
      noExplicitFlowControl: true,
      calling: 'ITOT-CLI',
      called: 'ITOT-SRV',
      data: hex(callerData),
    });
    // CC: from the server, to the CR's reference, class 2, the callee data.
    expect({
      from: cc!['tcp.srcport'] === serverPort ? 'server' : 'client',
      destref: cc!['cotp.destref'],
      class: cc!['cotp.class'],
      noExplicitFlowControl: flag(cc!['cotp.opts.no_explicit_flow_control']),
      data: cc!['data.data'],
    }).toEqual({
      from: 'server',
      destref: initiatorRef,
      class: '2',
      noExplicitFlowControl: true,
      data: hex(calleeData),
    });
    // DTs: each addressed to the other end's reference, one TSDU each (EOT).
    expect(
      [dtToServer, dtToClient].map((t) => [t!['cotp.destref'], flag(t!['cotp.eot']), t!['data.data']]),
    ).toEqual([
      [responderRef, true, hex(utf8('hello over ITOT'))],
      [initiatorRef, true, hex(utf8('reply'))],
    ]);
    // DR: normal disconnect (128), E0 = 80 (non-disruptive, RFC 2126 §4.2.3), the 64 octets.
    expect({
      destref: dr!['cotp.destref'],
      srcref: dr!['cotp.srcref'],
      cause: dr!['cotp.cause'],
      parameterCode: dr!['cotp.parameter_code'],
      parameterValue: dr!['cotp.parameter_value'],
      data: dr!['data.data'],
    }).toEqual({
      destref: responderRef,
      srcref: initiatorRef,
      cause: '128',
      parameterCode: '0xe0',
      parameterValue: '80',
      data: hex(disconnectData),
    });
    // DC: from the server, confirming the DR.
    expect({
      from: dc!['tcp.srcport'] === serverPort ? 'server' : 'client',
      destref: dc!['cotp.destref'],
      srcref: dc!['cotp.srcref'],
    }).toEqual({ from: 'server', destref: initiatorRef, srcref: responderRef });
  });
});

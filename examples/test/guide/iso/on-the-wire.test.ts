// examples/test/guide/iso/on-the-wire.test.ts — the ISO transport guide: what the class-2
// conversation puts on TCP, read back with the package's own COTP decoder — the CR with the
// caller's data, the DTs, and the DR with reason 0x80, RFC 2126's non-disruptive marker and the
// disconnect data.
import 'reflect-metadata';
import { afterEach, expect, it } from '@jest/globals';
import {
  createOsiProvider,
  decodeTpkt,
  installOsiProviders,
  sockaddrTp,
  type Tpdu,
  TpktReassembler,
} from '@ws2spi/providers-osi';
import {
  AF_ISO,
  Catalog,
  createProviderContainer,
  emptyWsaData,
  ISOPROTO_TP2,
  MAKEWORD,
  nodeStreamNetwork,
  registerProvider,
  SOCK_SEQPACKET,
  Socket,
  type StreamConnection,
  type StreamNetwork,
  Ws2,
} from '@ws2spi/spi';

/** Node's `net`, with every connection this process opens copying what it writes into `sent`. */
function tappedNetwork(sent: Uint8Array[]): StreamNetwork {
  const real = nodeStreamNetwork();
  const tap = (c: StreamConnection): StreamConnection => ({
    get local() {
      return c.local;
    },
    get remote() {
      return c.remote;
    },
    get bufferedAmount() {
      return c.bufferedAmount;
    },
    setHandlers: (handlers) => c.setHandlers(handlers),
    write: (data) => {
      sent.push(data.slice());
      return c.write(data);
    },
    end: () => c.end(),
    reset: () => c.reset(),
    pause: () => c.pause(),
    resume: () => c.resume(),
  });
  return {
    connect: async (options) => tap(await real.connect(options)),
    listen: (options, onConnection) => real.listen(options, onConnection),
  };
}

/** The TPDUs in a byte stream, in order. */
function tpdus(chunks: Uint8Array[]): Tpdu[] {
  const reassembler = new TpktReassembler();
  for (const chunk of chunks) reassembler.push(chunk);
  const found: Tpdu[] = [];
  for (let next = reassembler.next(); next.kind === 'frame'; next = reassembler.next()) {
    const decoded = decodeTpkt(next.frame);
    if (!decoded.ok) throw new Error(decoded.error.message);
    found.push(decoded.value);
  }
  return found;
}

let ws2: Ws2 | undefined;
afterEach(() => {
  ws2?.WSACleanup();
});

it('sends a CR with the caller data, DTs, then a DR with reason 0x80, E0 80 and the data', async () => {
  const sent: Uint8Array[] = [];
  const catalog = new Catalog();
  installOsiProviders(catalog, { path: 'osi-tapped' });
  const container = createProviderContainer();
  registerProvider(container, 'osi-tapped', createOsiProvider({ streams: tappedNetwork(sent) }).WSPStartup);
  ws2 = new Ws2({ catalog, container });
  ws2.WSAStartup(MAKEWORD(2, 2), emptyWsaData());

  const listener = await Socket.create(ws2, AF_ISO, SOCK_SEQPACKET, ISOPROTO_TP2);
  await listener.bind(sockaddrTp('TIME', '127.0.0.1', 0));
  await listener.listen();
  const client = await Socket.create(ws2, AF_ISO, SOCK_SEQPACKET, ISOPROTO_TP2);
  const [{ socket: server }] = await Promise.all([
    listener.accept(),
    client.connect(listener.localAddress()!, { callerData: new TextEncoder().encode('hello') }),
  ]);
  await client.send(new TextEncoder().encode('one message'));
  await server.recv();
  client.sendDisconnect(new TextEncoder().encode('bye'));
  await server.recv().catch(() => undefined); // WSAEDISCON: the DR has arrived

  const [cr, dt, dr] = tpdus(sent); // what the client wrote on its TCP connection
  expect(cr).toMatchObject({
    type: 'CR',
    classOption: { protocolClass: 2 },
    parameters: { calledTsap: new TextEncoder().encode('TIME') },
    userData: new TextEncoder().encode('hello'),
  });
  expect(dt).toMatchObject({ type: 'DT', eot: true, userData: new TextEncoder().encode('one message') });
  expect(dr).toMatchObject({
    type: 'DR',
    reason: 0x80, // normal disconnect initiated by the session entity
    additionalInfo: Uint8Array.of(0x80), // E0 80: non-disruptive, after every DT (RFC 2126)
    userData: new TextEncoder().encode('bye'),
  });
});

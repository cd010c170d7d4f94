// examples/test/guide/iso/iso-transport.test.ts — the ISO transport guide: connect data in the CR,
// callee data in the CC, whole messages, and a release whose DR carries data the peer reads —
// over real TCP on 127.0.0.1, with the limits and refusals Winsock defines.
import 'reflect-metadata';
import { afterEach, beforeEach, expect, it } from '@jest/globals';
import {
  installOsiProviders,
  OSI_PROVIDER_PATH,
  WSPStartup as osiWSPStartup,
  sockaddrTp,
} from '@ws2spi/providers-osi';
import {
  AF_ISO,
  Catalog,
  createProviderContainer,
  emptyWsaData,
  ISOPROTO_TP0,
  ISOPROTO_TP2,
  MAKEWORD,
  out,
  registerProvider,
  SOCK_SEQPACKET,
  Socket,
  WSAECONNREFUSED,
  WSAEDISCON,
  WSAEMSGSIZE,
  WSAENOPROTOOPT,
  Ws2,
} from '@ws2spi/spi';
import { registerWinsockMatchers } from '@ws2spi/spi/testing';

registerWinsockMatchers();

const text = (s: string) => new TextEncoder().encode(s);
const read = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

let ws2: Ws2;
beforeEach(() => {
  const catalog = new Catalog();
  installOsiProviders(catalog); // TP2 and TP0 entries; the default catalog has them too
  const container = createProviderContainer();
  registerProvider(container, OSI_PROVIDER_PATH, osiWSPStartup); // what import() of the path would find
  ws2 = new Ws2({ catalog, container });
  ws2.WSAStartup(MAKEWORD(2, 2), emptyWsaData());
});
afterEach(() => {
  ws2.WSACleanup();
});

/** A listener for TSAP `tsel` on 127.0.0.1 (an ephemeral TCP port), and its address for clients. */
async function listen(protocol: number, tsel: string) {
  const listener = await Socket.create(ws2, AF_ISO, SOCK_SEQPACKET, protocol);
  await listener.bind(sockaddrTp(tsel, '127.0.0.1', 0));
  await listener.listen();
  return { listener, address: listener.localAddress()! };
}

it('class 2: connect data both ways, whole messages, and disconnect data in the DR', async () => {
  const { listener, address } = await listen(ISOPROTO_TP2, 'TIME');
  const client = await Socket.create(ws2, AF_ISO, SOCK_SEQPACKET, ISOPROTO_TP2);

  const [accepted, connected] = await Promise.all([
    // WSAAccept's condition sees the CR's user data and answers with the CC's.
    listener.accept(({ callerData }) => ({ accept: true, calleeData: text(`re: ${read(callerData)}`) })),
    client.connect(address, { callerData: text('hello') }), // WSAConnect with lpCallerData
  ]);
  expect(read(connected.calleeData)).toBe('re: hello'); // lpCalleeData
  const server = accepted.socket;

  await client.send(text('one'));
  await client.send(text('two'));
  expect(read(await server.recv())).toBe('one'); // a TSDU per recv: boundaries kept
  expect(read(await server.recv())).toBe('two');

  expect(() => client.sendDisconnect(new Uint8Array(65))).toThrowWsaError(WSAEMSGSIZE); // a DR holds 64
  client.sendDisconnect(text('bye')); // WSASendDisconnect: a DR carrying "bye"
  await expect(server.recv()).rejects.toThrowWsaError(WSAEDISCON); // the circuit was released
  expect(read(server.recvDisconnect())).toBe('bye'); // WSARecvDisconnect
  // No half-close in ISO transport: the release ended both directions.
  await expect(server.send(text('too late'))).rejects.toThrowWsaError(WSAEDISCON);
});

it('class 2: a condition that rejects refuses the caller with a DR (WSAECONNREFUSED)', async () => {
  const { listener, address } = await listen(ISOPROTO_TP2, 'GATE');
  const gate = ({ callerData }: { callerData: Uint8Array }) =>
    read(callerData) === 'let me in' ? { accept: true as const } : { accept: false as const };
  const client = await Socket.create(ws2, AF_ISO, SOCK_SEQPACKET, ISOPROTO_TP2);
  const [refused, refusing] = await Promise.allSettled([
    client.connect(address, { callerData: text('nope') }),
    listener.accept(gate), // CF_REJECT: WSAAccept fails too, with WSAECONNREFUSED
  ]);
  expect(refused.status === 'rejected' && refused.reason).toBeWsaError(WSAECONNREFUSED);
  expect(refusing.status === 'rejected' && refusing.reason).toBeWsaError(WSAECONNREFUSED);

  const again = await Socket.create(ws2, AF_ISO, SOCK_SEQPACKET, ISOPROTO_TP2);
  await Promise.all([again.connect(address, { callerData: text('let me in') }), listener.accept(gate)]);
});

it('class 0 (RFC 1006): the release is TCP’s close, so disconnect data is WSAENOPROTOOPT', async () => {
  const { listener, address } = await listen(ISOPROTO_TP0, 'TP0');
  const client = await Socket.create(ws2, AF_ISO, SOCK_SEQPACKET, ISOPROTO_TP0);
  const [{ socket: server }] = await Promise.all([listener.accept(), client.connect(address)]);

  expect(() => client.sendDisconnect(text('bye'))).toThrowWsaError(WSAENOPROTOOPT); // nothing sent or shut
  await client.send(text('still open'));
  expect(read(await server.recv())).toBe('still open');
  client.sendDisconnect(); // without data: the release (TCP FIN)
  await expect(server.recv()).rejects.toThrowWsaError(WSAEDISCON);
  expect(server.recvDisconnect()).toEqual(new Uint8Array(0));
});

it('names addresses as RFC 1278 writes them, both ways (WSAAddressToStringW, WSAStringToAddressW)', async () => {
  const address = sockaddrTp('TIME', '127.0.0.1', 10102);
  const textForm = out('');
  expect(await ws2.WSAAddressToStringW(address, 72, null, textForm, out(256))).toBe(0);
  expect(textForm.value).toBe('"TIME"/Internet=127.0.0.1+10102');
  const parsed = out<typeof address | null>(null);
  expect(await ws2.WSAStringToAddressW(textForm.value, AF_ISO, null, parsed, out(72))).toBe(0);
  expect(parsed.value).toEqual(address);
});

// examples/test/guide/base-provider/framed-provider.test.ts — the base-provider guide: install the
// framed-messages provider in a catalog and use it over real TCP on 127.0.0.1, like any other.
import 'reflect-metadata';
import { afterEach, beforeEach, expect, it } from '@jest/globals';
import {
  AF_INET,
  Catalog,
  createProviderContainer,
  emptyWsaData,
  MAKEWORD,
  out,
  registerProvider,
  SO_PROTOCOL_INFOW,
  SOCK_SEQPACKET,
  Socket,
  sockaddrIn,
  WSAEDISCON,
  WSAEMSGSIZE,
  Ws2,
} from '@ws2spi/spi';
import { registerWinsockMatchers } from '@ws2spi/spi/testing';
import { FRAMED_PROVIDER_ID, framedProtocolInfo, IPPROTO_FRAMED, WSPStartup } from './framed-provider';

registerWinsockMatchers();

let ws2: Ws2;

beforeEach(() => {
  // The catalog entry, under a provider path; the path names the WSPStartup in the container.
  const catalog = new Catalog();
  const lpErrno = out(0);
  expect(catalog.WSCInstallProvider(FRAMED_PROVIDER_ID, 'framed', [framedProtocolInfo()], 1, lpErrno)).toBe(
    0,
  );
  const container = createProviderContainer();
  registerProvider(container, 'framed', WSPStartup);
  ws2 = new Ws2({ catalog, container });
  expect(ws2.WSAStartup(MAKEWORD(2, 2), emptyWsaData())).toBe(0);
});

afterEach(() => {
  ws2.WSACleanup(); // closes every socket of the process
});

const text = (s: string) => new TextEncoder().encode(s);
const read = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

it('keeps message boundaries and carries disconnect data to the peer', async () => {
  const listener = await Socket.create(ws2, AF_INET, SOCK_SEQPACKET, IPPROTO_FRAMED);
  await listener.bind(sockaddrIn('127.0.0.1', 0));
  await listener.listen();
  const client = await Socket.create(ws2, AF_INET, SOCK_SEQPACKET, IPPROTO_FRAMED);
  const [{ socket: server }] = await Promise.all([
    listener.accept(),
    client.connect(listener.localAddress()!),
  ]);

  await client.send(text('first'));
  await client.send(text('second'));
  expect(read(await server.recv())).toBe('first'); // one message per recv, never merged
  expect(read(await server.recv())).toBe('second');

  expect(() => client.sendDisconnect(new Uint8Array(65))).toThrowWsaError(WSAEMSGSIZE); // over 64 octets
  client.sendDisconnect(text('goodbye')); // WSASendDisconnect: the BYE frame, then the FIN
  await expect(server.recv()).rejects.toThrowWsaError(WSAEDISCON); // message-oriented: the peer closed
  expect(read(server.recvDisconnect())).toBe('goodbye'); // WSARecvDisconnect
});

it('is chosen by the catalog: socket(AF_INET, SOCK_SEQPACKET, 253) gets it', async () => {
  const s = await Socket.create(ws2, AF_INET, SOCK_SEQPACKET, IPPROTO_FRAMED);
  const info = s.getOption(SO_PROTOCOL_INFOW) as { szProtocol: string };
  expect(info.szProtocol).toBe('Framed messages over TCP [with goodbye data]');
});

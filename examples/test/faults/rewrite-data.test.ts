/**
 * Winsock fault: add, strip or rewrite connect and disconnect data. ISO transport (RFC 1006 class 2)
 * carries data in its CR, CC and DR; a layer on the client tags the caller data it connects with,
 * and replaces what the application says when it disconnects. (Over TCP, which carries neither,
 * the same layer makes the calls fail the way the provider fails them: WSAEPROTONOSUPPORT,
 * WSAENOPROTOOPT.)
 */
import { expect, it } from '@jest/globals';
import { createOsiProvider, installOsiProviders, sockaddrTp } from '@ws2spi/providers-osi';
import {
  AF_ISO,
  type Catalog,
  createFaultInjectorLayer,
  ISOPROTO_TP2,
  registerProvider,
  replaceDisconnectData,
  SOCK_SEQPACKET,
  Socket,
  WSAEDISCON,
} from '@ws2spi/spi';
import { createLayeredProcess, registerWinsockMatchers, type SimHost, SimNetwork } from '@ws2spi/spi/testing';
import type { DependencyContainer } from 'tsyringe';
import { utf8 } from '../support/two-machines';

registerWinsockMatchers();

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

function osiOver(host: SimHost) {
  return (catalog: Catalog, container: DependencyContainer) => {
    registerProvider(container, 'sim-osi', createOsiProvider({ streams: host.streams }).WSPStartup);
    installOsiProviders(catalog, { path: 'sim-osi' });
  };
}

it('tags the connect data and replaces the disconnect data the client sends', async () => {
  const network = new SimNetwork({ timing: 'virtual' });
  const faults = createFaultInjectorLayer({
    clock: network.clock,
    connectData: { outbound: (data) => utf8(`${text(data ?? new Uint8Array(0))} [via LSP]`) },
    disconnectData: { outbound: replaceDisconnectData(utf8('rewritten goodbye')) },
  });
  const client = await createLayeredProcess({
    bases: osiOver(network.addHost('client', { ipv4: ['10.0.0.1'] })),
    layers: [{ name: 'faults', provider: faults }],
  });
  const server = await createLayeredProcess({
    bases: osiOver(network.addHost('server', { ipv4: ['10.0.0.2'] })),
  });
  const listener = await Socket.create(server.ws2, AF_ISO, SOCK_SEQPACKET, ISOPROTO_TP2);
  await listener.bind(sockaddrTp('app', '0.0.0.0', 102));
  await listener.listen();

  // The server's accept condition sees the caller data as it arrived in the CR.
  let callerData = '';
  const socket = await Socket.create(client.ws2, AF_ISO, SOCK_SEQPACKET, ISOPROTO_TP2);
  const [{ socket: peer }] = await Promise.all([
    listener.accept(({ callerData: data }) => {
      callerData = text(data);
      return { accept: true };
    }),
    socket.connect(sockaddrTp('app', '10.0.0.2', 102), { callerData: utf8('hello') }),
  ]);
  expect(callerData).toBe('hello [via LSP]');

  socket.sendDisconnect(utf8('goodbye')); // WSASendDisconnect: a DR with user data
  await expect(peer.recv()).rejects.toThrowWsaError(WSAEDISCON); // the release
  expect(text(peer.recvDisconnect())).toBe('rewritten goodbye'); // WSARecvDisconnect
  expect(faults.injected.map((f) => `${f.kind} ${f.call}`)).toEqual([
    'rewrite lpWSPConnect',
    'rewrite lpWSPSendDisconnect',
  ]);
  await client.teardown();
  await server.teardown();
  await network.idle();
  network.close();
});

// examples/test/guide/wsk/wsk-disconnect-path.test.ts — the WSK picture in docs/architecture.md: a
// WSK client's WskSend and graceful WskDisconnect with a final buffer, the IRPs completing, and what
// travels on the (simulated) wire to a Winsock application over TCP.
import 'reflect-metadata';
import { expect, it } from '@jest/globals';
import { createTcpProvider, installTcpProviders, tcpWskTransports } from '@ws2spi/providers-tcp';
import { AF_INET, IPPROTO_TCP, registerProvider, SOCK_STREAM, Socket, sockaddrIn } from '@ws2spi/spi';
import { createLayeredProcess, SimNetwork } from '@ws2spi/spi/testing';
import {
  callWithIrp,
  createWskProvider,
  ntStatusName,
  type WSK_PROVIDER_CONNECTION_DISPATCH,
  type WSK_SOCKET,
  WskSubsystem,
  wskBuf,
} from '@ws2spi/spi/wsk';
import { startWskClient } from './greeting-client';

it('draws WskDisconnect from the WSK client to the wire', async () => {
  const steps: string[] = [];
  const network = new SimNetwork({
    timing: 'virtual',
    // Every packet between the hosts, as a note on the network's lifeline.
    trace: (entry) => {
      if (entry.label.includes(' → ')) steps.push(`    Note over N: ${entry.label}`);
    },
  });
  const driverHost = network.addHost('driver', { ipv4: ['10.0.0.1'] });
  const appHost = network.addHost('app', { ipv4: ['10.0.0.2'] });
  const app = await createLayeredProcess({
    bases: (catalog, container) => {
      registerProvider(container, 'sim-tcp', createTcpProvider(appHost).WSPStartup);
      installTcpProviders(catalog, { path: 'sim-tcp' });
    },
  });
  const listener = await Socket.create(app.ws2, AF_INET, SOCK_STREAM, IPPROTO_TCP);
  await listener.bind(sockaddrIn('10.0.0.2', 7));
  await listener.listen();
  const provider = createWskProvider({ transports: tcpWskTransports(driverHost) });
  const wsk = new WskSubsystem({ provider });
  const client = await startWskClient(wsk);
  const [connected, { socket: peer }] = await Promise.all([
    callWithIrp((irp) =>
      client.provider.WskSocketConnect(
        client.client,
        SOCK_STREAM,
        IPPROTO_TCP,
        sockaddrIn('10.0.0.1', 0),
        sockaddrIn('10.0.0.2', 7),
        0,
        null,
        null,
        null,
        null,
        null,
        irp,
      ),
    ),
    listener.accept(),
  ]);
  const socket = connected.Information as WSK_SOCKET;
  const d = socket.Dispatch as WSK_PROVIDER_CONNECTION_DISPATCH;
  await network.idle();
  steps.length = 0; // draw just the end of the conversation

  /** A request whose IRP completion is drawn when it comes. */
  const request = (text: string, start: Parameters<typeof callWithIrp>[0]) => {
    steps.push(`    C->>W: ${text}`);
    return callWithIrp(start).then(({ Status, Information }) => {
      steps.push(`    W-->>C: ${text.split('(')[0]} IRP: ${ntStatusName(Status)}, ${String(Information)}`);
    });
  };
  const bytes = (text: string) => wskBuf(new TextEncoder().encode(text));
  const sent = request('WskSend(<5 bytes>, 0)', (irp) => d.WskSend(socket, bytes('hello'), 0, irp));
  const disconnected = request('WskDisconnect(<3 bytes>, 0)', (irp) =>
    d.WskDisconnect(socket, bytes('bye'), 0, irp),
  );
  await Promise.all([sent, disconnected]);
  const received: string[] = [];
  for (let chunk = await peer.recv(); chunk.byteLength > 0; chunk = await peer.recv())
    received.push(new TextDecoder().decode(chunk));
  steps.push(`    A->>A: recv: ${received.map((r) => `"${r}"`).join(', ')}, then 0`);
  await network.idle();

  const header = [
    'sequenceDiagram',
    '    participant C as WSK client',
    '    participant W as WSK',
    '    participant N as Network',
    '    participant A as Winsock application',
  ];
  expect(`${[...header, ...steps].join('\n')}\n`).toBe(`sequenceDiagram
    participant C as WSK client
    participant W as WSK
    participant N as Network
    participant A as Winsock application
    C->>W: WskSend(<5 bytes>, 0)
    C->>W: WskDisconnect(<3 bytes>, 0)
    W-->>C: WskSend IRP: STATUS_SUCCESS, 5
    Note over N: driver → app data 5 bytes
    Note over N: driver → app data 3 bytes
    Note over N: driver → app FIN
    W-->>C: WskDisconnect IRP: STATUS_SUCCESS, 0
    A->>A: recv: "hellobye", then 0
    Note over N: app → driver window update (5 consumed)
    Note over N: app → driver window update (8 consumed)
`);
  peer.close();
  await callWithIrp((irp) => d.WskCloseSocket(socket, irp));
  listener.close();
  await client.stop();
  await app.teardown();
  provider.dispose();
  network.close();
  expect(wsk.verifier.violations).toEqual([]);
});

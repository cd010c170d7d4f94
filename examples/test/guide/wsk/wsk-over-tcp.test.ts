// examples/test/guide/wsk/wsk-over-tcp.test.ts — the WSK guide over real TCP: a WSK client and a
// Winsock application talking on loopback, each through its own face of the same transport.
import 'reflect-metadata';
import { afterEach, beforeEach, expect, it } from '@jest/globals';
import {
  installTcpProviders,
  TCP_PROVIDER_PATH,
  WSPStartup as tcpWSPStartup,
  tcpWskTransports,
} from '@ws2spi/providers-tcp';
import {
  AF_INET,
  IPPROTO_TCP,
  isWsaError,
  registerProvider,
  SD_SEND,
  SO_LINGER,
  SOCK_STREAM,
  type SOCKADDR_IN,
  Socket,
  sockaddrIn,
  WSAECONNRESET,
} from '@ws2spi/spi';
import { createLayeredProcess, type LayeredProcess } from '@ws2spi/spi/testing';
import {
  createWskProvider,
  type IO_STATUS_BLOCK,
  IoAllocateIrp,
  IoFreeIrp,
  IoSetCompletionRoutine,
  STATUS_MORE_PROCESSING_REQUIRED,
  STATUS_PENDING,
  STATUS_SUCCESS,
  WSK_FLAG_CONNECTION_SOCKET,
  type WSK_SOCKET,
  type WskProvider,
  WskSubsystem,
} from '@ws2spi/spi/wsk';
import {
  abort,
  close,
  connectForGreeting,
  disconnect,
  send,
  startWskClient,
  type WskClient,
} from './greeting-client';

let app: LayeredProcess; // the Winsock application's process: TCP/IP in its catalog
let listener: Socket;
let provider: WskProvider;
let wsk: WskSubsystem;
let client: WskClient;

beforeEach(async () => {
  app = await createLayeredProcess({
    bases: (catalog, container) => {
      registerProvider(container, TCP_PROVIDER_PATH, tcpWSPStartup);
      installTcpProviders(catalog);
    },
  });
  listener = await Socket.create(app.ws2, AF_INET, SOCK_STREAM, IPPROTO_TCP);
  await listener.bind(sockaddrIn('127.0.0.1', 0));
  await listener.listen();
  // The WSK side: the same TCP, below the catalog.
  provider = createWskProvider({ transports: tcpWskTransports() });
  wsk = new WskSubsystem({ provider });
  client = await startWskClient(wsk);
});

afterEach(async () => {
  await client.stop(); // returns once every WSK socket is closed
  listener.close();
  await app.teardown();
  provider.dispose();
  expect(wsk.verifier.violations).toEqual([]); // what Driver Verifier would have stopped on
});

const server = () => sockaddrIn('127.0.0.1', (listener.localAddress() as SOCKADDR_IN).sin_port);
const anyLocalPort = sockaddrIn('127.0.0.1', 0);

/** What the Winsock application reads until the end (recv 0) or an error. */
async function readAll(socket: Socket): Promise<{ text: string; error?: number }> {
  let text = '';
  for (;;) {
    try {
      const chunk = await socket.recv();
      if (chunk.byteLength === 0) return { text };
      text += new TextDecoder().decode(chunk);
    } catch (error) {
      if (isWsaError(error)) return { text, error: error.code };
      throw error;
    }
  }
}

it('makes one request the way a driver does: its own IRP, a completion routine, IoStatus', async () => {
  const irp = IoAllocateIrp(1, false)!;
  const done = new Promise<IO_STATUS_BLOCK>((resolve) => {
    IoSetCompletionRoutine(
      irp,
      (_device, completed) => {
        resolve({ ...completed.IoStatus });
        IoFreeIrp(completed);
        return STATUS_MORE_PROCESSING_REQUIRED; // the IRP is the client's, not the I/O manager's
      },
      null,
      true, // on success
      true, // on error
      true, // on cancel
    );
  });
  const returned = client.provider.WskSocket(
    client.client,
    AF_INET,
    SOCK_STREAM,
    IPPROTO_TCP,
    WSK_FLAG_CONNECTION_SOCKET,
    null, // socket context
    null, // no callbacks
    null,
    null,
    null,
    irp,
  );
  // Done at once (the routine already ran) or later (STATUS_PENDING): the IRP says how it ended.
  expect([STATUS_SUCCESS, STATUS_PENDING]).toContain(returned);
  const { Status, Information } = await done;
  expect(Status).toBe(STATUS_SUCCESS);
  await close(Information as WSK_SOCKET); // WskSocket's IoStatus.Information is the new socket
});

it('reads a greeting through WskReceiveEvent, then one graceful WskDisconnectEvent; answers and disconnects', async () => {
  const [greeting, { socket: peer }] = await Promise.all([
    connectForGreeting(client, anyLocalPort, server(), SOCK_STREAM, IPPROTO_TCP),
    listener.accept(),
  ]);
  await peer.sendAll(new TextEncoder().encode('hello from Winsock'));
  peer.shutdown(SD_SEND); // the application's graceful close (a FIN)

  expect(await greeting.disconnect).toBe('graceful');
  expect(greeting.text).toBe('hello from Winsock'); // every byte came before the event
  expect(greeting.atDispatchLevel).toBe(true);

  // The peer closed its side only: WSK still sends until it disconnects.
  expect(await send(greeting.socket, 'hello from WSK')).toBe(14);
  await disconnect(greeting.socket, ', goodbye'); // the final buffer, then the FIN; done when sent
  expect(await readAll(peer)).toEqual({ text: 'hello from WSK, goodbye' }); // then recv returns 0
  await close(greeting.socket);
  peer.close();
});

it('disconnects abortively: the Winsock application reads WSAECONNRESET', async () => {
  const [greeting, { socket: peer }] = await Promise.all([
    connectForGreeting(client, anyLocalPort, server(), SOCK_STREAM, IPPROTO_TCP),
    listener.accept(),
  ]);
  await abort(greeting.socket); // WSK_FLAG_ABORTIVE takes no buffer, and completes at once
  expect(await readAll(peer)).toEqual({ text: '', error: WSAECONNRESET });
  await close(greeting.socket);
  peer.close();
});

it("hears the Winsock application's reset (SO_LINGER {1, 0}) as an abortive WskDisconnectEvent", async () => {
  const [greeting, { socket: peer }] = await Promise.all([
    connectForGreeting(client, anyLocalPort, server(), SOCK_STREAM, IPPROTO_TCP),
    listener.accept(),
  ]);
  await peer.sendAll(new TextEncoder().encode('bye'));
  peer.setOption(SO_LINGER, { l_onoff: 1, l_linger: 0 });
  peer.close(); // a reset right behind the data
  expect(await greeting.disconnect).toBe('abortive');
  // The socket no longer sends or receives; the client closes it.
  await expect(send(greeting.socket, 'too late')).rejects.toThrow('STATUS_FILE_FORCED_CLOSED');
  await close(greeting.socket);
});

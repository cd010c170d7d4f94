// examples/test/guide/wsk/wsk-irql-and-verifier.test.ts — the WSK guide: at what IRQL callbacks run,
// what must not happen there, and the verifier that records (or, strict, stops at) what breaks the
// WSK contract. A WSK client talks to a WSK listener over the in-memory transport.
import 'reflect-metadata';
import { afterEach, beforeEach, expect, it } from '@jest/globals';
import { SOCK_STREAM, sockaddrIn } from '@ws2spi/spi';
import {
  IN_MEMORY_DEFAULT_PROTOCOL,
  inMemoryWskTransports,
  SimNetwork,
  WskAcceptRecorder,
} from '@ws2spi/spi/testing';
import {
  callWithIrp,
  createWskProvider,
  DISPATCH_LEVEL,
  KeGetCurrentIrql,
  PASSIVE_LEVEL,
  STATUS_INVALID_PARAMETER,
  STATUS_SUCCESS,
  WSK_EVENT_ACCEPT,
  WSK_EVENT_DISCONNECT,
  WSK_EVENT_RECEIVE,
  WSK_FLAG_ABORTIVE,
  type WSK_PROVIDER_CONNECTION_DISPATCH,
  WskSubsystem,
  WskVerifierError,
  wskBuf,
} from '@ws2spi/spi/wsk';
import { close, connectForGreeting, listen, send, startWskClient } from './greeting-client';

const PROTOCOL = IN_MEMORY_DEFAULT_PROTOCOL;
const anyPort = sockaddrIn('10.0.0.1', 0);
let network: SimNetwork;

beforeEach(() => {
  network = new SimNetwork();
  network.addHost('driver', { ipv4: ['10.0.0.1'] });
});
afterEach(() => network.close());

/**
 * A WSK client, and a WSK listener whose accepted sockets (through WskAcceptEvent) inherit
 * WskReceiveEvent and WskDisconnectEvent; `acceptor` records what each accepted socket hears.
 */
async function start(options: { strict: boolean }) {
  const provider = createWskProvider({ transports: inMemoryWskTransports({ network, host: 'driver' }) });
  const wsk = new WskSubsystem({ provider, verifier: { strict: options.strict } });
  const client = await startWskClient(wsk);
  const acceptor = new WskAcceptRecorder(); // a WSK_CLIENT_LISTEN_DISPATCH from @ws2spi/spi/testing
  const listener = await listen(
    client,
    anyPort,
    SOCK_STREAM,
    PROTOCOL,
    acceptor.dispatch,
    WSK_EVENT_ACCEPT | WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT,
  );
  const greeting = await connectForGreeting(client, anyPort, listener.address, SOCK_STREAM, PROTOCOL);
  return { wsk, client, acceptor, listener: listener.socket, greeting };
}

it('runs the client at PASSIVE_LEVEL, and what the transport starts at DISPATCH_LEVEL', async () => {
  const { wsk, client, acceptor, listener, greeting } = await start({ strict: false });
  expect(KeGetCurrentIrql()).toBe(PASSIVE_LEVEL); // the test is a thread: it may wait
  const levels: number[] = [];
  const accepted = await acceptor.nth(0);
  accepted.recorder.onDisconnect = () => levels.push(KeGetCurrentIrql());
  expect(await send(greeting.socket, 'ping')).toBe(4);
  await close(greeting.socket); // not disconnected: an abortive close, the other side hears a reset
  await accepted.recorder.untilDisconnected();
  expect(levels).toEqual([DISPATCH_LEVEL]);
  expect(accepted.recorder.events.map((e) => e.kind)).toEqual(['receive', 'disconnect']);
  for (const socket of [accepted.socket, listener]) await close(socket);
  await client.stop();
  expect(wsk.verifier.violations).toEqual([]);
});

it('records a callback that waits at DISPATCH_LEVEL: an async WskReceiveEvent has returned a promise', async () => {
  const { wsk, client, acceptor, listener, greeting } = await start({ strict: false });
  const accepted = await acceptor.nth(0);
  // An async callback has already waited by the time it returns; nothing may wait there.
  accepted.recorder.onReceive = (async () => STATUS_SUCCESS) as never;
  await send(greeting.socket, 'ping');
  await accepted.recorder.until(() => accepted.recorder.eventsOf('receive').length > 0);
  const [violation] = wsk.verifier.violationsOf('dispatch-level-wait');
  expect(violation?.call).toBe('WskReceiveEvent'); // with its message and the stack where it was found
  wsk.verifier.clear();
  for (const socket of [greeting.socket, accepted.socket, listener]) await close(socket);
  await client.stop();
});

it('strict, stops at the violation: WskDisconnect with WSK_FLAG_ABORTIVE and a buffer throws WskVerifierError', async () => {
  const { wsk, client, acceptor, listener, greeting } = await start({ strict: true });
  const d = greeting.socket.Dispatch as WSK_PROVIDER_CONNECTION_DISPATCH;
  const abortWithData = () =>
    callWithIrp((irp) => d.WskDisconnect(greeting.socket, wskBuf(new Uint8Array(1)), WSK_FLAG_ABORTIVE, irp));
  await expect(abortWithData()).rejects.toThrow(WskVerifierError);
  // Not strict, the call answers STATUS_INVALID_PARAMETER and the verifier only records it.
  wsk.verifier.strict = false;
  expect((await abortWithData()).Status).toBe(STATUS_INVALID_PARAMETER);
  expect(wsk.verifier.clear().map((v) => v.rule)).toEqual(['abortive-with-buffer', 'abortive-with-buffer']);
  const accepted = await acceptor.nth(0);
  for (const socket of [greeting.socket, accepted.socket, listener]) await close(socket);
  await client.stop();
  expect(wsk.verifier.violations).toEqual([]);
});

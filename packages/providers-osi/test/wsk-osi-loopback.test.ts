/**
 * WSK over ISO transport on real loopback TCP (`osiWskTransports()`), beyond the shared interop
 * suite: TSDUs as messages (`WSK_FLAG_ENTIRE_MESSAGE`, a receive ending at the end of one),
 * expedited data, the NTSTATUS of a refused connection, and nothing left open — no socket, server
 * or timer — once `WskDeregister` returned.
 */
import { osiWskTransports, sockaddrTp, tpEndpointOf } from '@ws2spi/providers-osi';
import { AF_ISO, ISOPROTO_TP2, SOCK_SEQPACKET } from '@ws2spi/spi';
import { HandleWatch, WskAcceptRecorder, WskConnectionRecorder, WskTestClient } from '@ws2spi/spi/testing';
import {
  createWskProvider,
  STATUS_CONNECTION_REFUSED,
  STATUS_SUCCESS,
  WSK_EVENT_ACCEPT,
  WSK_EVENT_DISCONNECT,
  WSK_EVENT_RECEIVE,
  WSK_FLAG_ENTIRE_MESSAGE,
  WSK_FLAG_OOB,
  type WskProvider,
  WskSubsystem,
} from '@ws2spi/spi/wsk';

let provider: WskProvider;
let wsk: WskSubsystem;
let client: WskTestClient;

beforeEach(async () => {
  provider = createWskProvider({ transports: osiWskTransports({ connectTimeoutMs: 5_000 }) });
  wsk = new WskSubsystem({ provider });
  client = await WskTestClient.start(wsk);
});

afterEach(async () => {
  await client.end();
  provider.dispose();
  expect(wsk.verifier.violations).toEqual([]);
});

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);
let selectors = 0;
const local = () => sockaddrTp(`w${++selectors}`, '127.0.0.1', 0);

async function pair(events: number) {
  const acceptor = new WskAcceptRecorder();
  const listener = await client.listen(
    AF_ISO,
    SOCK_SEQPACKET,
    ISOPROTO_TP2,
    local(),
    acceptor,
    WSK_EVENT_ACCEPT | events,
  );
  const sender = await client.connect(
    SOCK_SEQPACKET,
    ISOPROTO_TP2,
    local(),
    await client.localAddress(listener),
    new WskConnectionRecorder(),
  );
  const accepted = await acceptor.nth(0);
  return { sender, receiver: accepted.socket, recorder: accepted.recorder };
}

it('each WskSend is one TSDU: indicated whole (WSK_FLAG_ENTIRE_MESSAGE), received up to its end', async () => {
  const { sender, recorder } = await pair(WSK_EVENT_RECEIVE);
  await client.send(sender, utf8('first TSDU'));
  await client.send(sender, utf8('second'));
  await recorder.until(() => recorder.eventsOf('receive').length === 2);
  for (const event of recorder.eventsOf('receive'))
    expect(event.flags & WSK_FLAG_ENTIRE_MESSAGE).toBe(WSK_FLAG_ENTIRE_MESSAGE);
  expect(text(recorder.received())).toBe('first TSDUsecond');

  const plain = await pair(0);
  await client.send(plain.sender, utf8('one'));
  await client.send(plain.sender, utf8('two'));
  expect(text((await client.receive(plain.receiver, 64)).data)).toBe('one');
  expect(text((await client.receive(plain.receiver, 64)).data)).toBe('two');
});

it('WSK_FLAG_OOB sends expedited data (an ED TPDU), delivered in line', async () => {
  const { sender, recorder } = await pair(WSK_EVENT_RECEIVE);
  expect((await client.send(sender, utf8('urgent'), WSK_FLAG_OOB)).Status).toBe(STATUS_SUCCESS);
  await recorder.until(() => recorder.received().byteLength === 6);
  expect(text(recorder.received())).toBe('urgent');
});

it('a called TSAP nobody listens on is refused: STATUS_CONNECTION_REFUSED', async () => {
  const listener = await client.listen(
    AF_ISO,
    SOCK_SEQPACKET,
    ISOPROTO_TP2,
    sockaddrTp('here', '127.0.0.1', 0),
  );
  const bound = await client.localAddress(listener);
  // The same TCP port, another selector: the peer answers the CR with a DR.
  const endpoint = tpEndpointOf(bound);
  if (typeof endpoint === 'string') throw new Error(endpoint);
  const result = await client
    .connect(SOCK_SEQPACKET, ISOPROTO_TP2, local(), sockaddrTp('nobody', '127.0.0.1', endpoint.port))
    .then(
      () => STATUS_SUCCESS,
      (error: { status: number }) => error.status,
    );
  expect(result).toBe(STATUS_CONNECTION_REFUSED);
});

it('no socket, server or timer stays open once WskDeregister returned', async () => {
  const watch = new HandleWatch();
  const provider2 = createWskProvider({ transports: osiWskTransports() });
  const wsk2 = new WskSubsystem({ provider: provider2 });
  const other = await WskTestClient.start(wsk2);
  const acceptor = new WskAcceptRecorder();
  const listener = await other.listen(
    AF_ISO,
    SOCK_SEQPACKET,
    ISOPROTO_TP2,
    local(),
    acceptor,
    WSK_EVENT_ACCEPT | WSK_EVENT_DISCONNECT,
  );
  const target = await other.localAddress(listener);
  const a = await other.connect(SOCK_SEQPACKET, ISOPROTO_TP2, local(), target, new WskConnectionRecorder());
  const b = await other.connect(SOCK_SEQPACKET, ISOPROTO_TP2, local(), target, new WskConnectionRecorder());
  await acceptor.nth(1);
  expect((await other.disconnect(a, utf8('bye'))).Status).toBe(STATUS_SUCCESS);
  await other.disconnect(b, null, 1);
  void other.receive((await acceptor.nth(1)).socket, 16);
  expect(watch.alive()).toEqual(expect.arrayContaining(['TCPSERVERWRAP', 'TCPWRAP']));
  await other.end();
  // ISO transport's release and linger timers included; on failure, where each leftover was created.
  expect((await watch.settle()).length === 0 ? [] : watch.creators()).toEqual([]);
  expect(wsk2.verifier.violations).toEqual([]);
  provider2.dispose();
});

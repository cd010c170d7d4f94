/**
 * The send side of a WSK connection over the in-memory transport: back-pressure through pending
 * IRPs, cancelling a queued send, the ideal send backlog (`SIO_WSK_QUERY_IDEAL_SEND_BACKLOG` and
 * `WskSendBacklogEvent`), the order of a graceful disconnect behind the sends, sends after it, and
 * `WskConnectEx`.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { out } from '@ws2spi/spi';
import { WskAcceptRecorder, WskConnectionRecorder } from '@ws2spi/spi/testing';
import {
  callWithIrp,
  IoCancelIrp,
  IRP,
  irpCompletion,
  SIO_WSK_QUERY_IDEAL_SEND_BACKLOG,
  STATUS_BUFFER_TOO_SMALL,
  STATUS_CANCELLED,
  STATUS_INVALID_DEVICE_STATE,
  STATUS_PENDING,
  STATUS_SUCCESS,
  WSK_EVENT_ACCEPT,
  WSK_EVENT_RECEIVE,
  WSK_EVENT_SEND_BACKLOG,
  WSK_FLAG_CONNECTION_SOCKET,
  type WSK_PROVIDER_CONNECTION_DISPATCH,
  type WSK_SOCKET,
  WskIoctl,
  wskBuf,
} from '@ws2spi/spi/wsk';
import { STREAM, settle, startWskSim, text, utf8, type WskSim, wskPair } from './support/wsk-sim';

let sim: WskSim;

beforeEach(async () => {
  sim = await startWskSim();
});

afterEach(async () => {
  await sim.end();
  expect(sim.wsk.verifier.violations).toEqual([]);
});

const { af, type, protocol } = STREAM;
const dispatch = (s: WSK_SOCKET) => s.Dispatch as WSK_PROVIDER_CONNECTION_DISPATCH;

async function connected(events = 0, senderRecorder: WskConnectionRecorder | null = null) {
  return wskPair(sim, { events, senderRecorder });
}

async function drain(receiver: WSK_SOCKET, total: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let n = 0;
  while (n < total) {
    const { data } = await sim.client.receive(receiver, 256 * 1024);
    if (data.byteLength === 0) break;
    parts.push(data);
    n += data.byteLength;
  }
  const all = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.byteLength;
  }
  return all;
}

function idealBacklog(s: WSK_SOCKET, outputSize = 8): { status: number; value: unknown } {
  const value = out<unknown>(null);
  const status = dispatch(s).WskControlSocket(
    s,
    WskIoctl,
    SIO_WSK_QUERY_IDEAL_SEND_BACKLOG,
    0,
    0,
    null,
    outputSize,
    value,
    out(0),
    null,
  );
  return { status, value: value.value };
}

describe('back-pressure', () => {
  it('a send the transport takes completes at once; one it pushes back on pends until it drained', async () => {
    const { sender, receiver } = await connected();
    const small = await callWithIrp((irp) => dispatch(sender).WskSend(sender, wskBuf(utf8('small')), 0, irp));
    expect(small).toEqual({ Status: STATUS_SUCCESS, Information: 5 });
    const irp = new IRP();
    const done = irpCompletion(irp);
    const big = new Uint8Array(1 << 20).fill(1);
    expect(dispatch(sender).WskSend(sender, wskBuf(big), 0, irp)).toBe(STATUS_PENDING);
    expect(irp.PendingReturned).toBe(true);
    // A send behind it waits its turn.
    const after = sim.client.send(sender, utf8('after'));
    const received = await drain(receiver, 5 + big.byteLength + 5);
    expect((await done).Information).toBe(big.byteLength);
    expect((await after).Status).toBe(STATUS_SUCCESS);
    expect(received.byteLength).toBe(5 + big.byteLength + 5);
    expect(text(received.subarray(received.byteLength - 5))).toBe('after');
  });

  it('a queued send can be cancelled: STATUS_CANCELLED, and its bytes never go', async () => {
    const { sender, receiver } = await connected();
    const big = sim.client.send(sender, new Uint8Array(1 << 20));
    const irp = new IRP();
    const cancelled = irpCompletion(irp);
    expect(dispatch(sender).WskSend(sender, wskBuf(utf8('withdrawn')), 0, irp)).toBe(STATUS_PENDING);
    const last = sim.client.send(sender, utf8('kept'));
    expect(IoCancelIrp(irp)).toBe(true);
    expect((await cancelled).Status).toBe(STATUS_CANCELLED);
    const received = await drain(receiver, (1 << 20) + 4);
    expect((await big).Status).toBe(STATUS_SUCCESS);
    expect((await last).Status).toBe(STATUS_SUCCESS);
    expect(received.byteLength).toBe((1 << 20) + 4);
    expect(text(received.subarray(1 << 20))).toBe('kept');
  });
});

describe('the ideal send backlog', () => {
  it('is queried with SIO_WSK_QUERY_IDEAL_SEND_BACKLOG (a SIZE_T: 8 bytes) and indicated by WskSendBacklogEvent', async () => {
    const recorder = new WskConnectionRecorder();
    const { sender, receiver } = await connected(0, recorder);
    expect(idealBacklog(sender, 4).status).toBe(STATUS_BUFFER_TOO_SMALL);
    const initial = idealBacklog(sender);
    expect(initial.status).toBe(STATUS_SUCCESS);
    expect(initial.value).toBe(64 * 1024);
    expect(sim.client.enableEvents(sender, WSK_EVENT_SEND_BACKLOG)).toBe(STATUS_SUCCESS);
    // Enabling tells the client the current figure.
    await recorder.until(() => recorder.eventsOf('send-backlog').length === 1);
    expect(recorder.eventsOf('send-backlog')[0]!.ideal).toBe(64 * 1024);
    // The transport pushes back at a figure of its own: the client hears the change.
    const sends = [0, 1, 2, 3].map(() => sim.client.send(sender, new Uint8Array(50_000)));
    await drain(receiver, 200_000);
    await Promise.all(sends);
    await recorder.until(() => recorder.eventsOf('send-backlog').length >= 2);
    await settle();
    const figures = recorder.eventsOf('send-backlog').map((e) => e.ideal!);
    // It grows (the transport held more than 64 KiB before pushing back), and the query agrees.
    expect(figures[1]).toBeGreaterThan(64 * 1024);
    expect(figures).toEqual([...figures].sort((a, b) => a - b));
    expect(idealBacklog(sender).value).toBe(figures[figures.length - 1]);
  });

  it('is STATUS_INVALID_DEVICE_STATE before the socket is connected', async () => {
    const conn = await sim.client.socket(af, type, protocol, WSK_FLAG_CONNECTION_SOCKET);
    expect(idealBacklog(conn).status).toBe(STATUS_INVALID_DEVICE_STATE);
  });
});

describe('sends and the graceful disconnect', () => {
  it('the final buffer goes after every queued send; no send is accepted after the disconnect, nor a second disconnect', async () => {
    const { sender, receiver } = await connected();
    const first = sim.client.send(sender, new Uint8Array(300_000).fill(2));
    const disconnect = sim.client.disconnect(sender, utf8('the end'));
    expect((await sim.client.send(sender, utf8('late'))).Status).toBe(STATUS_INVALID_DEVICE_STATE);
    expect((await sim.client.disconnect(sender, null)).Status).toBe(STATUS_INVALID_DEVICE_STATE);
    const received = await drain(receiver, Number.POSITIVE_INFINITY);
    expect(received.byteLength).toBe(300_007);
    expect(text(received.subarray(300_000))).toBe('the end');
    expect((await first).Status).toBe(STATUS_SUCCESS);
    expect((await disconnect).Status).toBe(STATUS_SUCCESS);
    // Half-close: the receiver still sends, the disconnected sender still receives.
    expect((await sim.client.send(receiver, utf8('still here'))).Status).toBe(STATUS_SUCCESS);
    expect(text((await sim.client.receive(sender, 64)).data)).toBe('still here');
  });

  it('a queued graceful disconnect can be cancelled before it ran (STATUS_CANCELLED); the connection goes on', async () => {
    const { sender, receiver } = await connected();
    const big = sim.client.send(sender, new Uint8Array(1 << 20));
    const irp = new IRP();
    const cancelled = irpCompletion(irp);
    expect(dispatch(sender).WskDisconnect(sender, null, 0, irp)).toBe(STATUS_PENDING);
    IoCancelIrp(irp);
    expect((await cancelled).Status).toBe(STATUS_CANCELLED);
    await drain(receiver, 1 << 20);
    expect((await big).Status).toBe(STATUS_SUCCESS);
  });
});

describe('WskConnectEx', () => {
  it('connects and sends the buffer', async () => {
    const acceptor = new WskAcceptRecorder();
    const listener = await sim.client.listen(
      af,
      type,
      protocol,
      sim.wskAddress(),
      acceptor,
      WSK_EVENT_ACCEPT | WSK_EVENT_RECEIVE,
    );
    const target = await sim.client.localAddress(listener);
    const conn = await sim.client.socket(af, type, protocol, WSK_FLAG_CONNECTION_SOCKET);
    const d = dispatch(conn);
    expect((await callWithIrp((irp) => d.WskBind(conn, sim.wskAddress(), 0, irp))).Status).toBe(
      STATUS_SUCCESS,
    );
    const result = await callWithIrp((irp) =>
      d.WskConnectEx(conn, target, wskBuf(utf8('with the connect')), 0, irp),
    );
    expect(result).toEqual({ Status: STATUS_SUCCESS, Information: 16 });
    const { recorder } = await acceptor.nth(0);
    await recorder.until(() => recorder.received().byteLength === 16);
    expect(text(recorder.received())).toBe('with the connect');
    await settle();
  });
});

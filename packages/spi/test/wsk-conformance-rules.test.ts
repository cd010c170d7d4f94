/**
 * The documented rules of event control (`SO_WSK_EVENT_CALLBACK`), socket creation, client control
 * and datagrams, as a WSK client on Windows relies on them (wsk.h's reference pages and
 * so-wsk-event-callback), over the in-memory transport.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { out, type SOCKADDR, SOL_SOCKET } from '@ws2spi/spi';
import { WskConnectionRecorder } from '@ws2spi/spi/testing';
import {
  callWithIrp,
  IRP,
  irpCompletion,
  MSG_TRUNC,
  NPI_WSK_INTERFACE_ID,
  NT_SUCCESS,
  SO_WSK_EVENT_CALLBACK,
  STATUS_BUFFER_TOO_SMALL,
  STATUS_EVENT_PENDING,
  STATUS_INVALID_DEVICE_STATE,
  STATUS_INVALID_PARAMETER,
  STATUS_PENDING,
  STATUS_SUCCESS,
  WSK_EVENT_ACCEPT,
  WSK_EVENT_DISABLE,
  WSK_EVENT_DISCONNECT,
  WSK_EVENT_RECEIVE,
  WSK_EVENT_RECEIVE_FROM,
  WSK_FLAG_CONNECTION_SOCKET,
  WSK_FLAG_DATAGRAM_SOCKET,
  WSK_FLAG_LISTEN_SOCKET,
  type WSK_PROVIDER_CONNECTION_DISPATCH,
  type WSK_PROVIDER_DATAGRAM_DISPATCH,
  type WSK_SOCKET,
  WSK_TRANSPORT_LIST_QUERY,
  WskSetOption,
  wskBuf,
} from '@ws2spi/spi/wsk';
import { DATAGRAM, STREAM, settle, startWskSim, text, utf8, type WskSim, wskPair } from './support/wsk-sim';

let sim: WskSim;

beforeEach(async () => {
  sim = await startWskSim();
});

afterEach(async () => {
  await sim.end();
  expect(sim.wsk.verifier.violations).toEqual([]);
});

const conn = (s: WSK_SOCKET) => s.Dispatch as WSK_PROVIDER_CONNECTION_DISPATCH;
const dgram = (s: WSK_SOCKET) => s.Dispatch as WSK_PROVIDER_DATAGRAM_DISPATCH;

const control = (s: WSK_SOCKET, EventMask: number, irp: IRP | null = null, NpiId = NPI_WSK_INTERFACE_ID) =>
  conn(s).WskControlSocket(
    s,
    WskSetOption,
    SO_WSK_EVENT_CALLBACK,
    SOL_SOCKET,
    16,
    { NpiId, EventMask },
    0,
    null,
    null,
    irp,
  );

describe('SO_WSK_EVENT_CALLBACK', () => {
  it('enabling on a connection socket not yet connected fails, and the verifier records it', async () => {
    const recorder = new WskConnectionRecorder();
    const s = await sim.client.socket(
      STREAM.af,
      STREAM.type,
      STREAM.protocol,
      WSK_FLAG_CONNECTION_SOCKET,
      recorder.dispatch,
    );
    expect(control(s, WSK_EVENT_RECEIVE)).toBe(STATUS_INVALID_DEVICE_STATE);
    expect(sim.wsk.verifier.clear().map((v) => v.rule)).toEqual(['events-before-ready']);
  });

  it('enabling takes no IRP; disabling one event per call; an event of another category or another NPI is refused', async () => {
    const { sender } = await wskPair(sim, { senderRecorder: new WskConnectionRecorder() });
    const irp = new IRP();
    const done = irpCompletion(irp);
    expect(control(sender, WSK_EVENT_RECEIVE, irp)).toBe(STATUS_INVALID_PARAMETER);
    expect((await done).Status).toBe(STATUS_INVALID_PARAMETER);
    expect(control(sender, WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT)).toBe(STATUS_SUCCESS);
    expect(control(sender, WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT | WSK_EVENT_DISABLE)).toBe(
      STATUS_INVALID_PARAMETER,
    );
    expect(control(sender, WSK_EVENT_ACCEPT)).toBe(STATUS_INVALID_PARAMETER);
    expect(NT_SUCCESS(control(sender, WSK_EVENT_RECEIVE, null, '00000000-0000-0000-0000-000000000001'))).toBe(
      false,
    );
    // Disabling with nothing running: STATUS_SUCCESS, the IRP (optional) completed with it.
    const off = new IRP();
    const offDone = irpCompletion(off);
    expect(control(sender, WSK_EVENT_DISCONNECT | WSK_EVENT_DISABLE, off)).toBe(STATUS_SUCCESS);
    expect((await offDone).Status).toBe(STATUS_SUCCESS);
  });

  it('disabling while the callback runs: STATUS_EVENT_PENDING without an IRP; STATUS_PENDING with one, completed after it returned', async () => {
    const answers: Array<{ status: number; irp: IRP | null }> = [];
    const done: Array<Promise<unknown>> = [];
    let inCallback = false;
    const recorder = new WskConnectionRecorder();
    const { sender, receiver } = await wskPair(sim, { senderRecorder: recorder });
    recorder.onReceive = (indication) => {
      recorder.take(indication);
      inCallback = true;
      const irp = answers.length === 0 ? null : new IRP();
      if (irp) done.push(irpCompletion(irp).then((io) => ({ io, whileInCallback: inCallback })));
      answers.push({ status: control(sender, WSK_EVENT_RECEIVE | WSK_EVENT_DISABLE, irp), irp });
      if (answers.length === 1) control(sender, WSK_EVENT_RECEIVE); // on again, for the IRP case
      inCallback = false;
      return STATUS_SUCCESS;
    };
    expect(control(sender, WSK_EVENT_RECEIVE)).toBe(STATUS_SUCCESS);
    await sim.client.send(receiver, utf8('first'));
    await recorder.until(() => answers.length >= 1);
    expect(answers[0]!.status).toBe(STATUS_EVENT_PENDING);
    await settle();
    await sim.client.send(receiver, utf8('second'));
    await recorder.until(() => answers.length >= 2);
    expect(answers[1]!.status).toBe(STATUS_PENDING);
    expect(await done[0]).toEqual({ io: { Status: STATUS_SUCCESS, Information: 0 }, whileInCallback: false });
    // Disabled: what comes now waits for WskReceive.
    await sim.client.send(receiver, utf8('third'));
    await settle();
    expect(recorder.eventsOf('receive')).toHaveLength(2);
    expect(text((await sim.client.receive(sender, 64)).data)).toBe('third');
  });

  it('connection events enabled on a listening socket cannot be disabled there', async () => {
    const { listener } = await wskPair(sim, { events: WSK_EVENT_RECEIVE });
    expect(NT_SUCCESS(control(listener, WSK_EVENT_RECEIVE | WSK_EVENT_DISABLE))).toBe(false);
  });

  it('a new socket has every event disabled: data waits for WskReceive though the table has a callback', async () => {
    const recorder = new WskConnectionRecorder();
    const { receiver, sender } = await wskPair(sim, { senderRecorder: recorder });
    await sim.client.send(receiver, utf8('no event'));
    await settle();
    expect(recorder.events).toEqual([]);
    expect(text((await sim.client.receive(sender, 64)).data)).toBe('no event');
  });
});

describe('WskSocket, WskSocketConnect, WskControlClient', () => {
  it('WskSocket refuses two categories at once and an unknown family, creating no socket', async () => {
    const p = sim.client.provider;
    const c = sim.client.clientObject;
    const both = await callWithIrp((irp) =>
      p.WskSocket(
        c,
        STREAM.af,
        STREAM.type,
        STREAM.protocol,
        WSK_FLAG_LISTEN_SOCKET | WSK_FLAG_DATAGRAM_SOCKET,
        null,
        null,
        null,
        null,
        null,
        irp,
      ),
    );
    expect(both).toEqual({ Status: STATUS_INVALID_PARAMETER, Information: 0 });
    const family = await callWithIrp((irp) =>
      p.WskSocket(
        c,
        12345,
        STREAM.type,
        STREAM.protocol,
        WSK_FLAG_CONNECTION_SOCKET,
        null,
        null,
        null,
        null,
        null,
        irp,
      ),
    );
    expect(NT_SUCCESS(family.Status)).toBe(false);
    expect(family.Information).toBe(0);
    expect(sim.wsk.openSockets(sim.client.registration)).toBe(0);
  });

  it('WskSocketConnect: reserved Flags must be 0', async () => {
    const result = await callWithIrp((irp) =>
      sim.client.provider.WskSocketConnect(
        sim.client.clientObject,
        STREAM.type,
        STREAM.protocol,
        sim.wskAddress(),
        sim.appAddress(9),
        1,
        null,
        null,
        null,
        null,
        null,
        irp,
      ),
    );
    expect(result.Status).toBe(STATUS_INVALID_PARAMETER);
    expect(sim.wsk.openSockets(sim.client.registration)).toBe(0);
  });

  it('WSK_TRANSPORT_LIST_QUERY: a buffer too small is STATUS_BUFFER_TOO_SMALL with the size needed; an unknown code fails', () => {
    const size = out(0);
    const list = out<unknown>(null);
    const p = sim.client.provider;
    const c = sim.client.clientObject;
    expect(p.WskControlClient(c, WSK_TRANSPORT_LIST_QUERY, 0, null, 1, list, size, null)).toBe(
      STATUS_BUFFER_TOO_SMALL,
    );
    expect(size.value).toBeGreaterThan(1);
    expect(p.WskControlClient(c, WSK_TRANSPORT_LIST_QUERY, 0, null, size.value, list, size, null)).toBe(
      STATUS_SUCCESS,
    );
    expect((list.value as unknown[]).length * 28).toBe(size.value);
    expect(NT_SUCCESS(p.WskControlClient(c, 0x7777, 0, null, 0, null, null, null))).toBe(false);
  });
});

describe('datagram sockets', () => {
  async function bound(dispatch: object | null = null) {
    const s = await sim.client.socket(
      DATAGRAM.af,
      DATAGRAM.type,
      DATAGRAM.protocol,
      WSK_FLAG_DATAGRAM_SOCKET,
      dispatch,
    );
    await sim.client.must('WskBind', (irp) => dgram(s).WskBind(s, sim.wskAddress(), 0, irp));
    return { socket: s, local: await sim.client.localAddress(s) };
  }

  it('WskSendTo and WskReceiveFrom: Information is the bytes, the sender address is filled, truncation says MSG_TRUNC', async () => {
    const a = await bound();
    const b = await bound();
    const sent = await callWithIrp((irp) =>
      dgram(a.socket).WskSendTo(a.socket, wskBuf(utf8('0123456789')), 0, b.local, 0, null, irp),
    );
    expect(sent).toEqual({ Status: STATUS_SUCCESS, Information: 10 });
    const from = out<SOCKADDR | null>(null);
    const flags = out(0);
    const buffer = new Uint8Array(4);
    const got = await callWithIrp((irp) =>
      dgram(b.socket).WskReceiveFrom(b.socket, wskBuf(buffer), 0, from, null, null, flags, irp),
    );
    expect(got.Information).toBe(4);
    expect(text(buffer)).toBe('0123');
    expect(flags.value & MSG_TRUNC).toBe(MSG_TRUNC);
    expect(from.value).toEqual(a.local);
  });

  it('WskSendTo without an address and no fixed remote is refused; events before WskBind too', async () => {
    const a = await bound();
    const noAddress = await callWithIrp((irp) =>
      dgram(a.socket).WskSendTo(a.socket, wskBuf(utf8('x')), 0, null, 0, null, irp),
    );
    expect(NT_SUCCESS(noAddress.Status)).toBe(false);
    const unbound = await sim.client.socket(
      DATAGRAM.af,
      DATAGRAM.type,
      DATAGRAM.protocol,
      WSK_FLAG_DATAGRAM_SOCKET,
      {
        WskReceiveFromEvent: () => STATUS_SUCCESS,
      },
    );
    expect(control(unbound, WSK_EVENT_RECEIVE_FROM)).toBe(STATUS_INVALID_DEVICE_STATE);
    expect(sim.wsk.verifier.clear().map((v) => v.rule)).toEqual(['events-before-ready']);
  });
});

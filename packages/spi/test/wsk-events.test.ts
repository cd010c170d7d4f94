/**
 * Every rule of enabling and disabling WSK events (`SO_WSK_EVENT_CALLBACK` with a
 * `WSK_EVENT_CALLBACK_CONTROL`, and `WSK_SET_STATIC_EVENT_CALLBACKS`), each with a test that trips
 * it, over the in-memory transport.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { SOL_SOCKET } from '@ws2spi/spi';
import { WskAcceptRecorder, WskConnectionRecorder } from '@ws2spi/spi/testing';
import {
  callWithIrp,
  IRP,
  irpCompletion,
  NPI_WSK_INTERFACE_ID,
  SO_WSK_EVENT_CALLBACK,
  STATUS_EVENT_PENDING,
  STATUS_INVALID_DEVICE_STATE,
  STATUS_INVALID_PARAMETER,
  STATUS_NOT_SUPPORTED,
  STATUS_PENDING,
  STATUS_SUCCESS,
  WSK_EVENT_ACCEPT,
  WSK_EVENT_DISABLE,
  WSK_EVENT_DISCONNECT,
  WSK_EVENT_RECEIVE,
  WSK_EVENT_RECEIVE_FROM,
  WSK_EVENT_SEND_BACKLOG,
  WSK_FLAG_CONNECTION_SOCKET,
  WSK_FLAG_DATAGRAM_SOCKET,
  WSK_FLAG_LISTEN_SOCKET,
  type WSK_PROVIDER_CONNECTION_DISPATCH,
  WSK_SET_STATIC_EVENT_CALLBACKS,
  type WSK_SOCKET,
  WskSetOption,
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

const { af, type, protocol } = STREAM;

/** A WSK listener (with `events` inherited through WskAcceptEvent) and a WSK client connected to it. */
async function pair(listenerEvents: number, clientRecorder = new WskConnectionRecorder()) {
  const { listener, sender, receiver, recorder } = await wskPair(sim, {
    events: listenerEvents,
    senderRecorder: clientRecorder,
  });
  return { listener, caller: sender, clientRecorder, accepted: { socket: receiver, recorder } };
}

const control = (s: WSK_SOCKET, EventMask: number, irp: IRP | null = null, NpiId = NPI_WSK_INTERFACE_ID) =>
  (s.Dispatch as WSK_PROVIDER_CONNECTION_DISPATCH).WskControlSocket(
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

describe('enabling', () => {
  it('enables several events at once, without an IRP', async () => {
    const { caller, clientRecorder, accepted } = await pair(0);
    expect(control(caller, WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT)).toBe(STATUS_SUCCESS);
    await sim.client.send(accepted.socket, utf8('both on'));
    await sim.client.disconnect(accepted.socket, null);
    await clientRecorder.untilDisconnected();
    expect(text(clientRecorder.received())).toBe('both on');
  });

  it('refuses an IRP when enabling (STATUS_INVALID_PARAMETER, the IRP completed with it)', async () => {
    const { caller } = await pair(0);
    const result = await callWithIrp((irp) => control(caller, WSK_EVENT_RECEIVE, irp));
    expect(result.Status).toBe(STATUS_INVALID_PARAMETER);
  });

  it("refuses events of another category, an empty mask, and events without a callback in the socket's table", async () => {
    const silent = new WskConnectionRecorder();
    (silent.dispatch as { WskSendBacklogEvent: unknown }).WskSendBacklogEvent = null;
    const { listener, caller } = await pair(0, silent);
    expect(control(caller, WSK_EVENT_RECEIVE_FROM)).toBe(STATUS_INVALID_PARAMETER);
    expect(control(caller, WSK_EVENT_ACCEPT)).toBe(STATUS_INVALID_PARAMETER);
    expect(control(caller, 0)).toBe(STATUS_INVALID_PARAMETER);
    expect(control(caller, WSK_EVENT_SEND_BACKLOG)).toBe(STATUS_INVALID_PARAMETER);
    // A socket made without any dispatch table has no callbacks at all.
    const bare = await sim.client.connect(
      type,
      protocol,
      sim.wskAddress(),
      await sim.client.localAddress(listener),
      null,
    );
    expect(control(bare, WSK_EVENT_RECEIVE)).toBe(STATUS_INVALID_PARAMETER);
  });

  it('names the standard events by NPI_WSK_INTERFACE_ID: another NPI is STATUS_NOT_SUPPORTED', async () => {
    const { caller } = await pair(0);
    expect(control(caller, WSK_EVENT_RECEIVE, null, '00000000-0000-0000-0000-000000000001')).toBe(
      STATUS_NOT_SUPPORTED,
    );
  });

  it('connection sockets must be connected first: STATUS_INVALID_DEVICE_STATE (and the verifier says so)', async () => {
    const recorder = new WskConnectionRecorder();
    const conn = await sim.client.socket(af, type, protocol, WSK_FLAG_CONNECTION_SOCKET, recorder.dispatch);
    expect(control(conn, WSK_EVENT_RECEIVE)).toBe(STATUS_INVALID_DEVICE_STATE);
    expect(sim.wsk.verifier.clear().map((v) => v.rule)).toEqual(['events-before-ready']);
  });

  it('listen and datagram sockets must be bound first: STATUS_INVALID_DEVICE_STATE', async () => {
    const acceptor = new WskAcceptRecorder();
    const listener = await sim.client.socket(af, type, protocol, WSK_FLAG_LISTEN_SOCKET, acceptor.dispatch);
    expect(control(listener, WSK_EVENT_ACCEPT)).toBe(STATUS_INVALID_DEVICE_STATE);
    const dgram = await sim.client.socket(
      DATAGRAM.af,
      DATAGRAM.type,
      DATAGRAM.protocol,
      WSK_FLAG_DATAGRAM_SOCKET,
      {
        WskReceiveFromEvent: () => STATUS_SUCCESS,
      },
    );
    expect(control(dgram, WSK_EVENT_RECEIVE_FROM)).toBe(STATUS_INVALID_DEVICE_STATE);
    expect(sim.wsk.verifier.clear().map((v) => v.rule)).toEqual([
      'events-before-ready',
      'events-before-ready',
    ]);
  });
});

describe('disabling', () => {
  it('disables one event per call; a mask of two is STATUS_INVALID_PARAMETER', async () => {
    const { caller, clientRecorder, accepted } = await pair(0);
    expect(control(caller, WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT)).toBe(STATUS_SUCCESS);
    expect(control(caller, WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT | WSK_EVENT_DISABLE)).toBe(
      STATUS_INVALID_PARAMETER,
    );
    expect(control(caller, WSK_EVENT_DISABLE)).toBe(STATUS_INVALID_PARAMETER);
    expect(control(caller, WSK_EVENT_RECEIVE | WSK_EVENT_DISABLE)).toBe(STATUS_SUCCESS);
    // Disabled: the data waits for a WskReceive instead of being indicated.
    await sim.client.send(accepted.socket, utf8('not indicated'));
    await settle();
    expect(clientRecorder.eventsOf('receive')).toEqual([]);
    expect(text((await sim.client.receive(caller, 64)).data)).toBe('not indicated');
  });

  it('while its callback runs: STATUS_EVENT_PENDING without an IRP', async () => {
    const recorder = new WskConnectionRecorder();
    const { caller, accepted } = await pair(0, recorder);
    let answer = 0;
    recorder.onReceive = (indication) => {
      answer = control(caller, WSK_EVENT_RECEIVE | WSK_EVENT_DISABLE);
      recorder.take(indication);
      return STATUS_SUCCESS;
    };
    expect(control(caller, WSK_EVENT_RECEIVE)).toBe(STATUS_SUCCESS);
    await sim.client.send(accepted.socket, utf8('one'));
    await recorder.until(() => recorder.eventsOf('receive').length > 0);
    expect(answer).toBe(STATUS_EVENT_PENDING);
    // It is disabled once the callback returned: the next data is not indicated.
    await sim.client.send(accepted.socket, utf8('two'));
    await settle();
    expect(recorder.eventsOf('receive')).toHaveLength(1);
    expect(text((await sim.client.receive(caller, 64)).data)).toBe('two');
  });

  it('while its callback runs, with an IRP: STATUS_PENDING, and the IRP completes when the callback returned', async () => {
    const recorder = new WskConnectionRecorder();
    const { caller, accepted } = await pair(0, recorder);
    const irp = new IRP();
    const completion = irpCompletion(irp);
    let answer = 0;
    let completedInside = false;
    recorder.onReceive = (indication) => {
      answer = control(caller, WSK_EVENT_RECEIVE | WSK_EVENT_DISABLE, irp);
      completedInside = irp.state === 'completed';
      recorder.take(indication);
      return STATUS_SUCCESS;
    };
    control(caller, WSK_EVENT_RECEIVE);
    await sim.client.send(accepted.socket, utf8('x'));
    expect((await completion).Status).toBe(STATUS_SUCCESS);
    expect(answer).toBe(STATUS_PENDING);
    expect(completedInside).toBe(false);
  });

  it("connection events enabled on a listening socket cannot be disabled there; WskAcceptEvent's can", async () => {
    const acceptor = new WskAcceptRecorder();
    const listener = await sim.client.listen(
      af,
      type,
      protocol,
      sim.wskAddress(),
      acceptor,
      WSK_EVENT_ACCEPT | WSK_EVENT_RECEIVE,
    );
    expect(control(listener, WSK_EVENT_RECEIVE | WSK_EVENT_DISABLE)).toBe(STATUS_INVALID_DEVICE_STATE);
    expect(control(listener, WSK_EVENT_ACCEPT | WSK_EVENT_DISABLE)).toBe(STATUS_SUCCESS);
  });
});

describe('inheritance from the listening socket', () => {
  it('sockets accepted through WskAcceptEvent inherit the connection events', async () => {
    const { caller, accepted } = await pair(WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT);
    await sim.client.send(caller, utf8('inherited'));
    await sim.client.disconnect(caller, null);
    await accepted.recorder.untilDisconnected();
    expect(text(accepted.recorder.received())).toBe('inherited');
  });

  it('sockets accepted through WskAccept do not', async () => {
    const listener = await sim.client.listen(af, type, protocol, sim.wskAddress(), null, 0);
    // Events of connections are enabled on the listener only with WskAcceptEvent's table; without
    // one, a listen socket accepts with WskAccept and its connection events have nothing to pass on.
    const recorder = new WskConnectionRecorder();
    const acceptance = sim.client.accept(listener, recorder);
    const caller = await sim.client.connect(
      type,
      protocol,
      sim.wskAddress(),
      await sim.client.localAddress(listener),
    );
    const { socket } = await acceptance;
    await sim.client.send(caller, utf8('not indicated'));
    await settle();
    expect(recorder.events).toEqual([]);
    expect(text((await sim.client.receive(socket, 64)).data)).toBe('not indicated');
    // Enabled now, on the accepted socket itself: events flow.
    expect(sim.client.enableEvents(socket, WSK_EVENT_RECEIVE)).toBe(STATUS_SUCCESS);
    await sim.client.send(caller, utf8('now'));
    await recorder.until(() => recorder.received().byteLength > 0);
    expect(text(recorder.received())).toBe('now');
  });

  it('a listening socket with connection events but WskAccept: the accepted socket does not inherit them', async () => {
    const acceptor = new WskAcceptRecorder();
    const listener = await sim.client.listen(
      af,
      type,
      protocol,
      sim.wskAddress(),
      acceptor,
      WSK_EVENT_RECEIVE,
    );
    const recorder = new WskConnectionRecorder();
    const acceptance = sim.client.accept(listener, recorder);
    const caller = await sim.client.connect(
      type,
      protocol,
      sim.wskAddress(),
      await sim.client.localAddress(listener),
    );
    const { socket } = await acceptance;
    await sim.client.send(caller, utf8('via WskAccept'));
    await settle();
    expect(recorder.events).toEqual([]);
    expect(text((await sim.client.receive(socket, 64)).data)).toBe('via WskAccept');
  });
});

describe('WSK_SET_STATIC_EVENT_CALLBACKS', () => {
  it('enables the events on every new socket as soon as it can have them', async () => {
    const p = sim.client.provider;
    const set = (mask: number) =>
      p.WskControlClient(
        sim.client.clientObject,
        WSK_SET_STATIC_EVENT_CALLBACKS,
        16,
        { NpiId: NPI_WSK_INTERFACE_ID, EventMask: mask },
        0,
        null,
        null,
        null,
      );
    expect(set(WSK_EVENT_ACCEPT | WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT)).toBe(STATUS_SUCCESS);
    const acceptor = new WskAcceptRecorder();
    const listener = await sim.client.listen(af, type, protocol, sim.wskAddress(), acceptor);
    const clientRecorder = new WskConnectionRecorder();
    const caller = await sim.client.connect(
      type,
      protocol,
      sim.wskAddress(),
      await sim.client.localAddress(listener),
      clientRecorder,
    );
    const accepted = await acceptor.nth(0);
    sim.client.track(accepted.socket);
    await sim.client.send(accepted.socket, utf8('static'));
    await sim.client.disconnect(accepted.socket, null);
    await clientRecorder.untilDisconnected();
    expect(text(clientRecorder.received())).toBe('static');
    // Too late now that sockets exist; and never with an IRP or the disable flag.
    expect(set(WSK_EVENT_RECEIVE)).toBe(STATUS_INVALID_DEVICE_STATE);
    expect(set(WSK_EVENT_RECEIVE | WSK_EVENT_DISABLE)).toBe(STATUS_INVALID_PARAMETER);
    expect(
      (
        await callWithIrp((irp) =>
          p.WskControlClient(
            sim.client.clientObject,
            WSK_SET_STATIC_EVENT_CALLBACKS,
            16,
            { NpiId: NPI_WSK_INTERFACE_ID, EventMask: WSK_EVENT_RECEIVE },
            0,
            null,
            null,
            irp,
          ),
        )
      ).Status,
    ).toBe(STATUS_INVALID_PARAMETER);
    void caller;
  });
});

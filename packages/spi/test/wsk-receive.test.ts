/**
 * The receive side of a WSK connection over the in-memory transport: receive indications taken
 * whole or in part, left with WSK (`STATUS_DATA_NOT_ACCEPTED`) or kept until `WskRelease`
 * (`STATUS_PENDING`); the NULL indication of a socket that must be closed; `WskReceive` with
 * `WSK_FLAG_WAITALL`, `WSK_FLAG_DRAIN` and zero length; message boundaries; receive flow control;
 * and the disconnect event waiting for the data before it.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { SO_RCVBUF, SOL_SOCKET } from '@ws2spi/spi';
import { WskConnectionRecorder } from '@ws2spi/spi/testing';
import {
  DISPATCH_LEVEL,
  KeGetCurrentIrql,
  PASSIVE_LEVEL,
  SIO_WSK_QUERY_RECEIVE_BACKLOG,
  STATUS_DATA_NOT_ACCEPTED,
  STATUS_FILE_FORCED_CLOSED,
  STATUS_INVALID_PARAMETER,
  STATUS_PENDING,
  STATUS_SUCCESS,
  type WSK_DATA_INDICATION,
  WSK_EVENT_DISCONNECT,
  WSK_EVENT_RECEIVE,
  WSK_FLAG_AT_DISPATCH_LEVEL,
  WSK_FLAG_DRAIN,
  WSK_FLAG_ENTIRE_MESSAGE,
  WSK_FLAG_RELEASE_ASAP,
  WSK_FLAG_WAITALL,
  type WSK_PROVIDER_CONNECTION_DISPATCH,
  type WSK_SOCKET,
  WskGetOption,
  WskIoctl,
  WskSetOption,
} from '@ws2spi/spi/wsk';
import { MESSAGE, STREAM, settle, startWskSim, text, utf8, type WskSim, wskPair } from './support/wsk-sim';

let sim: WskSim;

beforeEach(async () => {
  sim = await startWskSim();
});

afterEach(async () => {
  await sim.end();
  expect(sim.wsk.verifier.violations).toEqual([]);
});

/** A WSK sender and a WSK receiver whose recorder has `events` (inherited from its listener). */
async function connected(
  events: number,
  triple: { af: number; type: number; protocol: number } = STREAM,
  prepare: (r: WskConnectionRecorder) => void = () => {},
) {
  return wskPair(sim, { events, triple, prepare });
}

const dispatch = (s: WSK_SOCKET) => s.Dispatch as WSK_PROVIDER_CONNECTION_DISPATCH;

function backlog(s: WSK_SOCKET): number {
  const value = { value: 0 as unknown };
  const size = { value: 0 };
  expect(
    dispatch(s).WskControlSocket(
      s,
      WskIoctl,
      SIO_WSK_QUERY_RECEIVE_BACKLOG,
      0,
      0,
      null,
      8,
      value,
      size,
      null,
    ),
  ).toBe(STATUS_SUCCESS);
  expect(size.value).toBe(8);
  return value.value as number;
}

describe('receive indications', () => {
  it('straight from the transport they run at DISPATCH_LEVEL and say WSK_FLAG_AT_DISPATCH_LEVEL', async () => {
    let irql = -1;
    const { sender, recorder } = await connected(WSK_EVENT_RECEIVE, STREAM, (r) => {
      r.onReceive = (indication) => {
        irql = KeGetCurrentIrql();
        r.take(indication);
        return STATUS_SUCCESS;
      };
    });
    await sim.client.send(sender, utf8('hello'));
    await recorder.until(() => recorder.received().byteLength === 5);
    expect(irql).toBe(DISPATCH_LEVEL);
    expect(recorder.events[0]!.flags & WSK_FLAG_AT_DISPATCH_LEVEL).toBe(WSK_FLAG_AT_DISPATCH_LEVEL);
    expect(recorder.events[0]!.flags & WSK_FLAG_RELEASE_ASAP).toBe(0);
    expect(KeGetCurrentIrql()).toBe(PASSIVE_LEVEL);
  });

  it('partial acceptance: the rest stays with WSK, indications stop until a WskReceive completes, then resume', async () => {
    let first = true;
    const { sender, receiver, recorder } = await connected(WSK_EVENT_RECEIVE, STREAM, (r) => {
      r.onReceive = (indication, bytes, accepted) => {
        if (!first) {
          r.take(indication);
          return STATUS_SUCCESS;
        }
        first = false;
        accepted.value = r.take(indication, 3);
        expect(bytes).toBe(10);
        return STATUS_SUCCESS;
      };
    });
    await sim.client.send(sender, utf8('0123456789'));
    await recorder.until(() => recorder.events.length === 1);
    expect(text(recorder.received())).toBe('012');
    expect(backlog(receiver)).toBe(7);
    await sim.client.send(sender, utf8('abc'));
    await settle();
    // Suspended: nothing more was indicated.
    expect(recorder.eventsOf('receive')).toHaveLength(1);
    const got = await sim.client.receive(receiver, 5);
    expect(text(got.data)).toBe('34567');
    // The receive completed: what is still buffered is indicated on a later turn (PASSIVE_LEVEL).
    await recorder.until(() => recorder.received().byteLength === 8);
    expect(text(recorder.received())).toBe('01289abc');
    expect(recorder.events[1]!.flags & WSK_FLAG_AT_DISPATCH_LEVEL).toBe(0);
  });

  it('STATUS_DATA_NOT_ACCEPTED leaves everything with WSK until a WskReceive', async () => {
    const { sender, receiver, recorder } = await connected(WSK_EVENT_RECEIVE, STREAM, (r) => {
      r.onReceive = () => STATUS_DATA_NOT_ACCEPTED;
    });
    await sim.client.send(sender, utf8('kept by WSK'));
    await recorder.until(() => recorder.events.length === 1);
    await sim.client.send(sender, utf8('!'));
    await settle();
    expect(recorder.events).toHaveLength(1);
    expect(backlog(receiver)).toBe(12);
    expect(text((await sim.client.receive(receiver, 64)).data)).toBe('kept by WSK!');
  });

  it('STATUS_PENDING keeps the buffers until WskRelease; what is kept counts against SO_RCVBUF', async () => {
    const kept: WSK_DATA_INDICATION[] = [];
    const { sender, receiver, recorder } = await connected(WSK_EVENT_RECEIVE, STREAM, (r) => {
      r.onReceive = (indication) => {
        kept.push(indication!);
        return STATUS_PENDING;
      };
    });
    const d = dispatch(receiver);
    expect(
      d.WskControlSocket(receiver, WskSetOption, SO_RCVBUF, SOL_SOCKET, 4, 1000, 0, null, null, null),
    ).toBe(STATUS_SUCCESS);
    const got = { value: 0 as unknown };
    expect(
      d.WskControlSocket(receiver, WskGetOption, SO_RCVBUF, SOL_SOCKET, 0, null, 4, got, { value: 0 }, null),
    ).toBe(STATUS_SUCCESS);
    expect(got.value).toBe(1000);
    await sim.client.send(sender, new Uint8Array(1000).fill(7));
    await recorder.until(() => kept.reduce((n, k) => n + k.Buffer.Length, 0) >= 1000);
    // The buffers stay valid and the client reads them whenever it likes — but a whole SO_RCVBUF
    // of them is a lot to keep: the indication asked for them back soon.
    expect(kept[0]!.Buffer.Mdl!.MappedSystemVa[0]).toBe(7);
    expect(recorder.events[0]!.flags & WSK_FLAG_RELEASE_ASAP).toBe(WSK_FLAG_RELEASE_ASAP);
    // Held at the limit: the transport is paused, the sender's big send waits for the window.
    let sent = false;
    const big = sim.client.send(sender, new Uint8Array(300_000)).then((r) => {
      sent = true;
      return r;
    });
    await settle(50);
    expect(sent).toBe(false);
    for (const k of kept.splice(0)) expect(d.WskRelease(receiver, k)).toBe(STATUS_SUCCESS);
    // Released: the transport resumes (further indications are kept and released as they come).
    recorder.onReceive = (indication) => {
      recorder.take(indication);
      return STATUS_SUCCESS;
    };
    expect((await big).Status).toBe(STATUS_SUCCESS);
    // A released indication cannot be released again.
    expect(d.WskRelease(receiver, {} as WSK_DATA_INDICATION)).toBe(STATUS_INVALID_PARAMETER);
  });

  it('a NULL indication tells the client the socket no longer works (the host went down): later calls fail', async () => {
    const { sender, receiver, recorder } = await connected(WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT);
    await sim.client.send(sender, utf8('before the crash'));
    await recorder.until(() => recorder.received().byteLength > 0);
    sim.network.host('wsk').crash();
    await recorder.until(() => recorder.eventsOf('receive-null').length > 0);
    const [event] = recorder.eventsOf('receive-null');
    expect(event!.flags & WSK_FLAG_AT_DISPATCH_LEVEL).toBe(WSK_FLAG_AT_DISPATCH_LEVEL);
    // The NULL indication is the one notice: no disconnect event follows it.
    expect(recorder.disconnects()).toEqual([]);
    expect((await sim.client.receive(receiver, 8)).Status).toBe(STATUS_FILE_FORCED_CLOSED);
    expect((await sim.client.send(receiver, utf8('x'))).Status).toBe(STATUS_FILE_FORCED_CLOSED);
  });
});

describe('WskReceive', () => {
  it('posted receives are served before indications', async () => {
    const { sender, receiver, recorder } = await connected(WSK_EVENT_RECEIVE);
    const pending = sim.client.receive(receiver, 64);
    await sim.client.send(sender, utf8('to the IRP'));
    expect(text((await pending).data)).toBe('to the IRP');
    expect(recorder.events).toEqual([]);
  });

  it('WSK_FLAG_WAITALL waits for a full buffer', async () => {
    const { sender, receiver } = await connected(0);
    const all = sim.client.receive(receiver, 10, WSK_FLAG_WAITALL);
    await sim.client.send(sender, utf8('0123'));
    await settle();
    await sim.client.send(sender, utf8('456789xyz'));
    const got = await all;
    expect(text(got.data)).toBe('0123456789');
    expect(text((await sim.client.receive(receiver, 10)).data)).toBe('xyz');
  });

  it('WSK_FLAG_WAITALL completes short at the graceful end', async () => {
    const { sender, receiver } = await connected(0);
    const all = sim.client.receive(receiver, 10, WSK_FLAG_WAITALL);
    await sim.client.send(sender, utf8('abc'));
    await sim.client.disconnect(sender, null);
    expect(await all).toEqual({ Status: STATUS_SUCCESS, data: utf8('abc') });
  });

  it('WSK_FLAG_DRAIN discards what is there and what comes, until the end', async () => {
    const { sender, receiver } = await connected(0);
    await sim.client.send(sender, utf8('discard me'));
    await settle();
    expect(backlog(receiver)).toBe(10);
    const drain = sim.client.receive(receiver, 0, WSK_FLAG_DRAIN);
    expect(backlog(receiver)).toBe(0);
    await sim.client.send(sender, utf8('and me'));
    await sim.client.disconnect(sender, null);
    expect(await drain).toEqual({ Status: STATUS_SUCCESS, data: new Uint8Array(0) });
    expect(backlog(receiver)).toBe(0);
  });

  it('a zero-length receive completes once data is there, leaving it for the next receive', async () => {
    const { sender, receiver } = await connected(0);
    const probe = sim.client.receive(receiver, 0);
    await sim.client.send(sender, utf8('ready'));
    expect(await probe).toEqual({ Status: STATUS_SUCCESS, data: new Uint8Array(0) });
    expect(text((await sim.client.receive(receiver, 16)).data)).toBe('ready');
  });

  it('on a message-oriented transport a receive ends at a message end, and whole messages are indicated as such', async () => {
    const { sender, receiver } = await connected(0, MESSAGE);
    await sim.client.send(sender, utf8('first'));
    await sim.client.send(sender, utf8('second'));
    await settle();
    expect(text((await sim.client.receive(receiver, 64)).data)).toBe('first');
    expect(text((await sim.client.receive(receiver, 3)).data)).toBe('sec');
    expect(text((await sim.client.receive(receiver, 64)).data)).toBe('ond');
    const events = await connected(WSK_EVENT_RECEIVE, MESSAGE);
    await sim.client.send(events.sender, utf8('whole'));
    await events.recorder.until(() => events.recorder.events.length === 1);
    expect(events.recorder.events[0]!.flags & WSK_FLAG_ENTIRE_MESSAGE).toBe(WSK_FLAG_ENTIRE_MESSAGE);
  });
});

describe('the disconnect event and the data before it', () => {
  it('waits until every byte before the close was taken, then fires (at PASSIVE_LEVEL)', async () => {
    const { sender, receiver, recorder } = await connected(
      WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT,
      STREAM,
      (r) => {
        r.onReceive = () => STATUS_DATA_NOT_ACCEPTED;
      },
    );
    await sim.client.send(sender, utf8('unread'));
    await sim.client.disconnect(sender, null);
    await settle(50);
    expect(recorder.disconnects()).toEqual([]);
    expect(text((await sim.client.receive(receiver, 64)).data)).toBe('unread');
    await recorder.untilDisconnected();
    const [event] = recorder.disconnects();
    expect(event!.flags).toBe(0);
    // The end itself: 0 bytes.
    expect(await sim.client.receive(receiver, 64)).toEqual({
      Status: STATUS_SUCCESS,
      data: new Uint8Array(0),
    });
  });

  it('enabled only after the peer closed, it still fires once', async () => {
    const { sender, receiver, recorder } = await connected(0);
    await sim.client.disconnect(sender, null);
    expect(await sim.client.receive(receiver, 4)).toEqual({
      Status: STATUS_SUCCESS,
      data: new Uint8Array(0),
    });
    expect(sim.client.enableEvents(receiver, WSK_EVENT_DISCONNECT)).toBe(STATUS_SUCCESS);
    await recorder.untilDisconnected();
    await settle();
    expect(recorder.disconnects()).toHaveLength(1);
  });
});

/**
 * WSK datagram sockets over the in-memory transport: `WskSendTo`/`WskReceiveFrom` with a Winsock
 * peer, `WskReceiveFromEvent` (taken, kept until `WskRelease`, or left with WSK), truncation, the
 * fixed remote address, `WskSendMessages`, `SO_BROADCAST`, and what is refused.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { out, SO_BROADCAST, SOCK_DGRAM, type SOCKADDR, SOL_SOCKET, Socket, sockaddrIn } from '@ws2spi/spi';
import {
  callWithIrp,
  MSG_TRUNC,
  SIO_WSK_SET_REMOTE_ADDRESS,
  STATUS_ACCESS_DENIED,
  STATUS_BUFFER_OVERFLOW,
  STATUS_DATA_NOT_ACCEPTED,
  STATUS_INVALID_BUFFER_SIZE,
  STATUS_INVALID_DEVICE_STATE,
  STATUS_INVALID_PARAMETER,
  STATUS_NOT_SUPPORTED,
  STATUS_PENDING,
  STATUS_SUCCESS,
  type WSK_CLIENT_DATAGRAM_DISPATCH,
  type WSK_DATAGRAM_INDICATION,
  WSK_EVENT_RECEIVE_FROM,
  WSK_FLAG_AT_DISPATCH_LEVEL,
  WSK_FLAG_DATAGRAM_SOCKET,
  type WSK_PROVIDER_DATAGRAM_DISPATCH,
  type WSK_SOCKET,
  WskIoctl,
  WskSetOption,
  wskBuf,
} from '@ws2spi/spi/wsk';
import { DATAGRAM, settle, startWskSim, text, utf8, type WskSim } from './support/wsk-sim';

let sim: WskSim;

beforeEach(async () => {
  sim = await startWskSim();
});

afterEach(async () => {
  await sim.end();
  expect(sim.wsk.verifier.violations).toEqual([]);
});

const d = (s: WSK_SOCKET) => s.Dispatch as WSK_PROVIDER_DATAGRAM_DISPATCH;

async function boundSocket(
  dispatch: WSK_CLIENT_DATAGRAM_DISPATCH | null = null,
): Promise<{ socket: WSK_SOCKET; local: SOCKADDR }> {
  const socket = await sim.client.socket(
    DATAGRAM.af,
    DATAGRAM.type,
    DATAGRAM.protocol,
    WSK_FLAG_DATAGRAM_SOCKET,
    dispatch,
  );
  expect((await callWithIrp((irp) => d(socket).WskBind(socket, sim.wskAddress(), 0, irp))).Status).toBe(
    STATUS_SUCCESS,
  );
  return { socket, local: await sim.client.localAddress(socket) };
}

async function peer(): Promise<Socket> {
  const s = await Socket.create(sim.app().ws2, DATAGRAM.af, SOCK_DGRAM, DATAGRAM.protocol);
  await s.bind(sim.appAddress());
  return s;
}

function receiveFrom(socket: WSK_SOCKET, capacity: number) {
  const buffer = new Uint8Array(capacity);
  const from = out<SOCKADDR | null>(null);
  const flags = out(0);
  return callWithIrp((irp) =>
    d(socket).WskReceiveFrom(socket, wskBuf(buffer), 0, from, out(0), null, flags, irp),
  ).then((r) => ({
    ...r,
    data: buffer.slice(0, r.Information as number),
    from: from.value,
    flags: flags.value,
  }));
}

describe('WSK datagrams with a Winsock peer', () => {
  it('WskSendTo reaches the peer; the peer’s datagram completes a WskReceiveFrom with its address', async () => {
    const { socket, local } = await boundSocket();
    const app = await peer();
    const sent = await callWithIrp((irp) =>
      d(socket).WskSendTo(socket, wskBuf(utf8('to winsock')), 0, app.localAddress(), 0, null, irp),
    );
    expect(sent).toEqual({ Status: STATUS_SUCCESS, Information: 10 });
    const got = await app.recvFrom(64);
    expect(text(got.data)).toBe('to winsock');
    const pending = receiveFrom(socket, 64);
    await app.sendTo(utf8('to wsk'), local);
    const received = await pending;
    expect(received.Status).toBe(STATUS_SUCCESS);
    expect(text(received.data)).toBe('to wsk');
    expect(received.from).toEqual(app.localAddress());
    app.close();
  });

  it('a datagram larger than the buffer is truncated: STATUS_BUFFER_OVERFLOW and MSG_TRUNC', async () => {
    const { socket, local } = await boundSocket();
    const app = await peer();
    await app.sendTo(utf8('0123456789'), local);
    await settle();
    const received = await receiveFrom(socket, 4);
    expect(received.Status).toBe(STATUS_BUFFER_OVERFLOW);
    expect(text(received.data)).toBe('0123');
    expect(received.flags).toBe(MSG_TRUNC);
    app.close();
  });

  it('WskReceiveFromEvent: taken, kept until WskRelease, or left with WSK until a WskReceiveFrom', async () => {
    const answers = [STATUS_SUCCESS, STATUS_PENDING, STATUS_DATA_NOT_ACCEPTED];
    const seen: Array<{ text: string; flags: number }> = [];
    const kept: WSK_DATAGRAM_INDICATION[] = [];
    const { socket, local } = await boundSocket({
      WskReceiveFromEvent: (_context, flags, indication) => {
        const { Mdl, Length } = indication!.Buffer;
        seen.push({ text: text(Mdl!.MappedSystemVa.subarray(0, Length)), flags });
        const answer = answers.shift() ?? STATUS_SUCCESS;
        if (answer === STATUS_PENDING) kept.push(indication!);
        return answer;
      },
    });
    expect(sim.client.enableEvents(socket, WSK_EVENT_RECEIVE_FROM)).toBe(STATUS_SUCCESS);
    const app = await peer();
    for (const word of ['taken', 'kept', 'left', 'waiting']) await app.sendTo(utf8(word), local);
    await settle(50);
    // After "left", indications stopped: "waiting" was not indicated.
    expect(seen.map((s) => s.text)).toEqual(['taken', 'kept', 'left']);
    expect(seen[0]!.flags & WSK_FLAG_AT_DISPATCH_LEVEL).toBe(WSK_FLAG_AT_DISPATCH_LEVEL);
    expect(d(socket).WskRelease(socket, kept[0]!)).toBe(STATUS_SUCCESS);
    expect(d(socket).WskRelease(socket, kept[0]!)).toBe(STATUS_INVALID_PARAMETER);
    expect(text((await receiveFrom(socket, 64)).data)).toBe('left');
    // The receive completed: what waited is indicated again.
    await settle();
    expect(seen.map((s) => s.text)).toEqual(['taken', 'kept', 'left', 'waiting']);
    app.close();
  });
});

describe('WSK to WSK', () => {
  it('the fixed remote address (SIO_WSK_SET_REMOTE_ADDRESS) and WskSendMessages', async () => {
    const a = await boundSocket();
    const b = await boundSocket();
    expect(
      d(a.socket).WskControlSocket(
        a.socket,
        WskIoctl,
        SIO_WSK_SET_REMOTE_ADDRESS,
        0,
        16,
        b.local,
        0,
        null,
        out(0),
        null,
      ),
    ).toBe(STATUS_SUCCESS);
    const list = { Next: { Next: null, Buffer: wskBuf(utf8('two')) }, Buffer: wskBuf(utf8('one')) };
    const sent = await callWithIrp((irp) =>
      d(a.socket).WskSendMessages(a.socket, list, 0, null, 0, null, irp),
    );
    expect(sent).toEqual({ Status: STATUS_SUCCESS, Information: 6 });
    expect(text((await receiveFrom(b.socket, 16)).data)).toBe('one');
    const second = await receiveFrom(b.socket, 16);
    expect(text(second.data)).toBe('two');
    expect(second.from).toEqual(a.local);
  });
});

describe('refused', () => {
  it('sends and receives before WskBind: STATUS_INVALID_DEVICE_STATE', async () => {
    const socket = await sim.client.socket(
      DATAGRAM.af,
      DATAGRAM.type,
      DATAGRAM.protocol,
      WSK_FLAG_DATAGRAM_SOCKET,
    );
    expect(
      (
        await callWithIrp((irp) =>
          d(socket).WskSendTo(socket, wskBuf(utf8('x')), 0, sim.appAddress(9), 0, null, irp),
        )
      ).Status,
    ).toBe(STATUS_INVALID_DEVICE_STATE);
    expect((await receiveFrom(socket, 4)).Status).toBe(STATUS_INVALID_DEVICE_STATE);
  });

  it('control information, no destination, oversized datagrams, broadcast without SO_BROADCAST', async () => {
    const { socket } = await boundSocket();
    const send = (remote: SOCKADDR | null, data = utf8('x'), controlLength = 0) =>
      callWithIrp((irp) => d(socket).WskSendTo(socket, wskBuf(data), 0, remote, controlLength, null, irp));
    expect((await send(sim.appAddress(9), utf8('x'), 8)).Status).toBe(STATUS_NOT_SUPPORTED);
    expect((await send(null)).Status).toBe(STATUS_INVALID_PARAMETER);
    expect((await send(sim.appAddress(9), new Uint8Array(70_000))).Status).toBe(STATUS_INVALID_BUFFER_SIZE);
    expect((await send(sockaddrIn('255.255.255.255', 9))).Status).toBe(STATUS_ACCESS_DENIED);
    expect(
      d(socket).WskControlSocket(socket, WskSetOption, SO_BROADCAST, SOL_SOCKET, 4, 1, 0, null, null, null),
    ).toBe(STATUS_SUCCESS);
    expect((await send(sockaddrIn('255.255.255.255', 9))).Status).not.toBe(STATUS_ACCESS_DENIED);
  });
});

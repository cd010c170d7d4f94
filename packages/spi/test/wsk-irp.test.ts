/**
 * IRPs, cancellation, the IRQL model and transport failures over the in-memory transport: how a
 * request completes (once, through its completion routine, at which IRQL), what `IoCancelIrp` and
 * `WskCloseSocket` do to pending requests, and the NTSTATUS a refused, timed-out or conflicting
 * transport operation reports.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  callWithIrp,
  DISPATCH_LEVEL,
  IoAllocateIrp,
  IoAllocateMdl,
  IoCancelIrp,
  IoFreeIrp,
  IoSetCompletionRoutine,
  IRP,
  irpCompletion,
  KeGetCurrentIrql,
  KeLowerIrql,
  KeRaiseIrql,
  MmGetMdlByteCount,
  MmGetSystemAddressForMdlSafe,
  PASSIVE_LEVEL,
  STATUS_ADDRESS_ALREADY_EXISTS,
  STATUS_CANCELLED,
  STATUS_CONNECTION_REFUSED,
  STATUS_INVALID_DEVICE_STATE,
  STATUS_INVALID_PARAMETER,
  STATUS_IO_TIMEOUT,
  STATUS_MORE_PROCESSING_REQUIRED,
  STATUS_PENDING,
  STATUS_SUCCESS,
  WSK_FLAG_CONNECTION_SOCKET,
  WSK_FLAG_WAITALL,
  type WSK_PROVIDER_CONNECTION_DISPATCH,
  type WSK_PROVIDER_LISTEN_DISPATCH,
  type WSK_SOCKET,
  wskBuf,
} from '@ws2spi/spi/wsk';
import { STREAM, settle, startWskSim, text, utf8, type WskSim } from './support/wsk-sim';

let sim: WskSim | null = null;

afterEach(async () => {
  if (!sim) return;
  await sim.end();
  expect(sim.wsk.verifier.violations).toEqual([]);
  sim = null;
});

const { af, type, protocol } = STREAM;
const connection = (s: WSK_SOCKET) => s.Dispatch as WSK_PROVIDER_CONNECTION_DISPATCH;
const listen = (s: WSK_SOCKET) => s.Dispatch as WSK_PROVIDER_LISTEN_DISPATCH;

async function pair() {
  sim = await startWskSim({ network: { connectTimeoutMs: 200 } });
  const listener = await sim.client.listen(af, type, protocol, sim.wskAddress());
  const accepting = sim.client.accept(listener);
  const sender = await sim.client.connect(
    type,
    protocol,
    sim.wskAddress(),
    await sim.client.localAddress(listener),
  );
  const { socket: receiver } = await accepting;
  return { sim, listener, sender, receiver };
}

describe('the IRP of a request', () => {
  it('completes once, through its completion routine, with IoStatus set', async () => {
    const { sender, receiver } = await pair();
    const irp = IoAllocateIrp(1)!;
    const calls: Array<[number, unknown, unknown]> = [];
    IoSetCompletionRoutine(
      irp,
      (_device, done, context) => {
        calls.push([done.IoStatus.Status, done.IoStatus.Information, context]);
        return STATUS_MORE_PROCESSING_REQUIRED;
      },
      'my context',
      true,
      true,
      true,
    );
    expect(connection(receiver).WskReceive(receiver, wskBuf(new Uint8Array(16)), 0, irp)).toBe(
      STATUS_PENDING,
    );
    expect(irp.PendingReturned).toBe(true);
    await sim!.client.send(sender, utf8('abc'));
    await settle();
    expect(calls).toEqual([[STATUS_SUCCESS, 3, 'my context']]);
    IoFreeIrp(irp);
    // A freed IRP is no IRP.
    expect(connection(receiver).WskReceive(receiver, wskBuf(new Uint8Array(4)), 0, irp)).toBe(
      STATUS_INVALID_PARAMETER,
    );
  });

  it('runs the completion routine only for the outcomes it asked for', async () => {
    const { sender } = await pair();
    const irp = new IRP();
    let called = false;
    IoSetCompletionRoutine(
      irp,
      () => {
        called = true;
        return STATUS_MORE_PROCESSING_REQUIRED;
      },
      null,
      false,
      true,
      true,
    );
    expect(connection(sender).WskSend(sender, wskBuf(utf8('ok')), 0, irp)).toBe(STATUS_SUCCESS);
    expect(called).toBe(false);
    expect(irp.IoStatus.Status).toBe(STATUS_SUCCESS);
  });

  it('a completion routine runs at DISPATCH_LEVEL when the transport completes it, at the caller’s IRQL inside the call', async () => {
    const { sender, receiver } = await pair();
    const seen: number[] = [];
    const irqlOf = (irp: IRP): IRP => {
      IoSetCompletionRoutine(
        irp,
        () => {
          seen.push(KeGetCurrentIrql());
          return STATUS_MORE_PROCESSING_REQUIRED;
        },
        null,
        true,
        true,
        true,
      );
      return irp;
    };
    connection(receiver).WskReceive(receiver, wskBuf(new Uint8Array(8)), 0, irqlOf(new IRP()));
    await sim!.client.send(sender, utf8('x'));
    await settle();
    connection(sender).WskSend(sender, wskBuf(utf8('y')), 0, irqlOf(new IRP()));
    expect(seen).toEqual([DISPATCH_LEVEL, PASSIVE_LEVEL]);
  });

  it('KeRaiseIrql and KeLowerIrql refuse to go the wrong way', () => {
    const old = { value: -1 };
    KeRaiseIrql(DISPATCH_LEVEL, old);
    expect(old.value).toBe(PASSIVE_LEVEL);
    expect(() => KeRaiseIrql(PASSIVE_LEVEL, { value: 0 })).toThrow(RangeError);
    KeLowerIrql(PASSIVE_LEVEL);
    expect(() => KeLowerIrql(DISPATCH_LEVEL)).toThrow(RangeError);
    expect(KeGetCurrentIrql()).toBe(PASSIVE_LEVEL);
  });

  it('MDLs describe the caller’s memory and chain onto an IRP', () => {
    const irp = new IRP();
    const first = new Uint8Array([1, 2, 3, 4]);
    const mdl = IoAllocateMdl(first, 3, false, false, irp)!;
    const second = IoAllocateMdl(new Uint8Array([9]), 1, true, false, irp)!;
    expect(irp.MdlAddress).toBe(mdl);
    expect(mdl.Next).toBe(second);
    expect(MmGetMdlByteCount(mdl)).toBe(3);
    MmGetSystemAddressForMdlSafe(mdl)[0] = 7;
    expect(first[0]).toBe(7);
    expect(IoAllocateMdl(first, 5)).toBeNull();
  });
});

describe('cancellation', () => {
  it('IoCancelIrp withdraws a pending receive (STATUS_CANCELLED); one already holding bytes completes with them', async () => {
    const { sender, receiver } = await pair();
    const irp = new IRP();
    const done = irpCompletion(irp);
    connection(receiver).WskReceive(receiver, wskBuf(new Uint8Array(8)), 0, irp);
    expect(IoCancelIrp(irp)).toBe(true);
    expect((await done).Status).toBe(STATUS_CANCELLED);
    expect(IoCancelIrp(irp)).toBe(false);

    const partial = new IRP();
    const buffer = new Uint8Array(8);
    const partialDone = irpCompletion(partial);
    connection(receiver).WskReceive(receiver, wskBuf(buffer), WSK_FLAG_WAITALL, partial);
    await sim!.client.send(sender, utf8('abc'));
    await settle();
    IoCancelIrp(partial);
    expect(await partialDone).toEqual({ Status: STATUS_SUCCESS, Information: 3 });
    expect(text(buffer.subarray(0, 3))).toBe('abc');
  });

  it('IoCancelIrp withdraws a pending WskAccept', async () => {
    sim = await startWskSim();
    const listener = await sim.client.listen(af, type, protocol, sim.wskAddress());
    const irp = new IRP();
    const done = irpCompletion(irp);
    expect(listen(listener).WskAccept(listener, 0, null, null, null, null, irp)).toBe(STATUS_PENDING);
    IoCancelIrp(irp);
    expect((await done).Status).toBe(STATUS_CANCELLED);
  });

  it('IoCancelIrp withdraws a pending WskConnect; the socket is then only good for closing', async () => {
    sim = await startWskSim({ network: { connectTimeoutMs: 60_000 } });
    sim.network.partition('wsk', 'app');
    const conn = await sim.client.socket(af, type, protocol, WSK_FLAG_CONNECTION_SOCKET);
    const d = connection(conn);
    expect((await callWithIrp((irp) => d.WskBind(conn, sim!.wskAddress(), 0, irp))).Status).toBe(
      STATUS_SUCCESS,
    );
    const irp = new IRP();
    const done = irpCompletion(irp);
    expect(d.WskConnect(conn, sim.appAddress(7000), 0, irp)).toBe(STATUS_PENDING);
    IoCancelIrp(irp);
    expect((await done).Status).toBe(STATUS_CANCELLED);
    expect((await callWithIrp((i) => d.WskConnect(conn, sim!.appAddress(7000), 0, i))).Status).toBe(
      STATUS_INVALID_DEVICE_STATE,
    );
    // The close waits for the transport's answer to the withdrawn connect; the network's own end answers it.
    const closing = sim.client.close(conn);
    sim.network.healAll();
    expect((await closing).Status).toBe(STATUS_SUCCESS);
  });

  it('WskCloseSocket cancels every pending request of the socket', async () => {
    const { sender, receiver } = await pair();
    const receive = sim!.client.receive(receiver, 16);
    const big = sim!.client.send(receiver, new Uint8Array(1 << 20));
    const queued = sim!.client.send(receiver, utf8('queued'));
    expect((await sim!.client.close(receiver)).Status).toBe(STATUS_SUCCESS);
    expect((await receive).Status).toBe(STATUS_CANCELLED);
    expect((await queued).Status).toBe(STATUS_CANCELLED);
    expect([STATUS_SUCCESS, STATUS_CANCELLED]).toContain((await big).Status);
    void sender;
  });
});

describe('transport failures as NTSTATUS', () => {
  it('a refused connect is STATUS_CONNECTION_REFUSED, a silent peer STATUS_IO_TIMEOUT', async () => {
    sim = await startWskSim({ network: { connectTimeoutMs: 50 } });
    const attempt = (remote = sim!.appAddress(4444)) =>
      callWithIrp((irp) =>
        sim!.client.provider.WskSocketConnect(
          sim!.client.clientObject,
          type,
          protocol,
          sim!.wskAddress(),
          remote,
          0,
          null,
          null,
          null,
          null,
          null,
          irp,
        ),
      );
    expect((await attempt()).Status).toBe(STATUS_CONNECTION_REFUSED);
    sim.network.partition('wsk', 'app');
    expect((await attempt()).Status).toBe(STATUS_IO_TIMEOUT);
    expect(sim.wsk.openSockets(sim.client.registration)).toBe(0);
  });

  it('binding an address in use is STATUS_ADDRESS_ALREADY_EXISTS', async () => {
    sim = await startWskSim();
    const first = await sim.client.listen(af, type, protocol, sim.wskAddress());
    const taken = await sim.client.localAddress(first);
    const conn = await sim.client.socket(af, type, protocol, WSK_FLAG_CONNECTION_SOCKET);
    expect((await callWithIrp((irp) => connection(conn).WskBind(conn, taken, 0, irp))).Status).toBe(
      STATUS_ADDRESS_ALREADY_EXISTS,
    );
  });
});

/**
 * The WSK verifier: one test per rule that trips it (with the call, the rule and a stack recorded,
 * and WSK carrying on safely), strict mode throwing at the violation, and a clean run recording
 * nothing.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { WskConnectionRecorder, WskTestClient } from '@ws2spi/spi/testing';
import {
  callWithIrp,
  DISPATCH_LEVEL,
  emptyWskProviderNpi,
  emptyWskRegistration,
  IoCompleteRequest,
  IoReuseIrp,
  IoSetCompletionRoutine,
  IRP,
  irpCompletion,
  KeLowerIrql,
  KeRaiseIrql,
  MAKE_WSK_VERSION,
  STATUS_DEVICE_NOT_READY,
  STATUS_INVALID_DEVICE_STATE,
  STATUS_INVALID_PARAMETER,
  STATUS_PENDING,
  STATUS_SUCCESS,
  STATUS_UNSUCCESSFUL,
  WSK_EVENT_DISCONNECT,
  WSK_EVENT_RECEIVE,
  WSK_FLAG_ABORTIVE,
  WSK_FLAG_CONNECTION_SOCKET,
  WSK_INFINITE_WAIT,
  type WSK_PROVIDER_CONNECTION_DISPATCH,
  type WSK_SOCKET,
  WSK_VERIFIER_RULES,
  WskVerifierError,
  type WskVerifierRule,
  wskBuf,
} from '@ws2spi/spi/wsk';
import { STREAM, settle, startWskSim, text, utf8, type WskSim, wskPair } from './support/wsk-sim';

let sim: WskSim | null = null;

afterEach(async () => {
  await sim?.end();
  sim = null;
});

const { af, type, protocol } = STREAM;
const dispatch = (s: WSK_SOCKET) => s.Dispatch as WSK_PROVIDER_CONNECTION_DISPATCH;

async function connected(prepare: (r: WskConnectionRecorder) => void = () => {}, events = WSK_EVENT_RECEIVE) {
  sim ??= await startWskSim();
  return { sim, ...(await wskPair(sim, { events, prepare })) };
}

/** The rules recorded so far (and forgets them). */
function rules(s: WskSim): WskVerifierRule[] {
  return s.wsk.verifier.clear().map((v) => v.rule);
}

describe('each rule, tripped', () => {
  it('callback-status: a WskDisconnectEvent that returns anything but STATUS_SUCCESS', async () => {
    const { sim, sender, recorder } = await connected((r) => {
      r.dispatch.WskDisconnectEvent = () => STATUS_UNSUCCESSFUL;
      void r;
    }, WSK_EVENT_DISCONNECT);
    await sim.client.disconnect(sender, null);
    await settle(50);
    const [violation] = sim.wsk.verifier.violations;
    expect(violation).toMatchObject({ rule: 'callback-status', call: 'WskDisconnectEvent' });
    expect(violation!.message).toContain('STATUS_UNSUCCESSFUL');
    expect(violation!.stack).toContain('Error');
    rules(sim);
    void recorder;
  });

  it('callback-status: a BytesAccepted beyond what was indicated (the data stays with WSK)', async () => {
    const { sim, sender, receiver } = await connected((r) => {
      r.onReceive = (_indication, bytes, accepted) => {
        accepted.value = bytes + 1;
        return STATUS_SUCCESS;
      };
    });
    await sim.client.send(sender, utf8('kept'));
    await settle();
    expect(rules(sim)).toEqual(['callback-status']);
    expect(text((await sim.client.receive(receiver, 16)).data)).toBe('kept');
  });

  it('callback-threw: a receive callback that throws (nothing is lost)', async () => {
    const { sim, sender, receiver } = await connected((r) => {
      r.onReceive = () => {
        throw new Error('client bug');
      };
    });
    await sim.client.send(sender, utf8('safe'));
    await settle();
    const violations = sim.wsk.verifier.clear();
    expect(violations.map((v) => v.rule)).toEqual(['callback-threw']);
    expect(violations[0]!.message).toContain('client bug');
    expect(text((await sim.client.receive(receiver, 16)).data)).toBe('safe');
  });

  it('dispatch-level-wait: a callback that returns a promise at DISPATCH_LEVEL (it waited)', async () => {
    const { sim, sender, receiver } = await connected((r) => {
      (r.dispatch as { WskReceiveEvent: unknown }).WskReceiveEvent = async () => STATUS_SUCCESS;
    });
    await sim.client.send(sender, utf8('not taken'));
    await settle();
    expect(rules(sim)).toEqual(['dispatch-level-wait']);
    expect(text((await sim.client.receive(receiver, 16)).data)).toBe('not taken');
  });

  it('irql-too-high: WskRegister, WskDeregister and a waiting capture at DISPATCH_LEVEL', async () => {
    sim = await startWskSim();
    const old = { value: 0 };
    KeRaiseIrql(DISPATCH_LEVEL, old);
    let status: number;
    let capture: Promise<number>;
    let deregister: Promise<void>;
    const reg = emptyWskRegistration();
    try {
      status = sim.wsk.WskRegister(
        {
          ClientContext: null,
          Dispatch: { Version: MAKE_WSK_VERSION(1, 0), Reserved: 0, WskClientEvent: null },
        },
        reg,
      );
      capture = sim.wsk.WskCaptureProviderNPI(reg, WSK_INFINITE_WAIT, emptyWskProviderNpi());
      deregister = sim.wsk.WskDeregister(reg);
    } finally {
      KeLowerIrql(old.value);
    }
    expect(status).toBe(STATUS_SUCCESS);
    // The capture raced the deregistration it was made beside: whichever won, it is balanced.
    if ((await capture) === STATUS_SUCCESS) sim.wsk.WskReleaseProviderNPI(reg);
    await deregister;
    const violations = sim.wsk.verifier.clear();
    expect(violations.map((v) => [v.rule, v.call])).toEqual([
      ['irql-too-high', 'WskRegister'],
      ['irql-too-high', 'WskCaptureProviderNPI'],
      ['irql-too-high', 'WskDeregister'],
    ]);
  });

  it('completion-routine-status: a completion routine of the client’s IRP that does not return STATUS_MORE_PROCESSING_REQUIRED', async () => {
    const { sim, sender } = await connected();
    const irp = new IRP();
    IoSetCompletionRoutine(irp, () => STATUS_SUCCESS, null, true, true, true);
    expect(dispatch(sender).WskSend(sender, wskBuf(utf8('x')), 0, irp)).toBe(STATUS_SUCCESS);
    expect(rules(sim)).toEqual(['completion-routine-status']);
  });

  it('events-before-ready: events enabled on a connection socket before it is connected', async () => {
    sim = await startWskSim();
    const recorder = new WskConnectionRecorder();
    const conn = await sim.client.socket(af, type, protocol, WSK_FLAG_CONNECTION_SOCKET, recorder.dispatch);
    expect(sim.client.enableEvents(conn, WSK_EVENT_RECEIVE)).toBe(STATUS_INVALID_DEVICE_STATE);
    expect(rules(sim)).toEqual(['events-before-ready']);
  });

  it('socket-closed: a socket used after WskCloseSocket (STATUS_INVALID_DEVICE_STATE, the IRP completed)', async () => {
    const { sim, sender } = await connected();
    await sim.client.close(sender);
    const result = await callWithIrp((irp) => dispatch(sender).WskSend(sender, wskBuf(utf8('x')), 0, irp));
    expect(result.Status).toBe(STATUS_INVALID_DEVICE_STATE);
    expect((await callWithIrp((irp) => dispatch(sender).WskCloseSocket(sender, irp))).Status).toBe(
      STATUS_INVALID_DEVICE_STATE,
    );
    expect(rules(sim)).toEqual(['socket-closed', 'socket-closed']);
  });

  it('abortive-with-buffer: WskDisconnect with WSK_FLAG_ABORTIVE and a buffer (STATUS_INVALID_PARAMETER; nothing happens)', async () => {
    const { sim, sender, receiver } = await connected();
    const result = await sim.client.disconnect(sender, utf8('not allowed'), WSK_FLAG_ABORTIVE);
    expect(result.Status).toBe(STATUS_INVALID_PARAMETER);
    expect(rules(sim)).toEqual(['abortive-with-buffer']);
    // The connection is untouched.
    expect((await sim.client.send(sender, utf8('alive'))).Status).toBe(STATUS_SUCCESS);
    void receiver;
  });

  it('irp-completed-twice: the client completes an IRP WSK still holds; WSK’s own completion later is refused', async () => {
    const { sim, sender, receiver } = await connected(() => {}, 0);
    const irp = new IRP();
    const routine = irpCompletion(irp);
    expect(dispatch(receiver).WskReceive(receiver, wskBuf(new Uint8Array(8)), 0, irp)).toBe(STATUS_PENDING);
    irp.IoStatus.Status = STATUS_SUCCESS;
    IoCompleteRequest(irp);
    expect((await routine).Status).toBe(STATUS_SUCCESS);
    await sim.client.send(sender, utf8('late'));
    await settle();
    expect(rules(sim)).toEqual(['irp-completed-twice']);
  });

  it('irp-reused-while-pending: an IRP still pending passed to another request (refused, the first untouched)', async () => {
    const { sim, sender, receiver } = await connected(() => {}, 0);
    const irp = new IRP();
    const first = irpCompletion(irp);
    expect(dispatch(receiver).WskReceive(receiver, wskBuf(new Uint8Array(8)), 0, irp)).toBe(STATUS_PENDING);
    expect(dispatch(receiver).WskReceive(receiver, wskBuf(new Uint8Array(8)), 0, irp)).toBe(
      STATUS_INVALID_PARAMETER,
    );
    expect(rules(sim)).toEqual(['irp-reused-while-pending']);
    await sim.client.send(sender, utf8('first'));
    expect((await first).Information).toBe(5);
  });

  it('irp-not-reinitialized: a completed IRP passed again without IoReuseIrp (and none with it)', async () => {
    const { sim, sender } = await connected();
    const irp = new IRP();
    irpCompletion(irp);
    expect(dispatch(sender).WskSend(sender, wskBuf(utf8('a')), 0, irp)).toBe(STATUS_SUCCESS);
    irpCompletion(irp);
    expect(dispatch(sender).WskSend(sender, wskBuf(utf8('b')), 0, irp)).toBe(STATUS_SUCCESS);
    expect(rules(sim)).toEqual(['irp-not-reinitialized']);
    IoReuseIrp(irp, STATUS_SUCCESS);
    irpCompletion(irp);
    expect(dispatch(sender).WskSend(sender, wskBuf(utf8('c')), 0, irp)).toBe(STATUS_SUCCESS);
    expect(rules(sim)).toEqual([]);
  });

  it('call-after-deregister: the provider NPI used after WskDeregister (STATUS_DEVICE_NOT_READY)', async () => {
    sim = await startWskSim();
    const client = await WskTestClient.start(sim.wsk);
    const provider = client.provider;
    const clientObject = client.clientObject;
    await client.end();
    const result = await callWithIrp((irp) =>
      provider.WskSocket(
        clientObject,
        af,
        type,
        protocol,
        WSK_FLAG_CONNECTION_SOCKET,
        null,
        null,
        null,
        null,
        null,
        irp,
      ),
    );
    expect(result.Status).toBe(STATUS_DEVICE_NOT_READY);
    expect(rules(sim)).toEqual(['call-after-deregister']);
  });

  it('sockets-open-at-deregister: WskDeregister with a socket open (it waits for the close)', async () => {
    sim = await startWskSim();
    const client = await WskTestClient.start(sim.wsk);
    const conn = await client.socket(af, type, protocol, WSK_FLAG_CONNECTION_SOCKET);
    const ended = client.end(false);
    await settle();
    expect(rules(sim)).toEqual(['sockets-open-at-deregister']);
    await client.close(conn);
    await ended;
  });

  it('npi-release-unbalanced: WskReleaseProviderNPI without a capture', async () => {
    sim = await startWskSim();
    const client = await WskTestClient.start(sim.wsk);
    sim.wsk.WskReleaseProviderNPI(client.registration);
    sim.wsk.WskReleaseProviderNPI(client.registration);
    expect(rules(sim)).toEqual(['npi-release-unbalanced']);
    await sim.wsk.WskDeregister(client.registration);
  });

  it('every rule has a test here', () => {
    const tested = [
      'callback-status',
      'callback-threw',
      'dispatch-level-wait',
      'irql-too-high',
      'completion-routine-status',
      'events-before-ready',
      'socket-closed',
      'abortive-with-buffer',
      'irp-completed-twice',
      'irp-reused-while-pending',
      'irp-not-reinitialized',
      'call-after-deregister',
      'sockets-open-at-deregister',
      'npi-release-unbalanced',
    ];
    expect(Object.keys(WSK_VERIFIER_RULES).sort()).toEqual(tested.sort());
  });
});

describe('strict mode', () => {
  it('throws WskVerifierError at the violation', async () => {
    sim = await startWskSim({ verifier: { strict: true } });
    const conn = await sim.client.socket(af, type, protocol, WSK_FLAG_CONNECTION_SOCKET);
    await sim.client.close(conn);
    let thrown: unknown;
    try {
      dispatch(conn).WskSend(conn, wskBuf(utf8('x')), 0, new IRP());
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(WskVerifierError);
    expect((thrown as WskVerifierError).violation.rule).toBe('socket-closed');
    expect((thrown as WskVerifierError).message).toContain('[socket-closed] WskSend');
    sim.wsk.verifier.strict = false;
  });
});

describe('a clean run', () => {
  it('records nothing', async () => {
    const { sim, sender, receiver, recorder } = await connected(
      () => {},
      WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT,
    );
    await sim.client.send(sender, utf8('clean'));
    await sim.client.disconnect(sender, null);
    await recorder.untilDisconnected();
    await sim.client.disconnect(receiver, null);
    await sim.client.close(sender);
    await sim.client.close(receiver);
    expect(text(recorder.received())).toBe('clean');
    expect(sim.wsk.verifier.violations).toEqual([]);
  });
});

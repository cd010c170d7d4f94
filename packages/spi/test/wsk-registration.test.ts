/**
 * WSK registration: `WskRegister`, `WskCaptureProviderNPI` with `WSK_NO_WAIT`, `WSK_INFINITE_WAIT`
 * and a timeout, `STATUS_NOINTERFACE` and `STATUS_DEVICE_NOT_READY`, `WskReleaseProviderNPI`,
 * `WskQueryProviderCharacteristics`, and `WskDeregister` waiting for released NPIs and closed
 * sockets.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { AF_INET, SOCK_STREAM } from '@ws2spi/spi';
import { inMemoryWskTransports, SimNetwork } from '@ws2spi/spi/testing';
import {
  callWithIrp,
  createWskProvider,
  emptyWskProviderNpi,
  emptyWskRegistration,
  IoCancelIrp,
  IRP,
  irpCompletion,
  MAKE_WSK_VERSION,
  STATUS_CANCELLED,
  STATUS_DEVICE_NOT_READY,
  STATUS_INVALID_PARAMETER,
  STATUS_NOINTERFACE,
  STATUS_PENDING,
  STATUS_SUCCESS,
  type WSK_CLIENT_NPI,
  WSK_FLAG_CONNECTION_SOCKET,
  WSK_INFINITE_WAIT,
  WSK_NO_WAIT,
  type WSK_PROVIDER_CONNECTION_DISPATCH,
  WSK_PROVIDER_VERSION,
  type WSK_SOCKET,
  WSK_TRANSPORT_LIST_CHANGE,
  type WskProvider,
  WskSubsystem,
} from '@ws2spi/spi/wsk';
import { PROTO } from './support/wsk-sim';

const networks: SimNetwork[] = [];

afterEach(() => {
  for (const n of networks.splice(0)) n.close();
});

function provider(): WskProvider {
  const network = new SimNetwork();
  networks.push(network);
  network.addHost('h', { ipv4: ['10.0.0.1'] });
  return createWskProvider({ transports: inMemoryWskTransports({ network, host: 'h' }) });
}

function clientNpi(version = MAKE_WSK_VERSION(1, 0)): WSK_CLIENT_NPI {
  return { ClientContext: null, Dispatch: { Version: version, Reserved: 0, WskClientEvent: null } };
}

describe('WskRegister and WskCaptureProviderNPI', () => {
  it('captures the provider NPI: a client object and WSK_PROVIDER_DISPATCH', async () => {
    const wsk = new WskSubsystem({ provider: provider() });
    const reg = emptyWskRegistration();
    expect(wsk.WskRegister(clientNpi(), reg)).toBe(STATUS_SUCCESS);
    const npi = emptyWskProviderNpi();
    expect(await wsk.WskCaptureProviderNPI(reg, WSK_NO_WAIT, npi)).toBe(STATUS_SUCCESS);
    expect(npi.Client).not.toBeNull();
    expect(npi.Dispatch?.Version).toBe(WSK_PROVIDER_VERSION);
    // Several captures, each balanced by a release.
    expect(await wsk.WskCaptureProviderNPI(reg, WSK_NO_WAIT, emptyWskProviderNpi())).toBe(STATUS_SUCCESS);
    wsk.WskReleaseProviderNPI(reg);
    wsk.WskReleaseProviderNPI(reg);
    await wsk.WskDeregister(reg);
    expect(wsk.verifier.violations).toEqual([]);
  });

  it('without a provider: WSK_NO_WAIT is STATUS_DEVICE_NOT_READY at once; a timeout ends in it too', async () => {
    const wsk = new WskSubsystem();
    const reg = emptyWskRegistration();
    wsk.WskRegister(clientNpi(), reg);
    expect(await wsk.WskCaptureProviderNPI(reg, WSK_NO_WAIT, emptyWskProviderNpi())).toBe(
      STATUS_DEVICE_NOT_READY,
    );
    expect(await wsk.WskCaptureProviderNPI(reg, 20, emptyWskProviderNpi())).toBe(STATUS_DEVICE_NOT_READY);
    await wsk.WskDeregister(reg);
  });

  it('WSK_INFINITE_WAIT waits until a provider is attached', async () => {
    const wsk = new WskSubsystem();
    const reg = emptyWskRegistration();
    wsk.WskRegister(clientNpi(), reg);
    const npi = emptyWskProviderNpi();
    const capture = wsk.WskCaptureProviderNPI(reg, WSK_INFINITE_WAIT, npi);
    let settled = false;
    void capture.then(() => {
      settled = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    wsk.attachProvider(provider());
    expect(await capture).toBe(STATUS_SUCCESS);
    expect(npi.Dispatch).not.toBeNull();
    wsk.WskReleaseProviderNPI(reg);
    await wsk.WskDeregister(reg);
  });

  it('a timed wait also ends when the provider comes', async () => {
    const wsk = new WskSubsystem();
    const reg = emptyWskRegistration();
    wsk.WskRegister(clientNpi(), reg);
    const capture = wsk.WskCaptureProviderNPI(reg, 60_000, emptyWskProviderNpi());
    wsk.attachProvider(provider());
    expect(await capture).toBe(STATUS_SUCCESS);
    wsk.WskReleaseProviderNPI(reg);
    await wsk.WskDeregister(reg);
  });

  it('an unsupported client version is STATUS_NOINTERFACE; the characteristics say what is supported', async () => {
    const wsk = new WskSubsystem({ provider: provider() });
    const reg = emptyWskRegistration();
    wsk.WskRegister(clientNpi(MAKE_WSK_VERSION(2, 0)), reg);
    expect(await wsk.WskCaptureProviderNPI(reg, WSK_NO_WAIT, emptyWskProviderNpi())).toBe(STATUS_NOINTERFACE);
    const characteristics = { HighestVersion: 0, LowestVersion: 0 };
    expect(wsk.WskQueryProviderCharacteristics(reg, characteristics)).toBe(STATUS_SUCCESS);
    expect(characteristics).toEqual({
      HighestVersion: MAKE_WSK_VERSION(1, 0),
      LowestVersion: MAKE_WSK_VERSION(1, 0),
    });
    await wsk.WskDeregister(reg);
  });

  it('after WskDeregister, captures fail with STATUS_DEVICE_NOT_READY — also those already waiting', async () => {
    const wsk = new WskSubsystem();
    const reg = emptyWskRegistration();
    wsk.WskRegister(clientNpi(), reg);
    const waiting = wsk.WskCaptureProviderNPI(reg, WSK_INFINITE_WAIT, emptyWskProviderNpi());
    await wsk.WskDeregister(reg);
    expect(await waiting).toBe(STATUS_DEVICE_NOT_READY);
    expect(await wsk.WskCaptureProviderNPI(reg, WSK_NO_WAIT, emptyWskProviderNpi())).toBe(
      STATUS_DEVICE_NOT_READY,
    );
    expect(wsk.WskQueryProviderCharacteristics(reg, { HighestVersion: 0, LowestVersion: 0 })).toBe(
      STATUS_DEVICE_NOT_READY,
    );
    expect(wsk.verifier.violations).toEqual([]);
  });

  it('rejects malformed arguments with STATUS_INVALID_PARAMETER, and a registration block registered twice', async () => {
    const wsk = new WskSubsystem({ provider: provider() });
    const reg = emptyWskRegistration();
    expect(wsk.WskRegister(null as never, reg)).toBe(STATUS_INVALID_PARAMETER);
    expect(wsk.WskRegister({ ClientContext: null, Dispatch: null } as never, reg)).toBe(
      STATUS_INVALID_PARAMETER,
    );
    expect(wsk.WskRegister(clientNpi(), null as never)).toBe(STATUS_INVALID_PARAMETER);
    expect(wsk.WskRegister(clientNpi(), reg)).toBe(STATUS_SUCCESS);
    expect(wsk.WskRegister(clientNpi(), reg)).toBe(STATUS_INVALID_PARAMETER);
    expect(await wsk.WskCaptureProviderNPI(emptyWskRegistration(), WSK_NO_WAIT, emptyWskProviderNpi())).toBe(
      STATUS_INVALID_PARAMETER,
    );
    expect(await wsk.WskCaptureProviderNPI(reg, -1, emptyWskProviderNpi())).toBe(STATUS_INVALID_PARAMETER);
    expect(await wsk.WskCaptureProviderNPI(reg, WSK_NO_WAIT, null as never)).toBe(STATUS_INVALID_PARAMETER);
    await wsk.WskDeregister(reg);
    // Deregistered blocks may be registered again.
    expect(wsk.WskRegister(clientNpi(), reg)).toBe(STATUS_SUCCESS);
    await wsk.WskDeregister(reg);
  });
});

describe('WskControlClient', () => {
  it('WSK_TRANSPORT_LIST_CHANGE pends (the transports never change): cancelled by IoCancelIrp, or at WskDeregister', async () => {
    const wsk = new WskSubsystem({ provider: provider() });
    const reg = emptyWskRegistration();
    wsk.WskRegister(clientNpi(), reg);
    const npi = emptyWskProviderNpi();
    await wsk.WskCaptureProviderNPI(reg, WSK_NO_WAIT, npi);
    const change = () => {
      const irp = new IRP();
      const done = irpCompletion(irp);
      expect(
        npi.Dispatch!.WskControlClient(npi.Client!, WSK_TRANSPORT_LIST_CHANGE, 0, null, 0, null, null, irp),
      ).toBe(STATUS_PENDING);
      return { irp, done };
    };
    const first = change();
    IoCancelIrp(first.irp);
    expect((await first.done).Status).toBe(STATUS_CANCELLED);
    const second = change();
    // Without an IRP it cannot pend.
    expect(
      npi.Dispatch!.WskControlClient(npi.Client!, WSK_TRANSPORT_LIST_CHANGE, 0, null, 0, null, null, null),
    ).toBe(STATUS_INVALID_PARAMETER);
    wsk.WskReleaseProviderNPI(reg);
    await wsk.WskDeregister(reg);
    expect((await second.done).Status).toBe(STATUS_CANCELLED);
  });
});

describe('WskDeregister', () => {
  it('waits until every captured NPI is released and every socket closed', async () => {
    const wsk = new WskSubsystem({ provider: provider() });
    const reg = emptyWskRegistration();
    wsk.WskRegister(clientNpi(), reg);
    const npi = emptyWskProviderNpi();
    await wsk.WskCaptureProviderNPI(reg, WSK_NO_WAIT, npi);
    const made = await callWithIrp((irp) =>
      npi.Dispatch!.WskSocket(
        npi.Client!,
        AF_INET,
        SOCK_STREAM,
        PROTO,
        WSK_FLAG_CONNECTION_SOCKET,
        null,
        null,
        null,
        null,
        null,
        irp,
      ),
    );
    const socket = made.Information as WSK_SOCKET;
    let done = false;
    const deregistered = wsk.WskDeregister(reg).then(() => {
      done = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toBe(false);
    wsk.WskReleaseProviderNPI(reg);
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toBe(false);
    expect(wsk.openSockets(reg)).toBe(1);
    const d = socket.Dispatch as WSK_PROVIDER_CONNECTION_DISPATCH;
    expect((await callWithIrp((irp) => d.WskCloseSocket(socket, irp))).Status).toBe(STATUS_SUCCESS);
    await deregistered;
    expect(wsk.openSockets(reg)).toBe(0);
    // It was called with a socket open: the verifier says so, as Driver Verifier would.
    expect(wsk.verifier.violations.map((v) => v.rule)).toEqual(['sockets-open-at-deregister']);
  });
});

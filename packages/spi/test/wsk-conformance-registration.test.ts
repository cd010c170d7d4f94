/**
 * WSK registration as a client on Windows relies on it (WskRegister, WskCaptureProviderNPI,
 * WskReleaseProviderNPI, WskDeregister): version negotiation, waits that end and leave no timer,
 * and a deregistration that waits for what is still closing without calling it the client's fault.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { HandleWatch, inMemoryWskTransports, SimNetwork } from '@ws2spi/spi/testing';
import {
  callWithIrp,
  createWskProvider,
  emptyWskProviderNpi,
  emptyWskRegistration,
  MAKE_WSK_VERSION,
  STATUS_DEVICE_NOT_READY,
  STATUS_NOINTERFACE,
  STATUS_SUCCESS,
  type WSK_CLIENT_NPI,
  WSK_MAJOR_VERSION,
  WSK_MINOR_VERSION,
  WSK_NO_WAIT,
  type WSK_PROVIDER_CONNECTION_DISPATCH,
  WskSubsystem,
} from '@ws2spi/spi/wsk';
import { startWskSim, type WskSim, wskPair } from './support/wsk-sim';

const npi = (version: number): WSK_CLIENT_NPI => ({
  ClientContext: null,
  Dispatch: { Version: version, Reserved: 0, WskClientEvent: null },
});

let sim: WskSim | null = null;
const networks: SimNetwork[] = [];

afterEach(async () => {
  await sim?.end();
  sim = null;
  for (const n of networks.splice(0)) n.close();
});

function provider() {
  const network = new SimNetwork();
  networks.push(network);
  network.addHost('h', { ipv4: ['10.0.0.1'] });
  return createWskProvider({ transports: inMemoryWskTransports({ network, host: 'h' }) });
}

describe('version negotiation', () => {
  it('WSK 1.0 is captured, with a provider table of the same major version and a minor at least as high', async () => {
    const wsk = new WskSubsystem({ provider: provider() });
    const reg = emptyWskRegistration();
    expect(wsk.WskRegister(npi(MAKE_WSK_VERSION(1, 0)), reg)).toBe(STATUS_SUCCESS);
    const captured = emptyWskProviderNpi();
    expect(await wsk.WskCaptureProviderNPI(reg, WSK_NO_WAIT, captured)).toBe(STATUS_SUCCESS);
    expect(WSK_MAJOR_VERSION(captured.Dispatch!.Version)).toBe(1);
    expect(WSK_MINOR_VERSION(captured.Dispatch!.Version)).toBeGreaterThanOrEqual(0);
    wsk.WskReleaseProviderNPI(reg);
    await wsk.WskDeregister(reg);
  });

  it('another major version is STATUS_NOINTERFACE; the client may deregister and register again with 1.0', async () => {
    const wsk = new WskSubsystem({ provider: provider() });
    const reg = emptyWskRegistration();
    for (const version of [MAKE_WSK_VERSION(0, 9), MAKE_WSK_VERSION(2, 0)]) {
      expect(wsk.WskRegister(npi(version), reg)).toBe(STATUS_SUCCESS);
      expect(await wsk.WskCaptureProviderNPI(reg, WSK_NO_WAIT, emptyWskProviderNpi())).toBe(
        STATUS_NOINTERFACE,
      );
      await wsk.WskDeregister(reg);
    }
    expect(wsk.WskRegister(npi(MAKE_WSK_VERSION(1, 0)), reg)).toBe(STATUS_SUCCESS);
    expect(await wsk.WskCaptureProviderNPI(reg, WSK_NO_WAIT, emptyWskProviderNpi())).toBe(STATUS_SUCCESS);
    wsk.WskReleaseProviderNPI(reg);
    await wsk.WskDeregister(reg);
    expect(wsk.verifier.violations).toEqual([]);
  });
});

describe('waiting', () => {
  it('a capture that times out returns STATUS_DEVICE_NOT_READY and leaves no timer behind', async () => {
    const watch = new HandleWatch();
    const wsk = new WskSubsystem();
    const reg = emptyWskRegistration();
    wsk.WskRegister(npi(MAKE_WSK_VERSION(1, 0)), reg);
    expect(await wsk.WskCaptureProviderNPI(reg, 30, emptyWskProviderNpi())).toBe(STATUS_DEVICE_NOT_READY);
    // A long wait cut short by WskDeregister leaves none either.
    const long = wsk.WskCaptureProviderNPI(reg, 60_000, emptyWskProviderNpi());
    await wsk.WskDeregister(reg);
    expect(await long).toBe(STATUS_DEVICE_NOT_READY);
    expect(await watch.settle()).toEqual([]);
  });

  it('WskDeregister returns only once every captured NPI is released and every socket closed', async () => {
    sim = await startWskSim();
    const { client, wsk } = sim;
    const reg = client.registration;
    expect(await wsk.WskCaptureProviderNPI(reg, WSK_NO_WAIT, emptyWskProviderNpi())).toBe(STATUS_SUCCESS);
    const { listener, sender, receiver } = await wskPair(sim);
    await client.close(listener);
    await client.close(receiver);
    wsk.WskReleaseProviderNPI(reg); // the test client's own capture
    let returned = false;
    const deregistering = wsk.WskDeregister(reg).then(() => {
      returned = true;
    });
    const turns = async () => {
      for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    };
    await turns();
    expect(returned).toBe(false); // a capture and a socket left
    wsk.WskReleaseProviderNPI(reg);
    await turns();
    expect(returned).toBe(false); // a socket left
    await client.close(sender);
    await deregistering;
    expect(returned).toBe(true);
    expect(wsk.openSockets(reg)).toBe(0);
    // The socket open at WskDeregister is recorded: the client's fault.
    expect(wsk.verifier.clear().map((v) => v.rule)).toEqual(['sockets-open-at-deregister']);
    sim.network.close();
    sim = null;
  });

  it('a socket whose WskCloseSocket is still pending at WskDeregister is waited for, but is no violation', async () => {
    sim = await startWskSim();
    const { client, wsk } = sim;
    const { listener, sender, receiver } = await wskPair(sim);
    const closing = [listener, sender, receiver].map((s) =>
      callWithIrp((irp) => (s.Dispatch as WSK_PROVIDER_CONNECTION_DISPATCH).WskCloseSocket(s, irp)),
    );
    wsk.WskReleaseProviderNPI(client.registration);
    await wsk.WskDeregister(client.registration);
    for (const c of closing) expect((await c).Status).toBe(STATUS_SUCCESS);
    expect(wsk.verifier.violations).toEqual([]);
    expect(wsk.openSockets(client.registration)).toBe(0);
    sim.network.close();
    sim = null;
  });
});

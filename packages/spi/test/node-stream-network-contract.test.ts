/**
 * The transport contract suite against the machine's loopback over Node's `net`
 * (`nodeStreamNetwork()`): 127.0.0.1 and, where the machine has it, ::1. Ephemeral ports only;
 * the suite resets every connection and closes every listener after each test.
 */

import { networkInterfaces } from 'node:os';
import { nodeStreamNetwork, type StreamNetwork } from '@ws2spi/spi';
import { describeStreamNetworkContract } from './support/stream-network-contract';

function hasIpv6Loopback(): boolean {
  return Object.values(networkInterfaces()).some((addresses) =>
    (addresses ?? []).some((a) => a.address === '::1' && a.internal),
  );
}

async function unusedPort(network: StreamNetwork, family: 4 | 6): Promise<number> {
  const listener = await network.listen(
    { host: family === 4 ? '127.0.0.1' : '::1', port: 0, family, backlog: 1 },
    () => {},
  );
  const port = listener.local.port;
  listener.close();
  return port;
}

/** A few turns of the event loop, so bytes already in the kernel reach Node's callbacks. */
async function settle(): Promise<void> {
  for (let round = 0; round < 3; round++) {
    for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describeStreamNetworkContract('nodeStreamNetwork over loopback', {
  setup: () => {
    const network = nodeStreamNetwork();
    return {
      server: network,
      client: network,
      address: { 4: '127.0.0.1', 6: '::1' },
      // TEST-NET-1 (RFC 5737): never assigned to this machine.
      foreignAddress4: '192.0.2.1',
      unusedPort: (family) => unusedPort(network, family),
      settle,
      teardown: () => {},
    };
  },
  ipv6SkipReason: hasIpv6Loopback() ? undefined : 'this machine has no IPv6 loopback (::1)',
});

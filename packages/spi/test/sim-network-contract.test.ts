/**
 * The transport contract suite against SimNetwork, in three shapes: two hosts on real timers with
 * zero latency (the default), one host's loopback with latency on the virtual clock, and two
 * hosts with tiny windows and segments so every transfer is cut into many packets.
 */

import { SimNetwork, type SimNetworkOptions } from '@ws2spi/spi/testing';
import {
  describeStreamNetworkContract,
  type StreamNetworkContractEnv,
} from './support/stream-network-contract';

function twoHosts(options: SimNetworkOptions): StreamNetworkContractEnv {
  const net = new SimNetwork(options);
  const server = net.addHost('server', { ipv4: ['10.0.0.2'], ipv6: ['fd00::2'] });
  const client = net.addHost('client', { ipv4: ['10.0.0.1'], ipv6: ['fd00::1'] });
  return {
    server: server.streams,
    client: client.streams,
    address: { 4: '10.0.0.2', 6: 'fd00::2' },
    foreignAddress4: '10.0.0.1',
    unusedPort: async () => 9,
    settle: () => net.idle(),
    teardown: () => net.close(),
  };
}

describeStreamNetworkContract('SimNetwork, two hosts, latency 0', { setup: () => twoHosts({}) });

describeStreamNetworkContract('SimNetwork, one host over loopback, latency 3 ms (virtual clock)', {
  setup: () => {
    const net = new SimNetwork({ latencyMs: 3, timing: 'virtual' });
    const host = net.addHost('solo', { ipv4: ['192.168.1.10'] });
    return {
      server: host.streams,
      client: host.streams,
      address: { 4: '127.0.0.1', 6: '::1' },
      foreignAddress4: '192.0.2.1',
      unusedPort: async () => 9,
      settle: () => net.idle(),
      teardown: () => net.close(),
    };
  },
});

describeStreamNetworkContract('SimNetwork, two hosts, 4 KiB window, 1000-byte segments (virtual clock)', {
  setup: () =>
    twoHosts({
      timing: 'virtual',
      latencyMs: 1,
      receiveWindow: 4096,
      maxSegmentSize: 1000,
      sendHighWaterMark: 2048,
    }),
});

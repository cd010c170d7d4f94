import { createSocket } from 'node:dgram';
import { requireIpLiteral, requirePortNumber } from './ip-literal';
import { NodeDatagramPort } from './node-datagram-port';
import { networkErrorFromNode } from './node-network-error';
import type { DatagramNetwork, DatagramPort } from './stream-network';

/** Options of `nodeDatagramNetwork()`. */
export interface NodeDatagramNetworkOptions {
  /** Bytes of datagrams a port holds before its owner calls `setHandlers`; more are dropped. Default 262 144. */
  heldBytesLimit?: number;
}

/**
 * The datagram network of the machine: UDP over Node's `dgram` (`udp4`/`udp6`, an IPv6 port is
 * `IPV6_V6ONLY` as on Windows), for base providers' `bind`/`sendto`/`recvfrom`.
 */
export function nodeDatagramNetwork(options: NodeDatagramNetworkOptions = {}): DatagramNetwork {
  const heldBytesLimit = options.heldBytesLimit ?? 262_144;
  return {
    bindDatagram: (bindOptions) =>
      new Promise<DatagramPort>((resolve, reject) => {
        const { family } = bindOptions;
        requireIpLiteral(bindOptions.address, family, 'bindDatagram');
        requirePortNumber(bindOptions.port, 'bindDatagram');
        const socket = createSocket({ type: family === 6 ? 'udp6' : 'udp4', ipv6Only: family === 6 });
        const onError = (error: Error): void => {
          socket.close();
          reject(networkErrorFromNode(error, 'EADDRNOTAVAIL'));
        };
        socket.once('error', onError);
        try {
          // exclusive: a port in this process is not shared with cluster workers, as bind means on Windows.
          socket.bind({ address: bindOptions.address, port: bindOptions.port, exclusive: true }, () => {
            socket.off('error', onError);
            resolve(new NodeDatagramPort(socket, heldBytesLimit));
          });
        } catch (error) {
          socket.off('error', onError);
          socket.close();
          throw networkErrorFromNode(error, 'EINVAL');
        }
      }),
  };
}

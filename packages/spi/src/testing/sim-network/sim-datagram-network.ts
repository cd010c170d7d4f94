/**
 * A simulated host's UDP: the `DatagramNetwork` it exposes as `host.datagrams`, which binds
 * `SimDatagramPort`s in the host's UDP port table.
 * @module
 */

import {
  type DatagramNetwork,
  type DatagramPort,
  type NetEndpoint,
  NetworkError,
} from '../../transport/stream-network';
import { requireAddress, requirePort } from './sim-address';
import { SimDatagramPort } from './sim-datagram-port';
import type { SimFabric } from './sim-fabric';
import type { SimHost } from './sim-host';

/** The `DatagramNetwork` of one simulated host (`host.datagrams`). */
export class SimDatagramNetwork implements DatagramNetwork {
  constructor(
    private readonly fabric: SimFabric,
    private readonly host: SimHost,
  ) {}

  /**
   * Bind a UDP port (`bind`); port 0 takes the host's next free ephemeral port. Rejects with
   * `NetworkError`: `EINVAL` (bad address, port or family), `EADDRNOTAVAIL` (an address this host
   * does not own), `EADDRINUSE`, `ENETDOWN` (host down or network closed).
   */
  async bindDatagram(options: { address: string; port: number; family: 4 | 6 }): Promise<DatagramPort> {
    if (this.fabric.scheduler.closed) throw new NetworkError('ENETDOWN', 'the SimNetwork is closed');
    const host = this.host;
    if (!host.isUp) throw new NetworkError('ENETDOWN', `host '${host.name}' is down`);
    const family = options.family;
    const address = requireAddress(options.address, family, 'bindDatagram');
    const port = requirePort(options.port, 'bindDatagram');
    if (!host.ownsAddress(family, address)) {
      throw new NetworkError(
        'EADDRNOTAVAIL',
        `bindDatagram: ${address} is not an address of host '${host.name}'`,
      );
    }
    const local: NetEndpoint = { address, port, family };
    const datagramPort: SimDatagramPort = new SimDatagramPort(this.fabric, host, local, () => {
      host.udpPorts.release(binding);
      host.datagramPorts.delete(datagramPort);
    });
    const binding = host.udpPorts.bind(family, address, port, datagramPort);
    local.port = binding.port;
    host.datagramPorts.add(datagramPort);
    return datagramPort;
  }
}

/**
 * A simulated host's TCP: the `StreamNetwork` it exposes as `host.streams` — listen, and connect
 * with the three-way handshake and the failures a real network gives (refused, unreachable,
 * timed out).
 * @module
 */

import {
  type NetEndpoint,
  NetworkError,
  type StreamConnection,
  type StreamConnectOptions,
  type StreamListener,
  type StreamListenOptions,
  type StreamNetwork,
} from '../../transport/stream-network';
import { isWildcardAddress, requireAddress, requirePort } from './sim-address';
import type { SimFabric, SimFlow } from './sim-fabric';
import type { SimHost } from './sim-host';
import { formatEndpoint } from './sim-port-table';
import type { SimScheduledEvent } from './sim-scheduler';
import { SimStreamConnection } from './sim-stream-connection';
import { SimStreamListener } from './sim-stream-listener';

/** A connect in progress; the host aborts it when it crashes or the network closes. */
export interface SimConnectAttempt {
  abort(error: NetworkError): void;
}

/**
 * The `StreamNetwork` of one simulated host (`host.streams`): TCP's three-way handshake, refusal
 * by RST (`ECONNREFUSED`), `EHOSTUNREACH` for an address no host owns, `ETIMEDOUT` when the SYN
 * or its answer is held by a partition or swallowed by a host that is down.
 */
export class SimStreamNetwork implements StreamNetwork {
  constructor(
    private readonly fabric: SimFabric,
    private readonly host: SimHost,
  ) {}

  /**
   * Open a connection (`connect`). Rejects with `NetworkError`: `EINVAL` (bad address, port or
   * family), `EADDRNOTAVAIL` (port 0, the wildcard as destination, a local address this host does
   * not own), `EADDRINUSE` (local port taken), `ENETUNREACH` (no source address of the family,
   * or a loopback source for a remote destination), `EHOSTUNREACH` (no host owns the address),
   * `ECONNREFUSED` (nobody listens, or the backlog is full), `ETIMEDOUT` (no answer within
   * `timeoutMs`), `ENETDOWN` (this host is down or the network closed).
   */
  connect(options: StreamConnectOptions): Promise<StreamConnection> {
    return new Promise<StreamConnection>((resolve, reject) => {
      try {
        this.startConnect(options, resolve, reject);
      } catch (error) {
        reject(error);
      }
    });
  }

  /**
   * Listen on `host:port` (`bind` + `listen`); port 0 takes an ephemeral port. Rejects with
   * `NetworkError`: `EINVAL`, `EADDRNOTAVAIL` (an address this host does not own), `EADDRINUSE`,
   * `ENETDOWN`. A backlog below 1 is taken as 1.
   */
  listen(
    options: StreamListenOptions,
    onConnection: (connection: StreamConnection) => void,
  ): Promise<StreamListener> {
    return new Promise<StreamListener>((resolve) => {
      this.requireUp();
      const family = options.family;
      const address = requireAddress(options.host, family, 'listen');
      const port = requirePort(options.port, 'listen');
      if (!this.host.ownsAddress(family, address)) {
        throw new NetworkError(
          'EADDRNOTAVAIL',
          `listen: ${address} is not an address of host '${this.host.name}'`,
        );
      }
      const backlog =
        Number.isFinite(options.backlog) && options.backlog >= 1 ? Math.floor(options.backlog) : 1;
      const host = this.host;
      const local: NetEndpoint = { address, port, family };
      const listener: SimStreamListener = new SimStreamListener(local, backlog, onConnection, () => {
        host.tcpPorts.release(binding);
        host.listeners.delete(listener);
      });
      const binding = host.tcpPorts.bind(family, address, port, listener);
      local.port = binding.port;
      host.listeners.add(listener);
      resolve(listener);
    });
  }

  private requireUp(): void {
    if (this.fabric.scheduler.closed) throw new NetworkError('ENETDOWN', 'the SimNetwork is closed');
    if (!this.host.isUp) throw new NetworkError('ENETDOWN', `host '${this.host.name}' is down`);
  }

  private startConnect(
    options: StreamConnectOptions,
    resolve: (connection: StreamConnection) => void,
    reject: (error: unknown) => void,
  ): void {
    this.requireUp();
    const fabric = this.fabric;
    const host = this.host;
    const family = options.family;
    const remoteAddress = requireAddress(options.host, family, 'connect');
    const remotePort = requirePort(options.port, 'connect');
    if (remotePort === 0) throw new NetworkError('EADDRNOTAVAIL', 'connect: port 0 is not a destination');
    if (isWildcardAddress(remoteAddress)) {
      throw new NetworkError('EADDRNOTAVAIL', `connect: ${remoteAddress} is not a destination`);
    }
    const timeoutMs = options.timeoutMs ?? fabric.options.connectTimeoutMs;
    if (typeof timeoutMs !== 'number' || !(timeoutMs >= 0)) {
      throw new NetworkError('EINVAL', `connect: timeoutMs ${String(timeoutMs)} is not a number >= 0`);
    }
    let requestedLocal: string | undefined;
    if (options.localAddress !== undefined) {
      requestedLocal = requireAddress(options.localAddress, family, 'connect localAddress');
      if (!host.ownsAddress(family, requestedLocal)) {
        throw new NetworkError(
          'EADDRNOTAVAIL',
          `connect: ${requestedLocal} is not an address of host '${host.name}'`,
        );
      }
    }
    const localPort = requirePort(options.localPort ?? 0, 'connect localPort');
    const target = fabric.route(host, family, remoteAddress);
    if (target === undefined) {
      // Nobody answers ARP / neighbour discovery for the address: no route to host.
      const unreachable: SimConnectAttempt = {
        abort: (error) => {
          if (!host.attempts.delete(unreachable)) return;
          event.cancel();
          reject(error);
        },
      };
      const event = fabric.local(
        host,
        0,
        `connect ${formatEndpoint(remoteAddress, remotePort)} unreachable`,
        () =>
          unreachable.abort(
            new NetworkError('EHOSTUNREACH', `connect: no host has address ${remoteAddress}`),
          ),
      );
      host.attempts.add(unreachable);
      return;
    }
    const localAddress = host.sourceAddress(family, target, remoteAddress, requestedLocal);
    const binding = host.tcpPorts.bind(family, localAddress, localPort, 'connection');
    const local: NetEndpoint = { address: localAddress, port: binding.port, family };
    const remote: NetEndpoint = { address: remoteAddress, port: remotePort, family };
    const flow: SimFlow = { lastDue: 0 };
    const name = `${formatEndpoint(local.address, local.port)}→${formatEndpoint(remoteAddress, remotePort)}`;

    let settled = false;
    let clientEnd: SimStreamConnection | undefined;
    let timer: SimScheduledEvent | undefined;
    const attempt: SimConnectAttempt = {
      abort: (error) => settle(error),
    };
    // Ends the attempt once: with the connection, or with an error (the client end, if the SYN got
    // through, is abandoned and answers the server with RST).
    const settle = (outcome: SimStreamConnection | NetworkError): void => {
      if (settled) return;
      settled = true;
      timer?.cancel();
      host.attempts.delete(attempt);
      if (outcome instanceof SimStreamConnection) {
        resolve(outcome);
        return;
      }
      if (clientEnd !== undefined) clientEnd.abandon();
      else host.tcpPorts.release(binding);
      reject(outcome);
    };
    host.attempts.add(attempt);
    timer = fabric.local(host, timeoutMs, `connect timeout ${name}`, () =>
      settle(new NetworkError('ETIMEDOUT', `connect ${name}: no answer within ${timeoutMs} ms`)),
    );

    const window = Math.min(0xffff, fabric.options.receiveWindow);
    for (const tap of fabric.taps)
      tap.segment({
        kind: 'syn',
        from: host,
        to: target,
        source: local,
        destination: remote,
        flow,
        peerFlow: undefined,
        window,
      });
    fabric.send(host, target, flow, `SYN ${name}`, {
      partition: 'hold',
      // A SYN to a host that is down goes unanswered; the connect timer decides.
      deliver: () => {
        if (settled) return; // the client gave up and stopped retransmitting the SYN
        for (const tap of fabric.taps) tap.delivered(flow, 1);
        const listenerBinding = target.tcpPorts.lookup(family, remoteAddress, remotePort);
        const listener = listenerBinding?.owner;
        if (!(listener instanceof SimStreamListener) || listener.closed || !listener.hasRoom) {
          for (const tap of fabric.taps)
            tap.segment({
              kind: 'refused',
              from: target,
              to: host,
              source: remote,
              destination: local,
              flow: undefined,
              peerFlow: flow,
              window: 0,
            });
          fabric.send(target, host, undefined, `RST (refused) ${name}`, {
            partition: 'hold',
            deliver: () =>
              settle(
                new NetworkError(
                  'ECONNREFUSED',
                  `connect ${name}: refused (nothing listening or backlog full)`,
                ),
              ),
          });
          return;
        }
        const dequeue = listener.enqueue();
        const serverEnd = new SimStreamConnection(
          fabric,
          target,
          { ...remote },
          { ...local },
          {
            onAccepted: dequeue,
            onRelease: () => {
              dequeue();
              target.connections.delete(serverEnd);
            },
          },
        );
        const client = new SimStreamConnection(
          fabric,
          host,
          local,
          remote,
          {
            onRelease: () => {
              host.tcpPorts.release(binding);
              host.connections.delete(client);
            },
          },
          flow,
        );
        serverEnd.peer = client;
        client.peer = serverEnd;
        clientEnd = client;
        target.connections.add(serverEnd);
        host.connections.add(client);
        for (const tap of fabric.taps)
          tap.segment({
            kind: 'syn-ack',
            from: target,
            to: host,
            source: remote,
            destination: local,
            flow: serverEnd.flow,
            peerFlow: flow,
            window,
          });
        fabric.send(target, host, serverEnd.flow, `SYN-ACK ${name}`, {
          partition: 'hold',
          deliver: () => {
            if (settled) {
              client.abandon();
              return;
            }
            // The handshake's last ACK, which the sim does not send but a capture shows.
            for (const tap of fabric.taps) {
              tap.delivered(serverEnd.flow, 1);
              tap.segment({
                kind: 'ack',
                from: host,
                to: target,
                source: local,
                destination: remote,
                flow,
                peerFlow: serverEnd.flow,
                window,
              });
            }
            settle(client);
          },
        });
        listener.onConnection(serverEnd);
      },
    });
  }
}

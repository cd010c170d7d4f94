/**
 * The OSI driver: `AF_ISO` / `SOCK_SEQPACKET` sockets as ISO transport connections over a
 * `StreamNetwork` (Node's `net`, or a SimNetwork host), for one transport class. The kit does every
 * Winsock semantic; this runs the CR/CC exchange, maps TSAP selectors onto TCP ports and hands the
 * kit `CotpLink`s.
 *
 * What it declares to the kit:
 * - `maxConnectData` 32 and `maxDisconnectData` 64 (X.224: CR/CC and DR user data), so longer
 *   connect or disconnect data is `WSAEMSGSIZE` with nothing sent.
 * - `supportsExpedited`: every connection negotiates expedited data (ED, 1…16 octets).
 * - `resetOnDataAfterReceiveShutdown: false`: ISO transport has no such rule (it is TCP's).
 * @module
 */

import {
  type BindOptions,
  type ConnectOutcome,
  type ConnectRequest,
  type IncomingConnection,
  type ListenerHandle,
  type LocalBinding,
  type SOCKADDR,
  type StreamConnection,
  type StreamNetwork,
  type StreamTransportDriver,
  TCP_CONNECT_TIMEOUT_MS,
  WSAEINVAL,
  WsaError,
  wsaErrorFromFailure,
} from '@ws2spi/spi';
import { MAX_CONNECT_DATA, MAX_DISCONNECT_DATA } from '../cotp/tpdu-codes';
import { CotpLink, type CotpLinkSettings } from './cotp-link';
import { isWildcardIp, sockaddrTp } from './sockaddr-tp';
import { checkedEndpoint, tpAddressCodec } from './tp-address-codec';
import { TsapBinding, TsapPort, type TsapPortContext } from './tsap-port';

function portKey(address: string, port: number): string {
  return `${address}|${port}`;
}

/** Builds the driver of one catalog entry (one transport class) over `streams`. */
export function osiStreamDriver(streams: StreamNetwork, settings: CotpLinkSettings): StreamTransportDriver {
  const codec = tpAddressCodec();
  /** Open ports by address and (real) port number, so that several selectors share one. */
  const ports = new Map<string, Promise<TsapPort>>();
  /** Every open port, for cleanup. */
  const allPorts = new Set<TsapPort>();
  /** Links the kit does not own yet (connecting, or waiting for WSPAccept). */
  const loose = new Set<CotpLink>();

  const context: TsapPortContext = {
    streams,
    settings,
    track: (link) => loose.add(link),
    untrack: (link) => loose.delete(link),
    closed: (port) => {
      allPorts.delete(port);
      const key = portKey(port.address, port.port);
      // Only forget the shared entry if it is this port's (a new one may have replaced it).
      void ports.get(key)?.then(
        (current) => {
          if (current === port) ports.delete(key);
        },
        () => undefined,
      );
    },
  };

  const openPort = async (address: string, family: 4 | 6, port: number): Promise<TsapPort> => {
    if (port === 0) {
      const opened = await TsapPort.open(context, address, family, 0);
      allPorts.add(opened);
      // Known by its real number from now on, so that other selectors can bind it explicitly.
      ports.set(portKey(address, opened.port), Promise.resolve(opened));
      return opened;
    }
    const key = portKey(address, port);
    let pending = ports.get(key);
    if (pending) {
      const existing = await pending.catch(() => undefined);
      if (existing?.open) return existing;
    }
    pending = TsapPort.open(context, address, family, port);
    ports.set(key, pending);
    try {
      const opened = await pending;
      allPorts.add(opened);
      return opened;
    } catch (error) {
      if (ports.get(key) === pending) ports.delete(key);
      throw error;
    }
  };

  const bindingOf = (binding: LocalBinding): TsapBinding => {
    if (!(binding instanceof TsapBinding) || !binding.live) {
      throw new WsaError(WSAEINVAL, 'the binding does not belong to this OSI driver or was released');
    }
    return binding;
  };

  return {
    ...codec,
    kind: 'stream',
    resetOnDataAfterReceiveShutdown: false,
    maxConnectData: MAX_CONNECT_DATA,
    maxDisconnectData: MAX_DISCONNECT_DATA,
    supportsExpedited: true,

    /** `bind`: the selector is held at once on its TCP port (shared with the driver's other selectors there). */
    async bind(address: SOCKADDR, _options: BindOptions): Promise<LocalBinding> {
      const endpoint = checkedEndpoint(address);
      const port = await openPort(endpoint.address, endpoint.family, endpoint.port);
      try {
        return port.bind(endpoint.tsel);
      } catch (error) {
        // An ephemeral port made for this bind alone must not stay open.
        if (endpoint.port === 0) port.close();
        throw error;
      }
    },

    async connect(request: ConnectRequest): Promise<ConnectOutcome> {
      const remote = checkedEndpoint(request.remote);
      const binding = request.binding ? bindingOf(request.binding) : null;
      const source = binding?.endpoint;
      let connection: StreamConnection;
      try {
        connection = await streams.connect({
          host: remote.address,
          port: remote.port,
          family: remote.family,
          // Windows' TCP connect timeout, as the TCP provider's; the CC then has `connectTimeoutMs` of its own.
          timeoutMs: TCP_CONNECT_TIMEOUT_MS,
          // The bound address, not its port: the selector names this end, TCP picks the port.
          ...(source && !isWildcardIp(source.address) ? { localAddress: source.address } : {}),
        });
      } catch (error) {
        throw wsaErrorFromFailure(error);
      }
      const callingTsap = source?.tsel ?? new Uint8Array(0);
      const link = CotpLink.initiate(
        connection,
        settings,
        {
          callingTsap,
          calledTsap: remote.tsel,
          callerData: request.callerData,
          local: sockaddrTp(callingTsap, connection.local.address, connection.local.port),
          remote: sockaddrTp(remote.tsel, connection.remote.address, connection.remote.port),
        },
        (finished) => loose.delete(finished),
      );
      // Tracked until the kit owns it; a link whose connect failed stays tracked until its TCP is gone.
      loose.add(link);
      const calleeData = await link.established;
      loose.delete(link);
      // The connection names this end now; the selector's hold on its port is no longer needed.
      binding?.release();
      return { link, calleeData };
    },

    async listen(
      binding: LocalBinding,
      _backlog: number,
      onIncoming: (incoming: IncomingConnection) => void,
    ): Promise<ListenerHandle> {
      return bindingOf(binding).listen(onIncoming);
    },

    dispose(): void {
      for (const port of [...allPorts]) port.close();
      for (const link of [...loose]) link.reset();
      loose.clear();
    },
  };
}

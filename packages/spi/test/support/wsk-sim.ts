/**
 * A WSK client on a SimNetwork host over the in-memory transport, with a second host whose
 * `Ws2` process (the in-memory provider) plays the Winsock peer. Tests start one per test and end
 * it, which closes every socket, deregisters and closes the network.
 */
import {
  AF_INET,
  installProviderEntries,
  SOCK_DGRAM,
  SOCK_SEQPACKET,
  SOCK_STREAM,
  type SOCKADDR,
  sockaddrIn,
} from '@ws2spi/spi';
import {
  createInMemoryProvider,
  IN_MEMORY_DEFAULT_PROTOCOL,
  type InMemoryFlavour,
  inMemoryProtocolInfos,
  inMemoryProviderId,
  inMemoryWskTransports,
  type ProviderProcess,
  SimNetwork,
  type SimNetworkOptions,
  startProviderProcess,
  WskAcceptRecorder,
  type WskConnectionRecorder,
  WskTestClient,
} from '@ws2spi/spi/testing';
import {
  createWskProvider,
  WSK_EVENT_ACCEPT,
  type WskProviderOptions,
  WskSubsystem,
  type WskVerifierOptions,
} from '@ws2spi/spi/wsk';

/** The in-memory protocol number both sides use. */
export const PROTO = IN_MEMORY_DEFAULT_PROTOCOL;
export const WSK_HOST = '10.0.0.1';
export const APP_HOST = '10.0.0.2';

/** The triples of the in-memory transports. */
export const STREAM = { af: AF_INET, type: SOCK_STREAM, protocol: PROTO } as const;
export const MESSAGE = { af: AF_INET, type: SOCK_SEQPACKET, protocol: PROTO } as const;
export const DATAGRAM = { af: AF_INET, type: SOCK_DGRAM, protocol: PROTO } as const;

/** One WSK client, its subsystem and network, and (on demand) the Winsock peer process. */
export interface WskSim {
  network: SimNetwork;
  wsk: WskSubsystem;
  client: WskTestClient;
  /** An address on the WSK host (ephemeral port by default). */
  wskAddress(port?: number): SOCKADDR;
  /** An address on the peer host. */
  appAddress(port?: number): SOCKADDR;
  /** The Winsock process on the peer host (started on first use). */
  app(flavours?: readonly InMemoryFlavour[]): ProviderProcess;
  /** Ends everything: the client (closing what is open), the process, the network. */
  end(): Promise<void>;
}

/** Starts a WSK client over the in-memory transport. */
export async function startWskSim(
  options: {
    network?: SimNetworkOptions;
    verifier?: WskVerifierOptions;
    provider?: Omit<WskProviderOptions, 'transports'>;
  } = {},
): Promise<WskSim> {
  const network = new SimNetwork(options.network);
  network.addHost('wsk', { ipv4: [WSK_HOST] });
  network.addHost('app', { ipv4: [APP_HOST] });
  const wsk = new WskSubsystem({
    provider: createWskProvider({
      ...options.provider,
      transports: inMemoryWskTransports({ network, host: 'wsk' }),
    }),
    verifier: options.verifier ?? {},
  });
  const client = await WskTestClient.start(wsk);
  let proc: ProviderProcess | null = null;
  return {
    network,
    wsk,
    client,
    wskAddress: (port = 0) => sockaddrIn(WSK_HOST, port),
    appAddress: (port = 0) => sockaddrIn(APP_HOST, port),
    app: (flavours = ['stream', 'message', 'datagram']) => {
      if (proc) return proc;
      const protocolOptions = { families: [4 as const], flavours };
      proc = startProviderProcess({
        install: (catalog, path) =>
          installProviderEntries(
            catalog,
            inMemoryProviderId(protocolOptions),
            path!,
            inMemoryProtocolInfos(protocolOptions),
          ),
        register: createInMemoryProvider({ network, host: 'app' }).WSPStartup,
      });
      return proc;
    },
    end: async () => {
      await client.end();
      proc?.end();
      network.close();
    },
  };
}

/** Resolves after `turns` turns of the event loop: lets queued transport events run. Not a timing. */
export async function settle(turns = 20): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** UTF-8 bytes of a string. */
export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
/** A string of UTF-8 bytes. */
export const text = (b: Uint8Array): string => new TextDecoder().decode(b);

/** What `wskPair` connects. */
export interface WskPairOptions {
  /** Connection events the listener passes on to the accepted socket (through `WskAcceptEvent`). */
  events?: number;
  /** The transport (default the stream one). */
  triple?: { af: number; type: number; protocol: number };
  /** Sets the accepted socket's recorder's answers before WSK sees it. */
  prepare?: (recorder: WskConnectionRecorder) => void;
  /** The connecting socket's callbacks (default none). */
  senderRecorder?: WskConnectionRecorder | null;
}

/**
 * A WSK listener, a WSK connection socket connected to it (`sender`, by `WskSocketConnect`) and
 * the socket the listener accepted through `WskAcceptEvent` (`receiver`, with its `recorder`).
 */
export async function wskPair(sim: WskSim, options: WskPairOptions = {}) {
  const { af, type, protocol } = options.triple ?? STREAM;
  const acceptor = new WskAcceptRecorder();
  if (options.prepare) acceptor.prepare = options.prepare;
  const listener = await sim.client.listen(
    af,
    type,
    protocol,
    sim.wskAddress(),
    acceptor,
    WSK_EVENT_ACCEPT | (options.events ?? 0),
  );
  const sender = await sim.client.connect(
    type,
    protocol,
    sim.wskAddress(),
    await sim.client.localAddress(listener),
    options.senderRecorder ?? null,
  );
  const { socket: receiver, recorder } = await acceptor.nth(0);
  return { listener, sender, receiver, recorder };
}

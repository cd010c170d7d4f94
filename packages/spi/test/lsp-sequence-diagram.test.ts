/**
 * The trace log as pictures: a call travelling down a chain of layers — through a fault injector
 * that only writes notes — to the provider and onto a SimNetwork's wire, and its result coming
 * back, as Mermaid text (compared whole) and as a terminal diagram; plus the edge cases of the
 * model: a call an untraced layer answers itself, calls in progress, filters and participants.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { createTcpProvider, installTcpProviders } from '@ws2spi/providers-tcp';
import {
  AF_INET,
  type Catalog,
  createFaultInjectorLayer,
  createTracerLayer,
  type FaultRule,
  IPPROTO_TCP,
  registerProvider,
  SOCK_STREAM,
  Socket,
  sockaddrIn,
  TraceLog,
  traceSequence,
  traceToMermaid,
  traceToText,
  WSAENETDOWN,
} from '@ws2spi/spi';
import {
  createLayeredProcess,
  type LayeredProcess,
  logNetworkEvents,
  type SimHost,
  SimNetwork,
} from '@ws2spi/spi/testing';
import type { DependencyContainer } from 'tsyringe';

let processes: LayeredProcess[] = [];
let network: SimNetwork | undefined;
afterEach(async () => {
  for (const p of processes) await p.teardown();
  processes = [];
  await network?.idle();
  network?.close();
});

/** A client with tracer A, a fault injector and tracer C over TCP on a SimNetwork, and a server listening on port 80. */
async function chain(options: { rules?: FaultRule[] } = {}) {
  const log = new TraceLog();
  const net = new SimNetwork({ timing: 'virtual', trace: logNetworkEvents(log) });
  network = net;
  const tcpOn = (host: SimHost) => (catalog: Catalog, container: DependencyContainer) => {
    registerProvider(
      container,
      'sim-tcp',
      createTcpProvider({ streams: host.streams, datagrams: host.datagrams }).WSPStartup,
    );
    installTcpProviders(catalog, { path: 'sim-tcp' });
  };
  const faults = createFaultInjectorLayer({
    clock: net.clock,
    log,
    name: 'faults',
    toxics: [{ type: 'latency', direction: 'outbound', latencyMs: 30_000 }],
    rules: options.rules,
  });
  const client = await createLayeredProcess({
    bases: tcpOn(net.addHost('client', { ipv4: ['10.0.0.1'] })),
    layers: [
      { name: 'A', provider: createTracerLayer({ name: 'A', log }) },
      { name: 'faults', provider: faults },
      { name: 'C', provider: createTracerLayer({ name: 'C', log }) },
    ],
    protocols: [{ iAddressFamily: AF_INET, iSocketType: SOCK_STREAM, iProtocol: IPPROTO_TCP }],
  });
  const server = await createLayeredProcess({ bases: tcpOn(net.addHost('server', { ipv4: ['10.0.0.2'] })) });
  processes = [client, server];
  const listener = await Socket.create(server.ws2, AF_INET, SOCK_STREAM, IPPROTO_TCP);
  await listener.bind(sockaddrIn('10.0.0.2', 80));
  await listener.listen(1);
  return { log, net, client, listener };
}

describe('a send through A, a fault injector and C, onto the wire', () => {
  it('as Mermaid', async () => {
    const { log, client, listener } = await chain();
    const s = await Socket.create(client.ws2, AF_INET, SOCK_STREAM, IPPROTO_TCP);
    const [{ socket: peer }] = await Promise.all([listener.accept(), s.connect(sockaddrIn('10.0.0.2', 80))]);
    log.clear();
    await s.send(new Uint8Array(5));
    expect((await peer.recv()).byteLength).toBe(5);
    expect(traceToMermaid(log, { provider: 'MSAFD Tcpip' })).toBe(MERMAID);
  });

  it('as a terminal diagram, in ASCII', async () => {
    const { log, client, listener } = await chain();
    const s = await Socket.create(client.ws2, AF_INET, SOCK_STREAM, IPPROTO_TCP);
    const [{ socket: peer }] = await Promise.all([listener.accept(), s.connect(sockaddrIn('10.0.0.2', 80))]);
    log.clear();
    await s.send(new Uint8Array(5));
    await peer.recv();
    expect(traceToText(log, { provider: 'TCP/IP', ascii: true, maxMessage: 40 })).toBe(TEXT);
  });
});

describe('the model', () => {
  it('stops a call at the untraced layer that answered it, and shows its note', async () => {
    const { log, client } = await chain({ rules: [{ calls: 'lpWSPConnect', error: WSAENETDOWN }] });
    const s = await Socket.create(client.ws2, AF_INET, SOCK_STREAM, IPPROTO_TCP);
    log.clear();
    await expect(s.connect(sockaddrIn('10.0.0.2', 80))).rejects.toMatchObject({ code: WSAENETDOWN });
    const { participants, steps } = traceSequence(log);
    expect(participants).toEqual(['Application', 'A', 'faults', 'C', 'Provider']);
    expect(
      steps.map((step) => (step.kind === 'note' ? `note ${step.over}` : `${step.from}>${step.to}`)),
    ).toEqual(['0>1', '1>2', 'note 2', '2>1', '1>0']);
    expect(steps.at(-1)).toMatchObject({ kind: 'return', text: '= SOCKET_ERROR [WSAENETDOWN]' });
  });

  it('draws a call in progress going down only, and follows filters and a given order', async () => {
    const { log, client } = await chain();
    const s = await Socket.create(client.ws2, AF_INET, SOCK_STREAM, IPPROTO_TCP);
    const pending = s.connect(sockaddrIn('10.0.0.2', 81)).catch(() => undefined);
    const model = traceSequence(log, { filter: (r) => r.call === 'WSPConnect', participants: ['C', 'A'] });
    expect(model.participants).toEqual(['Application', 'C', 'A', 'faults', 'Provider']);
    expect(model.steps.filter((step) => step.kind === 'return')).toEqual([]);
    expect(model.steps.filter((step) => step.kind === 'call').length).toBeGreaterThan(0);
    await pending;
  });

  it('escapes what Mermaid reserves, and times messages with the log’s clock', () => {
    const net = new SimNetwork({ timing: 'virtual' });
    network = net;
    const log = new TraceLog({ clock: net.clock });
    log.note('layer', 'a; b #1');
    expect(traceToMermaid(log, { times: true })).toBe(
      [
        'sequenceDiagram',
        '    participant P0 as Application',
        '    participant P1 as layer',
        '    participant P2 as Provider',
        '    Note over P1: [0 ms] a#59; b #1',
        '',
      ].join('\n'),
    );
  });
});

const MERMAID = `sequenceDiagram
    participant P0 as Application
    participant P1 as A
    participant P2 as faults
    participant P3 as C
    participant P4 as MSAFD Tcpip
    participant P5 as Network
    P0->>P1: WSPSend(#1, [<5 bytes>], 1, &0, 0, NULL, NULL, {thread})
    P1->>P2: WSPSend(#1, [<5 bytes>], 1, &0, 0, NULL, NULL, {thread})
    Note over P2: latency WSPSend (latency_outbound) 5 bytes until 30000 ms
    P2-->>P1: = 0 (5 bytes)
    P1-->>P0: = 0 (5 bytes)
    P2->>P3: WSPSend(#1, [<5 bytes>], 1, &0, 0, {overlapped}, NULL, {thread})
    P3->>P4: WSPSend(#1, [<5 bytes>], 1, &0, 0, {overlapped}, NULL, {thread})
    P4-->>P3: = SOCKET_ERROR [WSA_IO_PENDING]
    P3-->>P2: = SOCKET_ERROR [WSA_IO_PENDING]
    P2->>P3: WSPGetOverlappedResult(#1, {overlapped}, &0, FALSE, &0)
    P3->>P4: WSPGetOverlappedResult(#1, {overlapped}, &0, FALSE, &0)
    P4-->>P3: = TRUE
    P3-->>P2: = TRUE
    Note over P5: client → server data 5 bytes
`;

const TEXT = `  Application        A          faults           C          TCP/IP        Network
       |             |             |             |             |             |
       |------------>|             |             |             |             |        WSPSend(#1, [<5 bytes>], 1, &0, 0, NULL…
       |             |------------>|             |             |             |        WSPSend(#1, [<5 bytes>], 1, &0, 0, NULL…
       |             |             *             |             |             |        faults: latency WSPSend (latency_outbou…
       |             |<............|             |             |             |        = 0 (5 bytes)
       |<............|             |             |             |             |        = 0 (5 bytes)
       |             |             |------------>|             |             |        WSPSend(#1, [<5 bytes>], 1, &0, 0, {ove…
       |             |             |             |------------>|             |        WSPSend(#1, [<5 bytes>], 1, &0, 0, {ove…
       |             |             |             |<............|             |        = SOCKET_ERROR [WSA_IO_PENDING]
       |             |             |<............|             |             |        = SOCKET_ERROR [WSA_IO_PENDING]
       |             |             |------------>|             |             |        WSPGetOverlappedResult(#1, {overlapped}…
       |             |             |             |------------>|             |        WSPGetOverlappedResult(#1, {overlapped}…
       |             |             |             |<............|             |        = TRUE
       |             |             |<............|             |             |        = TRUE
       |             |             |             |             |             *        Network: client → server data 5 bytes
`;

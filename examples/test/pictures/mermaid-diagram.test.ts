/**
 * Picture: a Mermaid sequence diagram of what a call did. Tracers A and C sit above and below a
 * fault injector; all three write to one TraceLog, and the network's packets go in too
 * (logNetworkEvents). traceToMermaid draws the call going down the chain to the wire and the result
 * coming back — paste it into a Markdown file, a pull request or https://mermaid.live.
 */
import { expect, it } from '@jest/globals';
import { createFaultInjectorLayer, createTracerLayer, TraceLog, traceToMermaid } from '@ws2spi/spi';
import { logNetworkEvents, SimNetwork } from '@ws2spi/spi/testing';
import { twoMachines, utf8 } from '../support/two-machines';

it('draws a send through A, a 30 s latency and C, onto the wire', async () => {
  const log = new TraceLog();
  const network = new SimNetwork({ timing: 'virtual', trace: logNetworkEvents(log) });
  const faults = createFaultInjectorLayer({ clock: network.clock, log, name: 'faults' });
  faults.addToxic({ type: 'latency', direction: 'outbound', latencyMs: 30_000 });
  const machines = await twoMachines(network, [
    { name: 'A', provider: createTracerLayer({ name: 'A', log }) },
    { name: 'faults', provider: faults },
    { name: 'C', provider: createTracerLayer({ name: 'C', log }) },
  ]);
  const { client, server } = await machines.connect();

  log.clear(); // draw just the send
  await client.send(utf8('hello'));
  await server.recv();

  expect(traceToMermaid(log, { provider: 'MSAFD Tcpip' })).toBe(`sequenceDiagram
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
`);
  await machines.end();
});

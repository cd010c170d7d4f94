/**
 * The demo's third part: the ISO transport conversation again, through a layered service provider.
 * A tracer (`createTracerLayer`) is installed over the TP2 entry the way Windows installs an LSP —
 * its `WSPStartup` registered under a provider path in the process's container, its entries
 * written by `WSCInstallProviderAndChains` — so every call the application makes on a TP2 socket
 * goes application → tracer → ISO transport provider, and the tracer's log is drawn as a sequence
 * diagram (`traceToText`).
 */
import {
  AF_ISO,
  createTracerLayer,
  ISOPROTO_TP2,
  out,
  registerProvider,
  SOCK_SEQPACKET,
  TraceLog,
  traceToText,
  WSCInstallProviderAndChains,
  wsaErrorName,
} from '@ws2spi/spi';
import { container as rootContainer } from 'tsyringe';
import { DemoSession, type DemoStep, defaultCatalog, isoConversation } from './disconnect-data-demo';

/** The tracer LSP's provider path (a name registered in the process's container) and GUID. */
export const DEMO_TRACER_PATH = 'ws2spi-demo-tracer';
/** The `ProviderId` of the demo's tracer LSP. */
export const DEMO_TRACER_ID = '5f0d3c2a-8e1b-4c7d-9a60-2b4e8f1d7c93';

/** The calls the diagram shows. */
const CONVERSATION = new Set([
  'WSPConnect',
  'WSPAccept',
  'WSPSend',
  'WSPRecv',
  'WSPSendDisconnect',
  'WSPRecvDisconnect',
]);

/** What the traced conversation gives: its steps, the tracer's log, and the log as a diagram. */
export interface TracedIsoDemo {
  /** The calls and their results, as the second part writes them down. */
  steps: DemoStep[];
  /** Every WSP call the tracer saw, in order. */
  trace: TraceLog;
  /** `trace` as a terminal sequence diagram. */
  diagram: string;
}

/** Runs the traced conversation; `log` receives the narration and the diagram line by line. */
export async function runTracedIsoDemo(log: (line: string) => void = console.log): Promise<TracedIsoDemo> {
  const catalog = await defaultCatalog();
  const container = rootContainer.createChildContainer();
  const trace = new TraceLog();
  registerProvider(container, DEMO_TRACER_PATH, createTracerLayer({ name: 'tracer', log: trace }).WSPStartup);
  const lpErrno = out(0);
  const layeredEntryId = out(0);
  const rc = WSCInstallProviderAndChains(
    catalog,
    DEMO_TRACER_ID,
    DEMO_TRACER_PATH,
    'ws2spi demo tracer',
    0, // a non-IFS layer: it gives the application handles of its own
    [{ iAddressFamily: AF_ISO, iSocketType: SOCK_SEQPACKET, iProtocol: ISOPROTO_TP2 }],
    1,
    layeredEntryId,
    lpErrno,
  );
  if (rc !== 0) throw new Error(`WSCInstallProviderAndChains failed: ${wsaErrorName(lpErrno.value)}`);
  const chain = catalog.entries()[0].info; // the new chain entry comes first, so sockets pick it
  log(`  ${String(chain.dwCatalogEntryId).padEnd(5)} ${chain.szProtocol}`);
  log(
    `        ProtocolChain [${chain.ProtocolChain.ChainEntries.join(', ')}]: the tracer's layered entry ${layeredEntryId.value}, then the TP2 base entry\n`,
  );

  const session = new DemoSession(catalog, () => undefined, container);
  try {
    await isoConversation(session);
  } finally {
    session.end();
  }
  // The conversation itself; the log also holds socket, bind, listen, getsockname and the closes.
  const diagram = traceToText(trace, {
    provider: 'ISO TP2',
    maxMessage: 72,
    filter: (record) => CONVERSATION.has(record.call),
  });
  log(
    '  (the tracer numbers sockets as it meets them: #1 the listener, #2 the client, #3 the accepted one)\n',
  );
  for (const line of diagram.trimEnd().split('\n')) log(`  ${line}`);
  return { steps: session.steps, trace, diagram };
}

/** Where to go from the demo: a path in the repository (or a command) and what is there. */
export const WHAT_TO_TRY_NEXT: readonly (readonly [where: string, what: string])[] = [
  ['docs/architecture.md', 'the layers, and how WSASendDisconnect travels from the API to the wire'],
  ['docs/guides/writing-a-base-provider.md', 'your own transport as a Winsock base provider'],
  ['docs/guides/writing-a-layer.md', 'your own layered service provider, IFS or non-IFS'],
  ['docs/guides/iso-transport.md', 'connect and disconnect data over ISO transport'],
  ['docs/guides/testing-with-layered-providers.md', 'faults, latency and diagrams in your own tests'],
  ['examples/test/', 'one small test per fault and per picture'],
  ['pnpm ws2spi catalog show', 'the catalog your processes use, as netsh shows it'],
  ['pnpm run docs', 'the API reference, in docs/api/index.html'],
];

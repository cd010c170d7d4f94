/**
 * `pnpm demo`: TCP refuses disconnect data with WSAENOPROTOOPT; ISO transport carries it to the
 * peer, which reads it with WSARecvDisconnect — over real loopback sockets; then the ISO
 * conversation again through a tracing layer, drawn as a sequence diagram; then where to go next.
 */
import 'reflect-metadata';
import { runDisconnectDataDemo } from './disconnect-data-demo';
import { runTracedIsoDemo, WHAT_TO_TRY_NEXT } from './traced-iso-demo';

async function main(): Promise<void> {
  console.log('ws2spi — Windows Sockets 2 service providers on Node.js\n');
  await runDisconnectDataDemo();
  console.log(
    '\nThe same ISO conversation through a layered service provider: a tracer installed over TP2 with\n' +
      'WSCInstallProviderAndChains (catalog order puts its chain entry first):',
  );
  await runTracedIsoDemo();
  console.log(
    '\nSame API, two providers, Windows semantics for each, and layers between them. What to try next:',
  );
  const width = Math.max(...WHAT_TO_TRY_NEXT.map(([where]) => where.length));
  for (const [where, what] of WHAT_TO_TRY_NEXT) console.log(`  ${where.padEnd(width)}  ${what}`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

/**
 * `pnpm demo`: TCP refuses disconnect data with WSAENOPROTOOPT; ISO transport carries it to the
 * peer, which reads it with WSARecvDisconnect — over real loopback sockets.
 */
import 'reflect-metadata';
import { runDisconnectDataDemo } from './disconnect-data-demo';

console.log('ws2spi — Windows Sockets 2 service providers on Node.js\n');
runDisconnectDataDemo().then(
  () => console.log('\nDone: same API, two providers, Windows semantics for each.'),
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);

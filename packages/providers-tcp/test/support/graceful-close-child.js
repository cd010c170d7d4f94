/**
 * A process that closes a TCP socket gracefully while its peer never reads (issue 12, fault 4),
 * for `graceful-close-exit.test.ts`. It loads the compiled packages (a child process cannot load the
 * TypeScript sources).
 *
 *   node graceful-close-child.js <repository root> <port> cleanup
 *     sends until the transport is full, closesocket (default linger), then WSACleanup;
 *   node graceful-close-child.js <repository root> <port> linger
 *     the same with SO_LINGER {1, 1} and no WSACleanup.
 *
 * It prints "closed" after closesocket (and WSACleanup); the test then times how long the process
 * takes to exit — it must not be kept alive by the connection.
 */
const path = require('node:path');

const [, , root, portText, mode] = process.argv;
const dist = (pkg) => path.join(root, 'packages', pkg, 'dist', 'index.js');
require(path.join(root, 'node_modules', 'reflect-metadata'));
const spi = require(dist('spi'));
const tcp = require(dist('providers-tcp'));
const { container } = require(path.join(root, 'node_modules', 'tsyringe'));

async function main() {
  const catalog = new spi.Catalog();
  tcp.installTcpProviders(catalog, { path: 'tcp' });
  const child = container.createChildContainer();
  spi.registerProvider(child, 'tcp', tcp.WSPStartup);
  const ws2 = new spi.Ws2({ catalog, container: child });
  if (ws2.WSAStartup(spi.MAKEWORD(2, 2), spi.emptyWsaData()) !== 0) throw new Error('WSAStartup failed');
  const socket = await spi.Socket.create(ws2, spi.AF_INET, spi.SOCK_STREAM, spi.IPPROTO_TCP);
  await socket.connect(spi.sockaddrIn('127.0.0.1', Number(portText)));
  socket.setNonBlocking(true);
  const chunk = new Uint8Array(256 * 1024);
  // Fill the kernel's buffers and the transport's queue: the peer never reads.
  for (let i = 0; i < 1000; i++) {
    try {
      await socket.send(chunk);
    } catch (error) {
      if (spi.isWsaError(error, spi.WSAEWOULDBLOCK)) break;
      throw error;
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (mode === 'linger') socket.setOption(spi.SO_LINGER, { l_onoff: 1, l_linger: 1 });
  socket.close();
  if (mode === 'cleanup') ws2.WSACleanup();
  process.stdout.write('closed\n');
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});

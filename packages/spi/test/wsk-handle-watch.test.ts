/**
 * `HandleWatch`, the leak check of the WSK loopback tests, itself: it sees what was opened and left
 * open, and forgets what was closed.
 */
import { createServer } from 'node:net';
import { HandleWatch } from '@ws2spi/spi/testing';

it('reports a server left listening and a timer left armed, not what was closed', async () => {
  const watch = new HandleWatch();
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  clearTimeout(setTimeout(() => {}, 60_000));
  const open = createServer();
  await new Promise<void>((resolve) => open.listen(0, '127.0.0.1', resolve));
  const timer = setTimeout(() => {}, 60_000);
  const left = await watch.settle(20);
  expect(left).toEqual(['TCPSERVERWRAP', 'Timeout']);
  clearTimeout(timer);
  await new Promise<void>((resolve) => open.close(() => resolve()));
});

it('does not count what was open before it started', async () => {
  const before = createServer();
  await new Promise<void>((resolve) => before.listen(0, '127.0.0.1', resolve));
  const watch = new HandleWatch();
  expect(await watch.settle(5)).toEqual([]);
  await new Promise<void>((resolve) => before.close(() => resolve()));
});

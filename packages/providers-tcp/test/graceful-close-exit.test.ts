/**
 * A graceful close is bounded, and cleanup ends every connection of the process (issue 12, fault 4).
 *
 * A TCP socket closed gracefully (default linger) while its peer never reads kept its pending
 * write after WSACleanup, so the Node process could not exit. Windows: closesocket with the
 * default SO_DONTLINGER returns at once and the stack goes on sending for a while (MSDN closesocket);
 * WSACleanup resets the sockets still open and "sockets that were closed with closesocket but that
 * still have pending data to be sent may be affected" (MSDN WSACleanup) — the last reference ends
 * them. With SO_LINGER {1, n} the graceful close gets n seconds, then the connection is reset
 * ("the Windows Sockets implementation terminates the connection", MSDN closesocket).
 *
 * Each case runs a child process (the compiled packages) against a loopback peer in this process
 * that accepts and never reads, and times how long the child takes to exit once it has closed.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Socket as NetSocket, type Server } from 'node:net';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const CHILD = path.join(__dirname, 'support', 'graceful-close-child.js');
const built = ['spi', 'providers-tcp'].every((p) =>
  existsSync(path.join(ROOT, 'packages', p, 'dist', 'index.js')),
);

let server: Server | undefined;
const peers: NetSocket[] = [];

afterEach(async () => {
  for (const p of peers.splice(0)) p.destroy();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function silentPeer(): Promise<number> {
  server = createServer({ pauseOnConnect: true }, (s) => peers.push(s));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

/** Runs the child; resolves with how long it took to exit after it closed, or 'still running'. */
async function closeAndTimeExit(
  mode: 'cleanup' | 'linger',
  limitMs: number,
): Promise<number | 'still running'> {
  const port = await silentPeer();
  const child = spawn(process.execPath, [CHILD, ROOT, String(port), mode], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const closedAt = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('closed')) resolve(Date.now());
    });
    child.once('exit', () => reject(new Error(`the child ended before closing: ${stderr}`)));
  });
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    exited.then((code) => {
      if (code !== 0) throw new Error(`the child failed (${code}): ${stderr}`);
      return Date.now() - closedAt;
    }),
    new Promise<'still running'>((resolve) => {
      timer = setTimeout(() => resolve('still running'), limitMs);
    }),
  ]);
  clearTimeout(timer);
  if (outcome === 'still running') child.kill('SIGKILL');
  return outcome;
}

(built ? describe : describe.skip)(
  `a graceful close cannot keep the process alive${built ? '' : ' (skipped: needs the compiled packages, pnpm build)'}`,
  () => {
    it('WSACleanup after a graceful close to a peer that never reads ends the connection: the process exits at once', async () => {
      const ms = await closeAndTimeExit('cleanup', 8_000);
      expect(ms).not.toBe('still running');
      expect(ms).toBeLessThan(3_000);
    }, 20_000);

    it('without WSACleanup, SO_LINGER {1, 1} bounds the graceful close to about a second, then the connection is reset', async () => {
      const ms = await closeAndTimeExit('linger', 8_000);
      expect(ms).not.toBe('still running');
      expect(ms).toBeGreaterThanOrEqual(900);
      expect(ms).toBeLessThan(4_000);
    }, 20_000);
  },
);

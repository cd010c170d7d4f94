/**
 * Receive flow control of the in-memory provider across the hand-over of a held link: bytes the
 * peer sent before `accept` are held by the link (and the connection paused past a limit), then
 * delivered to the accepted socket — which may pause the link again while they are delivered. The
 * link must stay paused then, or the peer's sends are queued without bound whatever `SO_RCVBUF`
 * says.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { FIONBIO, FIONREAD, SO_RCVBUF, SOL_SOCKET, sockaddrIn, WSAEWOULDBLOCK } from '@ws2spi/spi';
import { type KitWorld, kitWorld, SERVER_V4 } from './support/provider-kit-harness';

let world: KitWorld | undefined;
afterEach(async () => {
  await world?.dispose();
  world = undefined;
});

/** Byte `i` of the stream the client sends: a pattern that shows loss, duplication and reordering. */
const patternByte = (i: number): number => (i * 7 + (i >>> 8)) & 0xff;

describe('in-memory provider: receive flow control of a link held until accept', () => {
  it('SO_RCVBUF still bounds what is queued once the held link is adopted, and no byte is lost', async () => {
    world = kitWorld();
    const w = world;
    const listener = w.server.socket();
    expect(await w.server.bind(listener, sockaddrIn('0.0.0.0', 5000))).toBe(0);
    expect(await w.server.listen(listener)).toBe(0);
    const client = w.client.socket();
    expect(await w.client.connect(client, sockaddrIn(SERVER_V4, 5000))).toBe(0);
    expect(w.client.ioctl(client, FIONBIO, 1).err).toBe(0);

    let sent = 0;
    const chunk = 16 * 1024;
    /** Sends until the connection pushes back twice in a row (bounded). */
    const pump = async (): Promise<void> => {
      let refusals = 0;
      for (let i = 0; i < 2000 && refusals < 2; i++) {
        const data = new Uint8Array(chunk).map((_, k) => patternByte(sent + k));
        const r = await w.client.send(client, data);
        if (r.err === 0) {
          sent += r.n;
          refusals = 0;
        } else {
          expect(r.err).toBe(WSAEWOULDBLOCK);
          refusals++;
          await w.net.idle();
        }
      }
    };

    await pump();
    const sentBeforeAccept = sent;
    expect(sentBeforeAccept).toBeGreaterThan(0);
    const accepted = await w.server.accept(listener);
    expect(accepted.err).toBe(0);
    const server = accepted.s;
    expect(w.server.getOpt(server, SOL_SOCKET, SO_RCVBUF).value).toBe(64 * 1024);
    await w.net.idle();
    await pump();
    await w.net.idle();

    // What was held before accept (256 KiB and the frame in flight) plus one receive buffer —
    // not everything the client could push through an unpaused connection.
    const queued = w.server.ioctl(server, FIONREAD).value as number;
    expect(queued).toBeLessThanOrEqual(256 * 1024 + 64 * 1024 + 64 * 1024);
    expect(sent).toBeLessThan(sentBeforeAccept + 1024 * 1024);

    // Everything sent arrives, in order, once the server reads.
    w.client.shutdown(client, 1);
    let received = 0;
    for (let i = 0; i < 10_000; i++) {
      const r = await w.server.recv(server, 64 * 1024);
      expect(r.err).toBe(0);
      if (r.n === 0) break;
      for (let k = 0; k < r.n; k++) {
        if (r.data[k] !== patternByte(received + k)) throw new Error(`byte ${received + k} is wrong`);
      }
      received += r.n;
    }
    expect(received).toBe(sent);
  });
});

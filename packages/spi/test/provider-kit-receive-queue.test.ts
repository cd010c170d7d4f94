/**
 * The kit's receive queues copy straight from the chunks the transport delivered into the caller's
 * `WSABUF`s. Checked against a model (the bytes concatenated) over random chunkings, scatter lists,
 * peeks and partial reads: what is read, what stays queued and the sizes must agree with it.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { ByteReceiveQueue, MessageReceiveQueue } from '../src/provider-kit/receive-queue';
import type { WSABUF } from '../src/types/wsabuf';

/** A scatter list of buffers of these capacities, each inside a larger buffer (len < byteLength). */
function scatterList(capacities: readonly number[]): WSABUF[] {
  return capacities.map((len) => ({ len, buf: new Uint8Array(len + 3).fill(0xaa) }));
}

/** What a scatter list holds after a read of `n` bytes. */
function readBack(buffers: readonly WSABUF[], n: number): Uint8Array {
  const out = new Uint8Array(n);
  let at = 0;
  for (const b of buffers) {
    const k = Math.min(b.len, n - at);
    out.set(b.buf.subarray(0, k), at);
    at += k;
    // Nothing beyond len is ever written.
    expect(b.buf.subarray(b.len).every((v) => v === 0xaa)).toBe(true);
  }
  return out;
}

const bytes = fc.uint8Array({ minLength: 0, maxLength: 40 });
const read = fc.record({
  capacities: fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 4 }),
  peek: fc.boolean(),
});

describe('ByteReceiveQueue', () => {
  it('reads what a concatenation of the chunks would give, across chunk and buffer boundaries', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            bytes.map((b) => ({ push: b })),
            read,
          ),
          { maxLength: 30 },
        ),
        (steps) => {
          const queue = new ByteReceiveQueue();
          let model: number[] = [];
          for (const step of steps) {
            if ('push' in step) {
              queue.push(step.push);
              model.push(...step.push);
            } else {
              const buffers = scatterList(step.capacities);
              const capacity = step.capacities.reduce((a, b) => a + b, 0);
              const n = queue.read(buffers, step.peek);
              expect(n).toBe(Math.min(capacity, model.length));
              expect([...readBack(buffers, n)]).toEqual(model.slice(0, n));
              if (!step.peek) model = model.slice(n);
            }
            expect(queue.size).toBe(model.length);
          }
        },
      ),
    );
  });

  it('keeps a pushed chunk as it is, without copying it until it is read', () => {
    const queue = new ByteReceiveQueue();
    const chunk = Uint8Array.of(1, 2, 3);
    queue.push(chunk);
    const buffers = scatterList([3]);
    expect(queue.read(buffers, false)).toBe(3);
    expect([...buffers[0]!.buf.subarray(0, 3)]).toEqual([1, 2, 3]);
    expect(queue.size).toBe(0);
  });
});

describe('MessageReceiveQueue', () => {
  const message = fc.array(bytes, { minLength: 1, maxLength: 4 });

  it('reads whole messages, truncating, keeping or leaving the rest as the options say', () => {
    fc.assert(
      fc.property(
        fc.array(message, { minLength: 1, maxLength: 6 }),
        fc.array(
          fc.record({
            capacities: fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 3 }),
            peek: fc.boolean(),
            partial: fc.boolean(),
            keepWhole: fc.boolean(),
          }),
          { maxLength: 12 },
        ),
        (messages, reads) => {
          const queue = new MessageReceiveQueue();
          const model: number[][] = [];
          for (const pieces of messages) {
            for (const [i, piece] of pieces.entries()) queue.push(piece, i === pieces.length - 1);
            model.push(pieces.flatMap((p) => [...p]));
          }
          for (const r of reads) {
            expect(queue.hasMessage).toBe(model.length > 0);
            expect(queue.nextMessageSize).toBe(model[0]?.length ?? 0);
            const buffers = scatterList(r.capacities);
            const capacity = r.capacities.reduce((a, b) => a + b, 0);
            const result = queue.read(buffers, r.peek, r.partial, r.keepWhole);
            const head = model[0];
            if (!head) {
              expect(result).toEqual({ bytes: 0, truncated: false });
              continue;
            }
            const n = Math.min(capacity, head.length);
            expect(result).toEqual({ bytes: n, truncated: head.length > capacity });
            expect([...readBack(buffers, n)]).toEqual(head.slice(0, n));
            if (r.peek) continue;
            if (result.truncated && r.partial) model[0] = head.slice(n);
            else if (!(result.truncated && r.keepWhole)) model.shift();
          }
          expect(queue.size).toBe(model.reduce((a, m) => a + m.length, 0));
        },
      ),
    );
  });

  it('an incomplete message is not readable until its last piece arrives', () => {
    const queue = new MessageReceiveQueue();
    queue.push(Uint8Array.of(1, 2), false);
    expect(queue.hasMessage).toBe(false);
    expect(queue.headIncomplete).toBe(true);
    expect(queue.read(scatterList([10]), false, false, false)).toEqual({ bytes: 0, truncated: false });
    queue.push(Uint8Array.of(3), true);
    const buffers = scatterList([10]);
    expect(queue.read(buffers, false, false, false)).toEqual({ bytes: 3, truncated: false });
    expect([...buffers[0]!.buf.subarray(0, 3)]).toEqual([1, 2, 3]);
  });
});

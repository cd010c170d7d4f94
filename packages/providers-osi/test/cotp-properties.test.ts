/**
 * Property-based tests of the COTP codec, the TPKT reassembler and the state machine (fast-check,
 * bounded by run count, not time). On failure fast-check prints the seed and path; replay with
 * `FC_SEED=<seed> pnpm jest packages/providers-osi/test/cotp-properties.test.ts`.
 *
 * - Every TPDU the codec can express survives encode → TPKT → decode unchanged.
 * - No input makes the decoder throw: random octets, a random TPDU under a valid TPKT header, a
 *   valid TPDU with octets flipped; a failure names an octet inside the input and an ER cause.
 * - The reassembler, fed random octets in random chunks, loses and reorders nothing, never
 *   returns a frame over its bound and never keeps more than one partial frame (< the bound).
 * - A connection fed random TPDUs and octets in random chunks never throws, sends only well-formed
 *   TPKTs, ends exactly once and leaves no timer behind.
 */
import fc from 'fast-check';
import type { CotpDecodeErrorCode } from '../src/cotp/cotp-decode-error';
import type { Tpdu } from '../src/cotp/tpdu';
import { TPKT_MAX_LENGTH } from '../src/cotp/tpdu-codes';
import { decodeTpdu, decodeTpkt } from '../src/cotp/tpdu-decoder';
import { encodeTpdu, encodeTpkt } from '../src/cotp/tpdu-encoder';
import { TpktReassembler } from '../src/cotp/tpkt-reassembler';
import { type CotpEvent, CotpWire, decodeAll } from './fixtures/cotp-wire';
import { anyTpdu, formatOf, runs } from './fixtures/tpdu-arbitraries';

const DECODE_ERROR_CODES: ReadonlySet<CotpDecodeErrorCode> = new Set<CotpDecodeErrorCode>([
  'TPKT_TRUNCATED',
  'BAD_TPKT_VERSION',
  'TPKT_LENGTH_TOO_SMALL',
  'TPKT_LENGTH_MISMATCH',
  'TPKT_TOO_LARGE',
  'LI_RESERVED',
  'LI_EXCEEDS_TPDU',
  'BAD_LI',
  'UNKNOWN_TPDU_CODE',
  'UNSUPPORTED_TPDU',
  'BAD_CODE_BITS',
  'BAD_REFERENCE',
  'BAD_CLASS_OPTION',
  'PARAMETER_OVERRUN',
  'BAD_PARAMETER_LENGTH',
  'BAD_PARAMETER_VALUE',
  'UNKNOWN_PARAMETER',
  'USER_DATA_TOO_LONG',
  'BAD_USER_DATA_LENGTH',
  'BAD_SEQUENCE_OCTET',
  'BAD_CHECKSUM',
]);

const dataFormat = fc.constantFrom('auto' as const, 'class0' as const, 'normal' as const);

/** Checks a decode result of `input`: it is a value, or an error naming an octet of the input. */
function expectWellFormedResult(result: ReturnType<typeof decodeTpkt>, input: Uint8Array): void {
  if (result.ok) return;
  expect(DECODE_ERROR_CODES.has(result.error.code)).toBe(true);
  expect(result.error.offset).toBeGreaterThanOrEqual(0);
  expect(result.error.offset).toBeLessThanOrEqual(input.length);
  expect([0, 1, 2, 3]).toContain(result.error.rejectCause);
}

/** A TPKT header announcing `body`, then `body`. */
function underTpkt(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + body.length);
  out.set([3, 0, (out.length >> 8) & 0xff, out.length & 0xff]);
  out.set(body, 4);
  return out;
}

/** Cuts `bytes` at the given fractions into chunks (TCP keeps no boundaries). */
function chunked(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => Math.floor(c * bytes.length)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let at = 0;
  for (const p of [...points, bytes.length]) {
    if (p > at) chunks.push(bytes.subarray(at, p));
    at = Math.max(at, p);
  }
  return chunks;
}

const cuts = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 });

describe('COTP codec properties', () => {
  it('encode → TPKT → decode gives every TPDU back unchanged', () => {
    fc.assert(
      fc.property(anyTpdu, (tpdu) => {
        const frame = encodeTpkt(tpdu);
        expect(decodeTpkt(frame, { dataFormat: formatOf(tpdu) })).toEqual({ ok: true, value: tpdu });
        // And without the TPKT, from the LI octet.
        expect(decodeTpdu(encodeTpdu(tpdu), { dataFormat: formatOf(tpdu) })).toEqual({
          ok: true,
          value: tpdu,
        });
      }),
      runs(1000),
    );
  });

  it('never throws on random octets, and names an octet of the input when it refuses them', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 320 }), dataFormat, (bytes, format) => {
        expectWellFormedResult(decodeTpkt(bytes, { dataFormat: format }), bytes);
        expectWellFormedResult(decodeTpdu(bytes, { dataFormat: format }), bytes);
      }),
      runs(2000),
    );
  });

  it('never throws on a random TPDU under a valid TPKT header (the TPDU decoder in depth)', () => {
    // A plausible code octet first, so most inputs get past the TPDU type.
    const body = fc
      .tuple(
        fc.integer({ min: 0, max: 40 }),
        fc.constantFrom(0xe0, 0xd0, 0x80, 0xc0, 0xf0, 0x10, 0x20, 0x70, 0x60, 0x50, 0x00),
        fc.uint8Array({ maxLength: 80 }),
      )
      .map(([li, code, rest]) => Uint8Array.from([li, code, ...rest]));
    fc.assert(
      fc.property(body, dataFormat, (tpdu, format) => {
        const frame = underTpkt(tpdu);
        expectWellFormedResult(decodeTpkt(frame, { dataFormat: format }), frame);
      }),
      runs(2000),
    );
  });

  it('never throws on a valid TPDU with octets changed', () => {
    const mutated = fc
      .tuple(
        anyTpdu,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
      )
      .map(([tpdu, edits]) => {
        const frame = encodeTpkt(tpdu).slice();
        // The TPKT header stays intact so the TPDU decoder sees the change.
        for (const [at, value] of edits) frame[4 + (at % (frame.length - 4))] = value;
        return { frame, format: formatOf(tpdu) };
      });
    fc.assert(
      fc.property(mutated, ({ frame, format }) => {
        expectWellFormedResult(decodeTpkt(frame, { dataFormat: format }), frame);
      }),
      runs(1500),
    );
  });
});

describe('TPKT reassembler properties', () => {
  it('returns the stream as it came, in frames within the bound, keeping less than one frame between pushes', () => {
    // Well-formed TPKTs with octets of garbage sometimes in between, cut anywhere.
    const stream = fc
      .array(
        fc.oneof(
          { weight: 5, arbitrary: anyTpdu.map(encodeTpkt) },
          { weight: 1, arbitrary: fc.uint8Array({ maxLength: 6 }) },
        ),
        {
          maxLength: 8,
        },
      )
      .map((parts) => {
        const total = parts.reduce((n, p) => n + p.length, 0);
        const out = new Uint8Array(total);
        let at = 0;
        for (const p of parts) {
          out.set(p, at);
          at += p.length;
        }
        return out;
      });
    fc.assert(
      fc.property(stream, cuts, fc.integer({ min: 7, max: TPKT_MAX_LENGTH }), (bytes, cutAt, bound) => {
        const reassembler = new TpktReassembler(bound);
        const frames: Uint8Array[] = [];
        let failedAt: number | undefined;
        for (const chunk of chunked(bytes, cutAt)) {
          reassembler.push(chunk);
          for (;;) {
            const next = reassembler.next();
            if (next.kind === 'need-more') break;
            if (next.kind === 'error') {
              failedAt = next.streamOffset;
              expect(next.head.length).toBeLessThanOrEqual(4);
              break;
            }
            expect(next.frame.length).toBeLessThanOrEqual(bound);
            expect(next.streamOffset).toBe(frames.reduce((n, f) => n + f.length, 0));
            frames.push(next.frame);
          }
          // Never more than one partial frame held, and it is below the bound; nothing after a failure.
          expect(reassembler.buffered).toBeLessThan(reassembler.failed ? 1 : bound);
        }
        const returned = Buffer.concat(frames);
        // Nothing lost or reordered: the frames are the stream's prefix, up to a failure or a partial frame.
        expect(Buffer.from(bytes.subarray(0, returned.length)).equals(returned)).toBe(true);
        if (failedAt !== undefined) expect(failedAt).toBeGreaterThanOrEqual(returned.length);
        else expect(returned.length + reassembler.buffered).toBe(bytes.length);
      }),
      runs(400),
    );
  });
});

describe('CotpConnection properties', () => {
  it('fed random TPDUs and octets in random chunks: never throws, sends only well-formed TPKTs, ends once, leaks no timer', () => {
    const piece = fc.oneof(
      { weight: 4, arbitrary: anyTpdu.map((t) => ({ tpdu: t as Tpdu | undefined, raw: encodeTpkt(t) })) },
      {
        weight: 1,
        arbitrary: fc.uint8Array({ minLength: 1, maxLength: 12 }).map((raw) => ({ tpdu: undefined, raw })),
      },
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.constantFrom(0 as const, 2 as const),
        fc.array(piece, { maxLength: 6 }),
        cuts,
        fc.boolean(),
        (seed, protocolClass, pieces, cutAt, addressed) => {
          const wire = new CotpWire({
            seed,
            initiator: { preferredClass: protocolClass, expedited: true, reassemblyTimeoutMs: 1_000 },
            responder: { expedited: true, expeditedAcknowledgement: true, reassemblyTimeoutMs: 1_000 },
            onIndication: (_i, responder) => responder.accept(),
          });
          wire.initiator.connect({});
          wire.pump();
          expect(wire.responder.state).toBe('open');
          const ref = wire.responder.localReference;
          // Half of the runs aim their TPDUs at the connection, so they get past the reference check.
          const stream = Buffer.concat(
            pieces.map(({ tpdu, raw }) =>
              addressed && tpdu && 'dstRef' in tpdu && tpdu.type !== 'CR'
                ? encodeTpkt({
                    ...tpdu,
                    dstRef:
                      tpdu.type === 'DT' || tpdu.type === 'ED' ? (tpdu.format === 'class0' ? 0 : ref) : ref,
                  } as Tpdu)
                : raw,
            ),
          );
          for (const chunk of chunked(stream, cutAt)) wire.inject('responder', chunk);
          wire.pump();
          // Let every timer run out: reassembly, DC, linger of the state machine.
          wire.timers.advance(60_000);
          wire.pump();
          wire.timers.advance(60_000);
          for (const side of ['initiator', 'responder'] as const) {
            // Every byte this stack sent is a TPKT its own decoder (and so the peer's) reads.
            expect(() => decodeAll(wire.sent[side])).not.toThrow();
            const closes = wire.log[side].filter(([name]: CotpEvent) => name === 'onClosed');
            expect(closes.length).toBeLessThanOrEqual(1);
          }
          wire.initiator.abort();
          wire.responder.abort();
          expect(wire.timers.pending).toBe(0);
          expect(wire.references.size).toBe(0);
        },
      ),
      runs(200),
    );
  });
});

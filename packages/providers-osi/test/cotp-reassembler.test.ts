import { encodeTpkt } from '../src/cotp/tpdu-encoder';
import { type TpktNext, TpktReassembler } from '../src/cotp/tpkt-reassembler';
import { fromHex, sequenceBytes, toHex } from './fixtures/hex';
import { SeededPrng } from './fixtures/seeded-prng';

const vectorFrames = [
  '030000231ee00000000121c1020001c2020002c0010bf0020040c40101c60101c70100',
  '0300001914d00001432121c1020001c2020002c0010bc60101',
  '0300000b04f04321804142',
  '030000180b804321000180e0037768794259452d386f6374',
  '0300000a05c000014321',
  '0300000902f0804142',
].map(fromHex);

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Pushes each chunk and drains every whole frame after it, as a connection does. */
function feed(reassembler: TpktReassembler, chunks: Uint8Array[]): TpktNext[] {
  const out: TpktNext[] = [];
  for (const chunk of chunks) {
    reassembler.push(chunk);
    for (;;) {
      const next = reassembler.next();
      if (next.kind === 'need-more') break;
      out.push(next);
      if (next.kind === 'error') return out;
    }
  }
  return out;
}

describe('TPKT reassembler', () => {
  const bigDt = encodeTpkt({
    type: 'DT',
    format: 'normal',
    dstRef: 1,
    nr: 0,
    eot: true,
    userData: sequenceBytes(5000),
  });
  const frames = [...vectorFrames, bigDt, ...vectorFrames];
  const stream = concat(frames);

  it.each([1, 2, 3, 7, 42, 1000, 65536])(
    'returns the same frames, in order, for seeded random chunkings (seed %i)',
    (seed) => {
      const prng = new SeededPrng(seed);
      for (const maxChunk of [1, 3, 5, 11, 64, 700, stream.length]) {
        const reassembler = new TpktReassembler();
        const out = feed(reassembler, prng.split(stream, maxChunk));
        expect(out.map((n) => (n.kind === 'frame' ? toHex(n.frame) : n.kind))).toEqual(frames.map(toHex));
        let offset = 0;
        out.forEach((n, i) => {
          expect(n).toMatchObject({ kind: 'frame', streamOffset: offset });
          offset += frames[i]!.length;
        });
        expect(reassembler.buffered).toBe(0);
        expect(reassembler.streamOffset).toBe(stream.length);
      }
    },
  );

  it('handles every split point inside the 4-octet header', () => {
    const frame = vectorFrames[2]!;
    for (let cut = 1; cut < 4; cut++) {
      const reassembler = new TpktReassembler();
      reassembler.push(frame.subarray(0, cut));
      expect(reassembler.next()).toEqual({ kind: 'need-more' });
      reassembler.push(frame.subarray(cut));
      expect(reassembler.next()).toEqual({ kind: 'frame', frame, streamOffset: 0 });
    }
  });

  it('cuts coalesced frames out of one chunk, keeping the tail of a partial one', () => {
    const reassembler = new TpktReassembler();
    const twoAndAHalf = concat([vectorFrames[2]!, vectorFrames[4]!, vectorFrames[0]!.subarray(0, 10)]);
    expect(feed(reassembler, [twoAndAHalf]).map((n) => n.kind)).toEqual(['frame', 'frame']);
    expect(reassembler.buffered).toBe(10);
    expect(feed(reassembler, [vectorFrames[0]!.subarray(10)])).toEqual([
      { kind: 'frame', frame: vectorFrames[0], streamOffset: 21 },
    ]);
  });

  it('returns copies: changing the pushed chunk later does not change a returned frame', () => {
    const reassembler = new TpktReassembler();
    const chunk = vectorFrames[2]!.slice();
    reassembler.push(chunk);
    const next = reassembler.next();
    chunk.fill(0);
    expect(next).toMatchObject({ kind: 'frame', frame: vectorFrames[2] });
  });

  it('reports a TPKT longer than the bound as soon as its header is complete, before its body', () => {
    const reassembler = new TpktReassembler(4 + 128);
    const ok = encodeTpkt({
      type: 'DT',
      format: 'normal',
      dstRef: 1,
      nr: 0,
      eot: true,
      userData: sequenceBytes(123),
    });
    expect(ok.length).toBe(132);
    const tooLong = encodeTpkt({
      type: 'DT',
      format: 'normal',
      dstRef: 1,
      nr: 0,
      eot: true,
      userData: sequenceBytes(124),
    });
    // The body of the long frame is never pushed: the error must not wait for it.
    const out = feed(reassembler, [ok, tooLong.subarray(0, 4)]);
    expect(out.map((n) => n.kind)).toEqual(['frame', 'error']);
    expect(out[1]).toMatchObject({
      kind: 'error',
      streamOffset: 132 + 2,
      error: { code: 'TPKT_TOO_LARGE', offset: 2 },
    });
    // Sticky, and nothing more is kept.
    reassembler.push(tooLong.subarray(4));
    expect(reassembler.next()).toMatchObject({ kind: 'error', error: { code: 'TPKT_TOO_LARGE' } });
    expect(reassembler.buffered).toBe(0);
  });

  it('applies a new bound to the frames not yet returned (bound raised after negotiation)', () => {
    const reassembler = new TpktReassembler(4 + 128);
    const big = encodeTpkt({
      type: 'DT',
      format: 'normal',
      dstRef: 1,
      nr: 0,
      eot: true,
      userData: sequenceBytes(1000),
    });
    reassembler.push(concat([vectorFrames[1]!, big]));
    expect(reassembler.next()).toMatchObject({ kind: 'frame' });
    reassembler.maxFrameLength = 4 + 2048;
    expect(reassembler.next()).toMatchObject({ kind: 'frame', frame: big });
  });

  it('rejects a bad version on its first octet and a length below 7', () => {
    const bad = new TpktReassembler();
    bad.push(fromHex('04'));
    expect(bad.next()).toMatchObject({
      kind: 'error',
      streamOffset: 0,
      error: { code: 'BAD_TPKT_VERSION', offset: 0 },
    });

    const afterFrame = new TpktReassembler();
    afterFrame.push(concat([vectorFrames[4]!, fromHex('1603010200')])); // a TLS ClientHello where a TPKT should be
    expect(afterFrame.next()).toMatchObject({ kind: 'frame' });
    expect(afterFrame.next()).toMatchObject({
      kind: 'error',
      streamOffset: 10,
      error: { code: 'BAD_TPKT_VERSION' },
    });

    const short = new TpktReassembler();
    short.push(fromHex('03000006'));
    expect(short.next()).toMatchObject({
      kind: 'error',
      streamOffset: 2,
      error: { code: 'TPKT_LENGTH_TOO_SMALL' },
    });
  });

  it('validates its bound', () => {
    expect(() => new TpktReassembler(6)).toThrow(RangeError);
    expect(() => new TpktReassembler(65536)).toThrow(RangeError);
  });
});

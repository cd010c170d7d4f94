import { checkConnectConfirm, negotiateAsResponder, proposalParameters } from '../src/cotp/cotp-negotiation';
import { CotpReferenceAllocator } from '../src/cotp/cotp-reference-allocator';
import type { CcTpdu, CrTpdu } from '../src/cotp/tpdu';

const class2 = { protocolClass: 2, extendedFormats: false, noExplicitFlowControl: true } as const;
const policy = {
  acceptedClasses: [2, 0] as const,
  maxTpduSize: 8192,
  expedited: true,
  expeditedAcknowledgement: true,
};

function cr(overrides: Partial<CrTpdu> = {}): CrTpdu {
  return {
    type: 'CR',
    dstRef: 0,
    srcRef: 1,
    classOption: class2,
    parameters: {},
    userData: new Uint8Array(0),
    ...overrides,
  };
}

describe('ITOT negotiation (RFC 2126 §6.3, §6.4)', () => {
  it('follows the RFC 2126 §6.3 class table', () => {
    const pick = (preferred: 0 | 2, alternatives: Array<0 | 2> | undefined, accepted: Array<0 | 2>) => {
      const r = negotiateAsResponder(
        cr({
          classOption: { ...class2, protocolClass: preferred },
          parameters: alternatives ? { alternativeClasses: alternatives } : {},
        }),
        { ...policy, acceptedClasses: accepted },
      );
      return r.ok ? r.agreement.protocolClass : `refused 0x${r.reason.toString(16)}`;
    };
    expect(pick(0, undefined, [2, 0])).toBe(0);
    expect(pick(0, undefined, [2])).toBe('refused 0x0');
    expect(pick(2, [0], [2, 0])).toBe(2);
    expect(pick(2, [0], [0])).toBe(0);
    expect(pick(2, undefined, [2, 0])).toBe(2);
    expect(pick(2, undefined, [0])).toBe('refused 0x82');
  });

  it('picks class 2 from a class-4 CR that lists it as an alternative, as X.224 allows', () => {
    const r = negotiateAsResponder(
      cr({
        classOption: { protocolClass: 4, extendedFormats: true, noExplicitFlowControl: false },
        parameters: { alternativeClasses: [2] },
      }),
      policy,
    );
    expect(r).toMatchObject({ ok: true, agreement: { protocolClass: 2 } });
  });

  it('states the TPDU size in the CC as the CR did (F0 → F0, C0 or none → C0), capped by both ends', () => {
    const size = (parameters: CrTpdu['parameters'], maxTpduSize: number, protocolClass: 0 | 2 = 2) => {
      const r = negotiateAsResponder(cr({ classOption: { ...class2, protocolClass }, parameters }), {
        ...policy,
        maxTpduSize,
      });
      if (!r.ok) throw new Error(r.message);
      return [r.agreement.maxTpduSize, r.ccParameters.tpduSizeCode, r.ccParameters.preferredMaxTpduUnits];
    };
    expect(size({ preferredMaxTpduUnits: 64, tpduSizeCode: 11 }, 65531)).toEqual([8192, undefined, 64]);
    expect(size({ preferredMaxTpduUnits: 511 }, 65531)).toEqual([65408, undefined, 511]);
    expect(size({ tpduSizeCode: 11 }, 65531)).toEqual([2048, 11, undefined]);
    expect(size({ tpduSizeCode: 13 }, 1000)).toEqual([512, 9, undefined]);
    // No size in the CR: RFC 1006's default 65531, but C0 can only say 8192 (2048 in class 0).
    expect(size({}, 65531)).toEqual([8192, 13, undefined]);
    expect(size({}, 65531, 0)).toEqual([2048, 11, undefined]);
    // Bounds: an F0 of 2^32 − 1 units (a 4-octet F0) is capped at 511 units (65408 ≤ 65531), and at
    // this end's maximum; a class-0 CR's C0 13 at 2^11, X.224's class-0 maximum.
    expect(size({ preferredMaxTpduUnits: 0xffffffff }, 65531)).toEqual([65408, undefined, 511]);
    expect(size({ preferredMaxTpduUnits: 0xffffffff }, 200)).toEqual([128, undefined, 1]);
    expect(size({ tpduSizeCode: 13 }, 65531, 0)).toEqual([2048, 11, undefined]);
  });

  it('grants expedited data and EA only when asked and allowed, and answers C6 only if the CR had it', () => {
    const opts = (additionalOptions: number | undefined, p = policy) => {
      const r = negotiateAsResponder(
        cr({ parameters: additionalOptions === undefined ? {} : { additionalOptions } }),
        p,
      );
      if (!r.ok) throw new Error(r.message);
      return [r.agreement.expedited, r.agreement.expeditedAcknowledgement, r.ccParameters.additionalOptions];
    };
    expect(opts(undefined)).toEqual([false, false, undefined]);
    expect(opts(0x00)).toEqual([false, false, 0]);
    expect(opts(0x01)).toEqual([true, false, 0x01]);
    expect(opts(0x21)).toEqual([true, true, 0x21]);
    // Reverse connection and non-blocking expedited are never selected.
    expect(opts(0x69)).toEqual([true, true, 0x21]);
    expect(opts(0x21, { ...policy, expeditedAcknowledgement: false })).toEqual([true, false, 0x01]);
    expect(opts(0x21, { ...policy, expedited: false })).toEqual([false, false, 0]);
  });

  it('builds the CR of the reference vector for class 2 with fallback (C0 0B fallback + F0 64)', () => {
    const p = proposalParameters({
      preferredClass: 2,
      allowClass0Fallback: true,
      maxTpduSize: 8192,
      expedited: true,
      expeditedAcknowledgement: false,
    });
    expect(p).toEqual({
      parameters: { tpduSizeCode: 11, preferredMaxTpduUnits: 64, additionalOptions: 1 },
      alternativeClasses: [0],
      offeredTpduSize: 8192,
      fallbackTpduSize: 2048,
    });
    const plain = proposalParameters({
      ...p,
      preferredClass: 2,
      allowClass0Fallback: false,
      maxTpduSize: 8192,
      expedited: false,
      expeditedAcknowledgement: false,
    });
    expect(plain.parameters).toEqual({ tpduSizeCode: 13, additionalOptions: 0 });
  });

  it('rejects a CC that exceeds or contradicts the CR', () => {
    const proposal = {
      preferredClass: 2 as const,
      allowClass0Fallback: false,
      maxTpduSize: 2048,
      expedited: false,
      expeditedAcknowledgement: false,
    };
    const offered = { offeredTpduSize: 2048, fallbackTpduSize: 2048, sentPreferredSize: false };
    const cc = (o: Partial<CcTpdu>): CcTpdu => ({
      type: 'CC',
      dstRef: 1,
      srcRef: 2,
      classOption: class2,
      parameters: { tpduSizeCode: 11 },
      userData: new Uint8Array(0),
      ...o,
    });
    expect(checkConnectConfirm(cc({}), proposal, offered)).toMatchObject({
      ok: true,
      agreement: { maxTpduSize: 2048 },
    });
    expect(checkConnectConfirm(cc({ parameters: {} }), proposal, offered)).toMatchObject({
      ok: true,
      agreement: { maxTpduSize: 2048 },
    });
    expect(checkConnectConfirm(cc({ parameters: { tpduSizeCode: 12 } }), proposal, offered)).toMatchObject({
      ok: false,
    });
    expect(
      checkConnectConfirm(cc({ parameters: { preferredMaxTpduUnits: 8 } }), proposal, offered),
    ).toMatchObject({ ok: false, message: expect.stringMatching(/F0/) });
    expect(
      checkConnectConfirm(cc({ classOption: { ...class2, protocolClass: 0 } }), proposal, offered),
    ).toMatchObject({ ok: false });
    expect(
      checkConnectConfirm(cc({ classOption: { ...class2, extendedFormats: true } }), proposal, offered),
    ).toMatchObject({ ok: false });
    expect(
      checkConnectConfirm(
        cc({ classOption: { ...class2, noExplicitFlowControl: false } }),
        proposal,
        offered,
      ),
    ).toMatchObject({ ok: false });
    expect(
      checkConnectConfirm(cc({ parameters: { tpduSizeCode: 11, additionalOptions: 1 } }), proposal, offered),
    ).toMatchObject({ ok: false });
    const withFallback = { ...proposal, allowClass0Fallback: true };
    expect(
      checkConnectConfirm(
        cc({ classOption: { protocolClass: 0, extendedFormats: false, noExplicitFlowControl: false } }),
        withFallback,
        offered,
      ),
    ).toMatchObject({ ok: true, agreement: { protocolClass: 0 } });
  });
});

describe('interop with class-0 stacks that echo the CR (issue 12, fault 7)', () => {
  const class0 = { protocolClass: 0, extendedFormats: false, noExplicitFlowControl: false } as const;

  it('a class-0-only CR states its size with C0 alone (≤ 2048), as RFC 1006 peers read it: no F0', () => {
    const p = proposalParameters({
      preferredClass: 0,
      allowClass0Fallback: false,
      maxTpduSize: 8192,
      expedited: true,
      expeditedAcknowledgement: false,
    });
    expect(p).toEqual({
      parameters: { tpduSizeCode: 11, additionalOptions: 1 },
      alternativeClasses: [],
      offeredTpduSize: 2048,
      fallbackTpduSize: 2048,
    });
    const small = proposalParameters({
      ...p,
      preferredClass: 0,
      allowClass0Fallback: false,
      maxTpduSize: 1000,
      expedited: false,
      expeditedAcknowledgement: false,
    });
    expect(small.parameters).toEqual({ tpduSizeCode: 9 });
  });

  it('accepts a CC that states both C0 and F0 when each is within the offer: sends the smaller, accepts the larger', () => {
    const proposal = {
      preferredClass: 2 as const,
      allowClass0Fallback: true,
      maxTpduSize: 8192,
      expedited: false,
      expeditedAcknowledgement: false,
    };
    const offered = { offeredTpduSize: 8192, fallbackTpduSize: 2048, sentPreferredSize: true };
    const echo = (classOption: CcTpdu['classOption'], parameters: CcTpdu['parameters']): CcTpdu => ({
      type: 'CC',
      dstRef: 1,
      srcRef: 2,
      classOption,
      parameters,
      userData: new Uint8Array(0),
    });
    // The CR's own C0 0B and F0 64 echoed back, by a class-0 stack and by a class-2 one.
    for (const classOption of [class0, class2]) {
      expect(
        checkConnectConfirm(
          echo(classOption, { tpduSizeCode: 11, preferredMaxTpduUnits: 64 }),
          proposal,
          offered,
        ),
      ).toEqual({
        ok: true,
        agreement: {
          protocolClass: classOption.protocolClass,
          maxTpduSize: 2048,
          receiveTpduSize: 8192,
          expedited: false,
          expeditedAcknowledgement: false,
        },
      });
    }
    // Either size above the offer is refused, as it is alone.
    expect(
      checkConnectConfirm(echo(class2, { tpduSizeCode: 13, preferredMaxTpduUnits: 65 }), proposal, offered),
    ).toMatchObject({ ok: false, message: expect.stringMatching(/8320, above the 8192 offered/) });
    expect(
      checkConnectConfirm(echo(class0, { tpduSizeCode: 12, preferredMaxTpduUnits: 64 }), proposal, offered),
    ).toMatchObject({ ok: false, message: expect.stringMatching(/above 2048/) });
    // F0 in the CC still needs F0 in the CR.
    expect(
      checkConnectConfirm(echo(class0, { tpduSizeCode: 11, preferredMaxTpduUnits: 16 }), proposal, {
        ...offered,
        sentPreferredSize: false,
      }),
    ).toMatchObject({ ok: false, message: expect.stringMatching(/F0/) });
  });
});

describe('CotpReferenceAllocator', () => {
  it('hands out 65535 distinct non-zero references, then none, and reuses a released one last', () => {
    const refs = new CotpReferenceAllocator();
    const seen = new Set<number>();
    for (let i = 0; i < 0xffff; i++) seen.add(refs.allocate()!);
    expect(seen.size).toBe(0xffff);
    expect(seen.has(0)).toBe(false);
    expect(refs.allocate()).toBeUndefined();
    refs.release(1234);
    expect(refs.isInUse(1234)).toBe(false);
    expect(refs.allocate()).toBe(1234);
  });

  it('goes round-robin: a just-released reference is not handed out next', () => {
    const refs = new CotpReferenceAllocator(0xfffe);
    expect([refs.allocate(), refs.allocate(), refs.allocate()]).toEqual([0xfffe, 0xffff, 1]);
    refs.release(1);
    expect(refs.allocate()).toBe(2);
    expect(() => new CotpReferenceAllocator(0)).toThrow(RangeError);
  });
});

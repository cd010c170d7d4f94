/**
 * Connection negotiation of ITOT (RFC 2126 §4.2.1, §6.3, §6.4 on X.224 13.3/13.4): class, TPDU
 * size and the additional options, for both ends. Pure functions over decoded TPDUs, so the rules
 * are testable without a connection.
 * @module
 */

import type { CcTpdu, ConnectionParameters, CrTpdu, ProtocolClass } from './tpdu';
import {
  AdditionalOptionBits,
  DisconnectReason,
  MAX_CLASS0_TPDU_SIZE_CODE,
  MAX_PREFERRED_TPDU_UNITS,
  MAX_TPDU_SIZE,
  MAX_TPDU_SIZE_CODE,
  MIN_TPDU_SIZE_CODE,
  PREFERRED_TPDU_SIZE_UNIT,
} from './tpdu-codes';

/** The classes `CotpConnection` runs. */
export type CotpClass = 0 | 2;

/** What both ends agreed on. */
export interface CotpAgreement {
  /** The class both ends run. */
  protocolClass: CotpClass;
  /** Maximum TPDU size in octets (TPDU header included, TPKT header not), both directions. */
  maxTpduSize: number;
  /**
   * When larger than `maxTpduSize`: the largest TPDU accepted from the peer. Set only when a CC
   * states both C0 and F0 (a stack echoing the CR): this end sends TPDUs of the smaller size and
   * accepts the larger, whichever the peer took as agreed.
   */
  receiveTpduSize?: number;
  /** Transport expedited data (C6 bit 1). */
  expedited: boolean;
  /** Class 2 only: every ED is acknowledged by an EA, and nothing more is sent until it is (C6 bit 6). */
  expeditedAcknowledgement: boolean;
}

/** What the initiator offers in its CR. */
export interface CotpProposal {
  /** The class the CR asks for. */
  preferredClass: CotpClass;
  /** Put class 0 as the alternative (C7 00) when class 2 is preferred: accepting the loss of disconnect data. */
  allowClass0Fallback: boolean;
  /** Largest TPDU this end accepts, 128…65531. */
  maxTpduSize: number;
  /** Ask for transport expedited data (`C6` bit 1). */
  expedited: boolean;
  /** Class 2: ask for EAs acknowledging every ED (`C6` bit 6). */
  expeditedAcknowledgement: boolean;
}

/** What the responder is willing to select. */
export interface CotpResponderPolicy {
  /** Classes this end runs. */
  acceptedClasses: readonly CotpClass[];
  /** Largest TPDU this end accepts, 128…65531. */
  maxTpduSize: number;
  /** Grant transport expedited data when the CR asks for it. */
  expedited: boolean;
  /** Grant EAs for expedited data when a class-2 CR asks for them. */
  expeditedAcknowledgement: boolean;
}

/**
 * The CR parameters (besides TSAPs) for a proposal, and the size the initiator assumes if the CC
 * states none. A class-0-only CR states its size with C0 alone, at most 2048 (X.224's class-0
 * limit): that is the CR RFC 1006 peers know, and some of them (PLC stacks) echo every parameter
 * of the CR in their CC. F0 goes only into a CR that offers class 2.
 */
export function proposalParameters(p: CotpProposal): {
  /** The CR's variable part (TPDU size, additional options). */
  parameters: ConnectionParameters;
  /** The alternative classes (`C7`) to offer. */
  alternativeClasses: ProtocolClass[];
  /** The size offered (F0 if sent, else C0). The CC may not exceed it. */
  offeredTpduSize: number;
  /** 2^C0: the size assumed when a CC states no size (what a peer that ignores F0 agreed to). */
  fallbackTpduSize: number;
} {
  const mayBeClass0 = p.preferredClass === 0 || p.allowClass0Fallback;
  const sizeCode = Math.min(
    Math.floor(Math.log2(p.maxTpduSize)),
    mayBeClass0 ? MAX_CLASS0_TPDU_SIZE_CODE : MAX_TPDU_SIZE_CODE,
  );
  const parameters: ConnectionParameters = { tpduSizeCode: sizeCode };
  let offeredTpduSize = 2 ** sizeCode;
  // F0 only adds information when the local maximum is above what C0 can say.
  const units = Math.min(MAX_PREFERRED_TPDU_UNITS, Math.floor(p.maxTpduSize / PREFERRED_TPDU_SIZE_UNIT));
  if (p.preferredClass !== 0 && units * PREFERRED_TPDU_SIZE_UNIT > offeredTpduSize) {
    parameters.preferredMaxTpduUnits = units;
    offeredTpduSize = units * PREFERRED_TPDU_SIZE_UNIT;
  }
  const options = requestedOptions(p);
  // RFC 2126's default for an absent C6 is non-use, but X.224's default differs: a class-2 CR says it explicitly.
  if (options !== 0 || p.preferredClass === 2) parameters.additionalOptions = options;
  const alternativeClasses: ProtocolClass[] = p.preferredClass === 2 && p.allowClass0Fallback ? [0] : [];
  return { parameters, alternativeClasses, offeredTpduSize, fallbackTpduSize: 2 ** sizeCode };
}

function requestedOptions(p: { expedited: boolean; expeditedAcknowledgement: boolean }): number {
  if (!p.expedited) return 0;
  return (
    AdditionalOptionBits.EXPEDITED_DATA |
    (p.expeditedAcknowledgement ? AdditionalOptionBits.EXPEDITED_ACK : 0)
  );
}

/** The responder's decision on a CR. */
export type ResponderNegotiation =
  | {
      /** The CR can be accepted. */
      ok: true;
      /** What the connection will run with. */
      agreement: CotpAgreement;
      /** The CC's variable part. */
      ccParameters: ConnectionParameters;
    }
  | {
      /** The CR must be refused. */
      ok: false;
      /** The DR reason to refuse it with (`DisconnectReason`). */
      reason: number;
      /** Why, for logs. */
      message: string;
    };

/**
 * Selects class, TPDU size and options for a CR. The class is the first of the CR's preferred and
 * alternative classes that this end runs (alternatives are ignored when class 0 is preferred,
 * X.224 13.3.4). Class 2 is always run with normal formats and no explicit flow control (`0x21`)
 * whatever the CR asked, since RFC 2126 §4.2.1 forbids explicit flow control.
 *
 * TPDU size (RFC 2126 §6.4: the CC always states it): the CR's F0 if present, else its C0, else
 * the RFC 1006 default 65531, capped by this end's maximum. The CC answers F0 if the CR had F0,
 * else C0 (at most 2^13, 2^11 in class 0).
 */
export function negotiateAsResponder(cr: CrTpdu, policy: CotpResponderPolicy): ResponderNegotiation {
  const preferred = cr.classOption.protocolClass;
  const candidates: ProtocolClass[] =
    preferred === 0 ? [0] : [preferred, ...(cr.parameters.alternativeClasses ?? [])];
  const chosen = candidates.find((c): c is CotpClass => (policy.acceptedClasses as number[]).includes(c));
  if (chosen === undefined) {
    return {
      ok: false,
      // 0x82 is a class 1–4 reason; a class-0 CR is refused with "reason not specified".
      reason: preferred === 0 ? DisconnectReason.NOT_SPECIFIED : DisconnectReason.NEGOTIATION_FAILED,
      message: `CR offers class ${candidates.join('/')}, this end runs class ${policy.acceptedClasses.join('/')}`,
    };
  }
  const p = cr.parameters;
  const sizeCodeCap = chosen === 0 ? MAX_CLASS0_TPDU_SIZE_CODE : MAX_TPDU_SIZE_CODE;
  let proposed: number;
  if (p.preferredMaxTpduUnits !== undefined) proposed = p.preferredMaxTpduUnits * PREFERRED_TPDU_SIZE_UNIT;
  else if (p.tpduSizeCode !== undefined) proposed = 2 ** p.tpduSizeCode;
  else proposed = MAX_TPDU_SIZE;
  const limit = Math.min(proposed, policy.maxTpduSize, MAX_TPDU_SIZE);
  const ccParameters: ConnectionParameters = {};
  if (p.callingTsap) ccParameters.callingTsap = p.callingTsap;
  if (p.calledTsap) ccParameters.calledTsap = p.calledTsap;
  let maxTpduSize: number;
  if (p.preferredMaxTpduUnits !== undefined) {
    const units = Math.max(
      1,
      Math.min(MAX_PREFERRED_TPDU_UNITS, Math.floor(limit / PREFERRED_TPDU_SIZE_UNIT)),
    );
    ccParameters.preferredMaxTpduUnits = units;
    maxTpduSize = units * PREFERRED_TPDU_SIZE_UNIT;
  } else {
    const code = Math.max(MIN_TPDU_SIZE_CODE, Math.min(sizeCodeCap, Math.floor(Math.log2(limit))));
    ccParameters.tpduSizeCode = code;
    maxTpduSize = 2 ** code;
  }
  const requested = cr.parameters.additionalOptions ?? 0;
  const expedited = policy.expedited && (requested & AdditionalOptionBits.EXPEDITED_DATA) !== 0;
  const expeditedAcknowledgement =
    chosen === 2 &&
    expedited &&
    policy.expeditedAcknowledgement &&
    (requested & AdditionalOptionBits.EXPEDITED_ACK) !== 0;
  if (cr.parameters.additionalOptions !== undefined) {
    ccParameters.additionalOptions =
      (expedited ? AdditionalOptionBits.EXPEDITED_DATA : 0) |
      (expeditedAcknowledgement ? AdditionalOptionBits.EXPEDITED_ACK : 0);
  }
  return {
    ok: true,
    agreement: { protocolClass: chosen, maxTpduSize, expedited, expeditedAcknowledgement },
    ccParameters,
  };
}

/** The initiator's verdict on a CC. */
export type ConfirmCheck =
  | {
      /** The CC is acceptable. */
      ok: true;
      /** What the connection will run with. */
      agreement: CotpAgreement;
    }
  | {
      /** The CC selects what the CR did not offer: a protocol error. */
      ok: false;
      /** Why, for logs. */
      message: string;
    };

/**
 * Checks a CC against the CR that was sent (X.224 13.4: the responder may only reduce what was
 * offered; RFC 2126 §7: a class-0 CC to a CR that did not offer class 0 is rejected).
 * A CC that states no size gets the CR's C0 size (what a peer that ignores F0 agreed to). A CC
 * that states both C0 and F0 — tosi and go-cotp reject it, but stacks that answer a CR by echoing
 * its parameters send it — is accepted when each size is within the offer: this end then sends
 * the smaller and accepts the larger (`receiveTpduSize`).
 */
export function checkConnectConfirm(
  cc: CcTpdu,
  proposal: CotpProposal,
  offered: { offeredTpduSize: number; fallbackTpduSize: number; sentPreferredSize: boolean },
): ConfirmCheck {
  const c = cc.classOption.protocolClass;
  const allowed: ProtocolClass[] = [proposal.preferredClass];
  if (proposal.preferredClass === 2 && proposal.allowClass0Fallback) allowed.push(0);
  if (!allowed.includes(c)) {
    return { ok: false, message: `CC selects class ${c}, the CR offered class ${allowed.join('/')}` };
  }
  const protocolClass = c as CotpClass;
  if (protocolClass === 2 && (cc.classOption.extendedFormats || !cc.classOption.noExplicitFlowControl)) {
    return {
      ok: false,
      message: 'CC selects extended formats or explicit flow control, which the CR did not offer',
    };
  }
  const p = cc.parameters;
  // Usually one of C0 and F0; both when a stack echoes the CR, and then both must fit the offer.
  const sizes: number[] = [];
  if (p.preferredMaxTpduUnits !== undefined) {
    if (!offered.sentPreferredSize) return { ok: false, message: 'CC states F0 but the CR did not' };
    sizes.push(p.preferredMaxTpduUnits * PREFERRED_TPDU_SIZE_UNIT);
  }
  if (p.tpduSizeCode !== undefined) {
    if (protocolClass === 0 && p.tpduSizeCode > MAX_CLASS0_TPDU_SIZE_CODE) {
      return { ok: false, message: `class-0 CC states TPDU size ${2 ** p.tpduSizeCode}, above 2048` };
    }
    sizes.push(2 ** p.tpduSizeCode);
  }
  if (sizes.length === 0) sizes.push(offered.fallbackTpduSize);
  for (const size of sizes) {
    if (size > offered.offeredTpduSize) {
      return {
        ok: false,
        message: `CC states TPDU size ${size}, above the ${offered.offeredTpduSize} offered`,
      };
    }
  }
  const maxTpduSize = Math.min(...sizes);
  const receiveTpduSize = Math.max(...sizes);
  const requested = requestedOptions(proposal);
  const selected = p.additionalOptions ?? 0;
  if ((selected & ~requested) !== 0) {
    return {
      ok: false,
      message: `CC selects additional options 0x${selected.toString(16)}, the CR offered 0x${requested.toString(16)}`,
    };
  }
  const expedited = (selected & AdditionalOptionBits.EXPEDITED_DATA) !== 0;
  return {
    ok: true,
    agreement: {
      protocolClass,
      maxTpduSize,
      ...(receiveTpduSize > maxTpduSize ? { receiveTpduSize } : {}),
      expedited,
      expeditedAcknowledgement:
        protocolClass === 2 && expedited && (selected & AdditionalOptionBits.EXPEDITED_ACK) !== 0,
    },
  };
}

/**
 * What the conformance suite derives from a provider's `XP1_*` service flags, and the gates that
 * decide — when jest collects the tests — whether a test runs or is skipped with a reason that
 * names the missing capability.
 * @module
 */

import {
  XP1_CONNECT_DATA,
  XP1_CONNECTIONLESS,
  XP1_DISCONNECT_DATA,
  XP1_EXPEDITED_DATA,
  XP1_GRACEFUL_CLOSE,
  XP1_MESSAGE_ORIENTED,
  XP1_PARTIAL_MESSAGE,
  XP1_PSEUDO_STREAM,
} from '../../constants/service-flags';
import type { UnavailableCapability } from './conformance-setup';

/** The service flags the suite decides on, by Windows name. */
const FLAGS = {
  XP1_CONNECTIONLESS,
  XP1_MESSAGE_ORIENTED,
  XP1_PSEUDO_STREAM,
  XP1_GRACEFUL_CLOSE,
  XP1_EXPEDITED_DATA,
  XP1_CONNECT_DATA,
  XP1_DISCONNECT_DATA,
  XP1_PARTIAL_MESSAGE,
} as const;

/** A service flag the suite reads, by name. */
export type ServiceFlagName = keyof typeof FLAGS;

/** Whether a test runs; when it does not, the reason printed in its title. */
export type Gate =
  | {
      /** The test applies: run it. */
      readonly runs: true;
    }
  | {
      /** The test does not apply to this provider. */
      readonly runs: false;
      /** Why, for the skip message. */
      readonly reason: string;
    };

const RUNS: Gate = { runs: true };

/**
 * The provider under test, as its service flags describe it.
 *
 * @example
 * const capabilities = new ProviderCapabilities(info.dwServiceFlags1, { XP1_EXPEDITED_DATA: 'no urgent data on this transport' });
 * capabilities.requires('XP1_GRACEFUL_CLOSE');   // { runs: true }, or { runs: false, reason }
 */
export class ProviderCapabilities {
  constructor(
    /** `dwServiceFlags1` as the setup declared it. */
    readonly serviceFlags: number,
    private readonly unavailable: Partial<Record<UnavailableCapability, string>> = {},
  ) {}

  /** True when the flag is declared (whether or not this transport can deliver it). */
  declares(name: ServiceFlagName): boolean {
    return (this.serviceFlags & FLAGS[name]) !== 0;
  }

  /** True when the flag is declared and not listed as unavailable by the setup. */
  has(name: ServiceFlagName): boolean {
    return this.declares(name) && this.unavailableReason(name) === undefined;
  }

  /** Datagram service (`XP1_CONNECTIONLESS`). */
  get connectionless(): boolean {
    return this.declares('XP1_CONNECTIONLESS');
  }

  /** Receives keep message boundaries: `XP1_MESSAGE_ORIENTED` without `XP1_PSEUDO_STREAM`. */
  get messageOriented(): boolean {
    return this.declares('XP1_MESSAGE_ORIENTED') && !this.declares('XP1_PSEUDO_STREAM');
  }

  /** Runs for connection-oriented providers only. */
  get connectionOriented(): Gate {
    return this.connectionless ? skip('provider is connectionless (XP1_CONNECTIONLESS)') : RUNS;
  }

  /** Runs for connectionless (datagram) providers only. */
  get datagram(): Gate {
    return this.connectionless ? RUNS : skip('provider lacks XP1_CONNECTIONLESS (connection-oriented)');
  }

  /** Runs for connection-oriented byte-stream providers only. */
  get byteStream(): Gate {
    if (this.connectionless) return this.connectionOriented;
    return this.messageOriented ? skip('provider is message-oriented (XP1_MESSAGE_ORIENTED)') : RUNS;
  }

  /** Runs for connection-oriented message-oriented providers only. */
  get messageStream(): Gate {
    if (this.connectionless) return this.connectionOriented;
    return this.messageOriented ? RUNS : skip('provider lacks XP1_MESSAGE_ORIENTED (byte stream)');
  }

  /** Runs when the provider has `name` (declared and available). */
  requires(name: ServiceFlagName): Gate {
    if (!this.declares(name)) return skip(`provider lacks ${name}`);
    const reason = this.unavailableReason(name);
    return reason === undefined ? RUNS : skip(`${name} unavailable: ${reason}`);
  }

  /** Runs when the provider does not have `name` (not declared, or declared but unavailable): the refusal tests. */
  refuses(name: ServiceFlagName): Gate {
    return this.has(name) ? skip(`provider has ${name}`) : RUNS;
  }

  /**
   * Runs when the provider can hold a caller until the accept condition has answered: it carries
   * connect data (it must, to answer with callee data), or `SO_CONDITIONAL_ACCEPT` is not
   * declared unavailable.
   */
  get conditionalAccept(): Gate {
    if (this.connectionless) return this.connectionOriented;
    if (this.has('XP1_CONNECT_DATA')) return RUNS;
    const reason = this.unavailableReason('SO_CONDITIONAL_ACCEPT');
    return reason === undefined ? RUNS : skip(`SO_CONDITIONAL_ACCEPT unavailable: ${reason}`);
  }

  /** Runs for connection-oriented providers with a graceful close that keeps the other direction open. */
  get halfClose(): Gate {
    const graceful = allOf(this.connectionOriented, this.requires('XP1_GRACEFUL_CLOSE'));
    if (!graceful.runs) return graceful;
    const reason = this.unavailableReason('half-close');
    return reason === undefined ? RUNS : skip(`half-close unavailable: ${reason}`);
  }

  /** Runs for half-close providers whose transport notices a reset that follows the peer's graceful close. */
  get resetAfterPeerClose(): Gate {
    const half = this.halfClose;
    if (!half.runs) return half;
    const reason = this.unavailableReason('reset-after-peer-close');
    return reason === undefined ? RUNS : skip(`reset after the peer's close unavailable: ${reason}`);
  }

  /** Runs for connection-oriented providers whose graceful close ends both directions (no half-close). */
  get closeEndsBothDirections(): Gate {
    const graceful = allOf(this.connectionOriented, this.requires('XP1_GRACEFUL_CLOSE'));
    if (!graceful.runs) return graceful;
    return this.unavailableReason('half-close') === undefined ? skip('provider supports half-close') : RUNS;
  }

  private unavailableReason(name: UnavailableCapability | ServiceFlagName): string | undefined {
    return (this.unavailable as Partial<Record<string, string>>)[name];
  }
}

/**
 * The first gate that skips, or "runs" when none does.
 *
 * @example
 * const gate = allOf(capabilities.connectionOriented, capabilities.requires('XP1_DISCONNECT_DATA'));
 * (gate.runs ? it : it.skip)(`carries disconnect data${gate.runs ? '' : ` (skipped: ${gate.reason})`}`, …);
 */
export function allOf(...gates: Gate[]): Gate {
  return gates.find((g) => !g.runs) ?? RUNS;
}

function skip(reason: string): Gate {
  return { runs: false, reason };
}

/**
 * What every sub-suite of the conformance suite is given: jest, the provider's capabilities, the
 * gated test declaration, the current test's harness, and the sizes of the large transfers.
 * @module
 */

import { WSAEDISCON } from '../../constants/error-codes';
import type { CallOutcome, ConformanceHarness } from './conformance-harness';
import { failsWith, succeeds } from './conformance-harness';
import type { Expect, GatedTest, JestApi } from './jest-api';
import type { ProviderCapabilities } from './provider-capabilities';

/** Sizes of the suite's bulk transfers. */
export interface TransferSizes {
  /** Bytes of a large byte-stream transfer. */
  largeTransferBytes: number;
  /** Messages of a large message-oriented transfer. */
  messageCount: number;
  /** Datagrams queued at once in the datagram boundary test. */
  datagramCount: number;
}

/** The tools a sub-suite declares its tests with. */
export interface SuiteTools {
  jest: JestApi;
  expect: Expect;
  caps: ProviderCapabilities;
  test: GatedTest;
  /** The harness of the running test (valid inside a test body only). */
  h(): ConformanceHarness;
  sizes: TransferSizes;
}

/** A sub-suite: declares its tests (inside the suite's `describe`). */
export type SubSuite = (tools: SuiteTools) => void;

/**
 * How a receive sees the peer's graceful close: 0 on a byte stream, `WSAEDISCON` on a
 * message-oriented protocol (MSDN recv: "the virtual circuit was gracefully closed by the remote side").
 */
export function endOfData(caps: ProviderCapabilities): CallOutcome {
  return caps.messageOriented ? failsWith(WSAEDISCON) : succeeds(0);
}

/**
 * Whether a send after the peer's graceful close matches a protocol whose close ends both
 * directions: message-oriented protocols say `WSAEDISCON` (MSDN WSASend: "the virtual circuit was
 * gracefully closed by the remote side"); a byte stream without half-close must at least fail.
 */
export function isRefusedAfterPeerClose(caps: ProviderCapabilities, r: CallOutcome): boolean {
  if (caps.messageOriented) return r.rc === -1 && r.error === 'WSAEDISCON';
  return r.rc === -1;
}

/** Just the return value and error of an outcome (drops received bytes), for comparisons. */
export function outcomeOf(r: CallOutcome): CallOutcome {
  return { rc: r.rc, error: r.error };
}

/**
 * The jest functions the conformance suite declares its tests with, loaded when the suite is
 * declared rather than when `@ws2spi/spi/testing` is imported: `@jest/globals` throws when it is
 * imported outside a jest run, and the rest of the testing entry point (SimNetwork, the in-memory
 * provider) must stay usable from plain Node.
 * @module
 */

import type * as JestGlobals from '@jest/globals';
import type { Gate } from './provider-capabilities';

/** The part of `@jest/globals` the suite uses. */
export type JestApi = Pick<typeof JestGlobals, 'describe' | 'it' | 'expect' | 'beforeEach' | 'afterEach'>;

/** The jest `expect` the suite asserts with. */
export type Expect = JestApi['expect'];

/** Loads `@jest/globals`; only call this while jest is collecting tests. */
export function loadJestApi(): JestApi {
  return require('@jest/globals') as typeof JestGlobals;
}

/** Declares a test that runs or is skipped by its gate; a skipped test's title starts with `[skipped: reason]`. */
export type GatedTest = (gate: Gate, title: string, body: () => Promise<void>) => void;

/** A `GatedTest` over jest's `it` / `it.skip`, with the given per-test timeout. */
export function gatedTest(jest: JestApi, timeoutMs: number): GatedTest {
  return (gate, title, body) => {
    if (gate.runs) jest.it(title, body, timeoutMs);
    else jest.it.skip(`[skipped: ${gate.reason}] ${title}`, body);
  };
}

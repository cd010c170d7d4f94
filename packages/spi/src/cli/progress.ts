/**
 * Progress of a long operation (`catalog verify`, `catalog reset` on a catalog of thousands of
 * entries) on one rewritten line of stderr — only when stderr is a terminal, so pipes, logs and
 * `--json` consumers never see it. The catalog work is synchronous, so nothing can tick on a
 * timer: the operation reports its own steps, and the line is redrawn at most every
 * `intervalMs` (writes to a terminal are synchronous in Node, so it shows at once).
 * @module
 */

import { escapeMessage } from './terminal-text';

/** Erase the current line and return to its start. */
const CLEAR_LINE = '\r\x1b[2K';

/** A progress line; every method does nothing when it is disabled. */
export class Progress {
  #shown = false;
  #lastDraw = Number.NEGATIVE_INFINITY;
  readonly #started: number;

  constructor(
    private readonly write: (text: string) => void,
    /** True when stderr is a terminal. */
    readonly enabled: boolean,
    private readonly now: () => number = Date.now,
    private readonly intervalMs = 100,
  ) {
    this.#started = now();
  }

  /**
   * Shows `text` (a phase, with a count where there is one) and the time taken so far. A new
   * phase (`force`) always draws; repeated updates within `intervalMs` are skipped.
   */
  update(text: string, force = false): void {
    if (!this.enabled) return;
    const now = this.now();
    if (!force && now - this.#lastDraw < this.intervalMs) return;
    this.#lastDraw = now;
    const seconds = ((now - this.#started) / 1000).toFixed(1);
    this.write(`${CLEAR_LINE}ws2spi: ${escapeMessage(text)} (${seconds}s)`);
    this.#shown = true;
  }

  /** Removes the line, so what follows starts on a clean one. */
  done(): void {
    if (!this.#shown) return;
    this.write(CLEAR_LINE);
    this.#shown = false;
  }
}

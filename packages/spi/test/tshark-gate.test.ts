/**
 * The tshark gate of `@ws2spi/spi/testing`: a capture test is skipped with the precise reason when
 * tshark is missing or cannot capture on `lo`, and fails with that reason instead under
 * `WS2SPI_REQUIRE_TSHARK=1`; a decode-only test needs tshark installed, not capture permission.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tsharkCaptureSkipReason, tsharkGate, tsharkRequired, tsharkSkipReason } from '@ws2spi/spi/testing';

const MISSING = '/nonexistent/ws2spi/tshark';

describe('tsharkSkipReason', () => {
  it('says "tshark not installed" for both needs when the binary does not exist', () => {
    expect(tsharkSkipReason('decode', { command: MISSING })).toBe('tshark not installed');
    expect(tsharkSkipReason('capture', { command: MISSING })).toBe('tshark not installed');
    expect(tsharkCaptureSkipReason({ command: MISSING })).toBe('tshark not installed');
  });

  it('skips with the reason, or fails with it when WS2SPI_REQUIRE_TSHARK=1', () => {
    expect(tsharkGate('capture', { command: MISSING, required: false })).toEqual({
      kind: 'skip',
      reason: 'tshark not installed',
    });
    expect(tsharkGate('decode', { command: MISSING, required: true })).toEqual({
      kind: 'fail',
      reason: 'tshark not installed',
    });
    expect(tsharkRequired({ WS2SPI_REQUIRE_TSHARK: '1' })).toBe(true);
    expect(tsharkRequired({ WS2SPI_REQUIRE_TSHARK: '0' })).toBe(false);
    expect(tsharkRequired({})).toBe(false);
  });
});

/**
 * tshark run as `nobody` (through setpriv): installed, so decoding works, but without the right to
 * capture — the situation of a developer's non-root account. Needs root (to drop to `nobody`),
 * setpriv and tshark.
 */
function unprivilegedTsharkSkipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root: cannot run tshark as another user';
  if (spawnSync('setpriv', ['--version'], { stdio: 'ignore' }).status !== 0) return 'setpriv not installed';
  return tsharkSkipReason('decode');
}

const unprivilegedSkip = unprivilegedTsharkSkipReason();

(unprivilegedSkip ? describe.skip : describe)(
  `tshark without capture permission${unprivilegedSkip ? ` (skipped: ${unprivilegedSkip})` : ''}`,
  () => {
    let directory: string;
    let wrapper: string;

    beforeAll(() => {
      directory = mkdtempSync(join(tmpdir(), 'ws2spi-tshark-gate-'));
      chmodSync(directory, 0o755);
      wrapper = join(directory, 'tshark-as-nobody');
      writeFileSync(
        wrapper,
        '#!/bin/sh\nexec setpriv --reuid=65534 --regid=65534 --clear-groups tshark "$@"\n',
        { mode: 0o755 },
      );
    });

    afterAll(() => {
      rmSync(directory, { recursive: true, force: true });
    });

    it('is fine for decoding, and the capture gate names the missing permission', () => {
      // HOME away from root's, which nobody cannot read: tshark would only complain about its profile.
      const options = { command: wrapper, env: { ...process.env, HOME: directory } };
      expect(tsharkSkipReason('decode', options)).toBeUndefined();
      const reason = tsharkSkipReason('capture', options);
      expect(reason).toMatch(/permission/);
      expect(tsharkGate('capture', { ...options, required: false })).toEqual({ kind: 'skip', reason });
      expect(tsharkGate('capture', { ...options, required: true })).toEqual({ kind: 'fail', reason });
    });
  },
);

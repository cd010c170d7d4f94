/**
 * Child processes run the compiled examples, so the tests that spawn them build `examples` first
 * (`tsc -b examples`: a no-op taking a fraction of a second when dist is current; CI has built
 * already), under the same lock file as the other build-before-spawn tests, so two jest workers
 * never write a dist at the same time.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { withFileLock } from '../../../packages/spi/src/catalog/file-lock';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
/** The compiled entry point of the WSK echo example. */
export const WSK_ECHO_MAIN = path.join(REPO_ROOT, 'examples', 'dist', 'wsk-echo.js');

/** Builds the examples (and what they depend on) if needed. */
export function ensureExamplesBuilt(): void {
  withFileLock(
    path.join(tmpdir(), 'ws2spi-spi-build.lock'),
    () => {
      const tsc = path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
      let output = '';
      try {
        execFileSync(process.execPath, [tsc, '-b', path.join(REPO_ROOT, 'examples')], {
          cwd: REPO_ROOT,
          stdio: 'pipe',
          timeout: 180_000,
        });
      } catch (error) {
        const failure = error as { stdout?: Buffer; stderr?: Buffer };
        output = `${failure.stdout ?? ''}${failure.stderr ?? ''}`;
      }
      if (!fs.existsSync(WSK_ECHO_MAIN))
        throw new Error(`tsc -b examples did not produce ${WSK_ECHO_MAIN}:\n${output}`);
    },
    { timeoutMs: 240_000, staleMs: 240_000 },
  );
}

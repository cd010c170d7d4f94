/**
 * What the repository-level tests share: where the repository is, building the packages they run
 * compiled, and running a command bounded in time with its output kept for the failure message.
 */
import { execFileSync, type SpawnSyncReturns, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { withFileLock } from '../../packages/spi/src/catalog/file-lock';

/** The repository root. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The three published packages: directory under `packages/` and package name. */
export const PUBLISHED_PACKAGES = [
  { dir: 'spi', name: '@ws2spi/spi' },
  { dir: 'providers-tcp', name: '@ws2spi/providers-tcp' },
  { dir: 'providers-osi', name: '@ws2spi/providers-osi' },
] as const;

/** The repository's own TypeScript (7, native) compiler. */
export const TSC = path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/**
 * Builds the three packages (`tsc -b`; a no-op when dist is current, and CI has built already)
 * under the lock the package tests' `ensureSpiBuilt` uses, so two jest workers never write dist at
 * once. Throws with tsc's output when it fails.
 */
export function ensurePackagesBuilt(): void {
  withFileLock(
    path.join(tmpdir(), 'ws2spi-spi-build.lock'),
    () => {
      const projects = PUBLISHED_PACKAGES.map(({ dir }) => path.join(REPO_ROOT, 'packages', dir));
      try {
        execFileSync(process.execPath, [TSC, '-b', ...projects], {
          cwd: REPO_ROOT,
          stdio: 'pipe',
          timeout: 120_000,
        });
      } catch (error) {
        const failure = error as { stdout?: Buffer; stderr?: Buffer };
        throw new Error(`tsc -b of the packages failed:\n${failure.stdout ?? ''}${failure.stderr ?? ''}`);
      }
    },
    { timeoutMs: 180_000, staleMs: 180_000 },
  );
}

/** The outcome of `run`. */
export interface CommandResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `command args` in `cwd`, bounded by `timeoutMs`, and returns its status and output. A
 * command that cannot start or runs out of time throws, naming the command and what it printed.
 */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; timeoutMs?: number; env?: NodeJS.ProcessEnv },
): CommandResult {
  const result: SpawnSyncReturns<string> = spawnSync(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  if (result.error) {
    throw new Error(
      `${command} ${args.join(' ')} (in ${options.cwd}) failed to run: ${result.error.message}\n${result.stdout ?? ''}${result.stderr ?? ''}`,
    );
  }
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `run`, throwing with the command's output unless it exits with status 0. */
export function runOk(
  command: string,
  args: readonly string[],
  options: { cwd: string; timeoutMs?: number; env?: NodeJS.ProcessEnv },
): CommandResult {
  const result = run(command, args, options);
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} (in ${options.cwd}) exited with ${result.status}:\n${result.stdout}${result.stderr}`,
    );
  }
  return result;
}

/** A fresh temporary directory, removed by the returned function. */
export function temporaryDirectory(prefix: string): { dir: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

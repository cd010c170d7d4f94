/**
 * The README's code sample runs as written: the block is taken from README.md, its types stripped
 * (swc, nothing else changed), and run as an ES module by Node against the built packages, in a
 * process of its own that must end by itself — so the sample's own listener and `WSACleanup` are
 * what let it finish. (`published-packages.test.ts` type-checks the same block against the packed
 * packages.)
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { transformSync } from '@swc/core';
import { readmeSample } from './support/readme-sample';
import { ensurePackagesBuilt, REPO_ROOT, run } from './support/repository';

let program: string;

beforeAll(() => {
  ensurePackagesBuilt();
  // Inside the repository (in the git-ignored .tmp/), so '@ws2spi/spi' resolves as in a project.
  const directory = path.join(REPO_ROOT, '.tmp');
  fs.mkdirSync(directory, { recursive: true });
  program = path.join(directory, `readme-sample-${process.pid}.mjs`);
  const { code } = transformSync(readmeSample(), {
    filename: 'sample.mts',
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'es6' },
    isModule: true,
  });
  fs.writeFileSync(program, code);
}, 180_000);

afterAll(() => {
  if (program) fs.rmSync(program, { force: true });
});

it('prints WSAENOPROTOOPT for disconnect data on TCP, then the end of the stream, and exits by itself', () => {
  const result = run(process.execPath, [program], { cwd: REPO_ROOT, timeoutMs: 30_000 });
  expect(result.stderr).toBe('');
  expect(result.stdout.trimEnd().split('\n')).toEqual([
    expect.stringMatching(
      /^WsaError: \[WSAENOPROTOOPT\] WSASendDisconnect 127\.0\.0\.1:\d+ - Local \(127\.0\.0\.1:\d+\)$/,
    ),
    'Uint8Array(0) []',
  ]);
  expect(result.status).toBe(0);
});

/**
 * The README's "A first program" code sample, taken from README.md itself so the tests that run and
 * type-check it can never drift from what a reader copies.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './repository';

/** The heading of the README section whose first `ts` block is the sample. */
export const README_SAMPLE_SECTION = '## A first program';

/** The TypeScript of the sample, exactly as README.md shows it. */
export function readmeSample(readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8')): string {
  const start = readme.indexOf(`\n${README_SAMPLE_SECTION}\n`);
  if (start < 0) throw new Error(`README.md has no "${README_SAMPLE_SECTION}" section`);
  const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(start));
  if (!block) throw new Error(`README.md's "${README_SAMPLE_SECTION}" section has no \`\`\`ts block`);
  return block[1];
}

import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { sharedReferencePath, snapshotReferencePath } from './support/winsock-reference';

const shared = sharedReferencePath();

describe('the winsock-spi.md snapshot the constants tests fall back to', () => {
  it('exists', () => {
    expect(existsSync(snapshotReferencePath())).toBe(true);
  });

  (existsSync(shared) ? it : it.skip)(
    `${existsSync(shared) ? '' : '[skipped: no shared reference beside the repository to compare with] '}is identical to the shared reference (refresh it with: cp ../shared/reference/winsock-spi.md packages/spi/test/fixtures/reference/)`,
    () => {
      expect(readFileSync(snapshotReferencePath(), 'utf8')).toBe(readFileSync(shared, 'utf8'));
    },
  );
});

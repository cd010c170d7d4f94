/**
 * The code in the docs is the code the tests run: every block of the guides, the architecture page
 * and packages/spi/README.md marked `<!-- include: file -->` is that file, whole, and the Mermaid
 * diagram marked `<!-- diagram: file -->` is the one that file's test expects
 * (`node scripts/sync-docs.js` rewrites them). The testing guide's jest configuration compiles and
 * loads what the repository's own does. Every guide in docs/guides is one of the documents kept.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from '@jest/globals';

const ROOT = join(__dirname, '../..');
const syncDocs = require(join(ROOT, 'scripts/sync-docs.js')) as {
  DOCUMENTS: string[];
  blocks(): { document: string; kind: string; path: string }[];
  drifted(): { document: string; path: string }[];
};

it('keeps every included block equal to its file (node scripts/sync-docs.js fixes them)', () => {
  const blocks = syncDocs.blocks();
  expect(blocks.map((b) => `${b.document} ← ${b.path}`)).toEqual(
    expect.arrayContaining([
      'docs/guides/testing-with-layered-providers.md ← examples/test/guide/three-layers-tcp.test.ts',
      'docs/guides/testing-with-layered-providers.md ← examples/test/guide/three-layers-osi.test.ts',
      'docs/guides/testing-with-layered-providers.md ← examples/test/guide/simnetwork.test.ts',
      'docs/guides/testing-with-layered-providers.md ← examples/test/pictures/mermaid-diagram.test.ts',
      'packages/spi/README.md ← examples/test/readme-quick-start.test.ts',
      'docs/architecture.md ← examples/test/guide/architecture/send-disconnect-diagram.test.ts',
      'docs/guides/writing-a-base-provider.md ← examples/test/guide/base-provider/framed-provider.ts',
      'docs/guides/writing-a-base-provider.md ← examples/test/guide/base-provider/framed-provider.test.ts',
      'docs/guides/writing-a-base-provider.md ← examples/test/guide/base-provider/framed-provider-conformance.test.ts',
      'docs/guides/writing-a-layer.md ← examples/test/guide/layer/byte-meter-layer.ts',
      'docs/guides/writing-a-layer.md ← examples/test/guide/layer/install-layer.ts',
      'docs/guides/writing-a-layer.md ← examples/test/guide/layer/writing-a-layer.test.ts',
      'docs/guides/iso-transport.md ← examples/test/guide/iso/iso-transport.test.ts',
      'docs/guides/iso-transport.md ← examples/test/guide/iso/on-the-wire.test.ts',
      'docs/guides/wsk.md ← examples/test/guide/wsk/greeting-client.ts',
      'docs/guides/wsk.md ← examples/test/guide/wsk/wsk-over-tcp.test.ts',
      'docs/guides/wsk.md ← examples/test/guide/wsk/wsk-in-memory.test.ts',
      'docs/guides/wsk.md ← examples/test/guide/wsk/wsk-irql-and-verifier.test.ts',
      'docs/architecture.md ← examples/test/guide/wsk/wsk-disconnect-path.test.ts',
    ]),
  );
  expect(syncDocs.drifted().map((b) => `${b.document} ← ${b.path}`)).toEqual([]);
});

it('gives a jest configuration that compiles tests as the repository does', () => {
  const guide = readFileSync(join(ROOT, 'docs/guides/testing-with-layered-providers.md'), 'utf8');
  const code = guide.match(/<!-- jest-config -->\n```js\n([\s\S]*?)```/)?.[1];
  expect(code).toBeDefined();
  const module = { exports: {} as Record<string, unknown> };
  new Function('module', code as string)(module);
  const ours = require(join(ROOT, 'jest.config.js')) as Record<string, unknown>;
  expect(module.exports.transform).toEqual(ours.transform);
  expect(module.exports.setupFiles).toEqual(ours.setupFiles);
  expect(module.exports.testEnvironment).toEqual(ours.testEnvironment);
});

it('keeps every guide in sync: each one in docs/guides is a document sync-docs.js checks', () => {
  const guides = readdirSync(join(ROOT, 'docs/guides')).filter((name) => name.endsWith('.md'));
  expect(guides.length).toBeGreaterThanOrEqual(4);
  for (const guide of guides) expect(syncDocs.DOCUMENTS).toContain(`docs/guides/${guide}`);
});

it('cites nothing outside the repository', () => {
  for (const document of syncDocs.DOCUMENTS) {
    expect(readFileSync(join(ROOT, document), 'utf8')).not.toMatch(/\/work\/|\.\.\/shared|§/);
  }
});

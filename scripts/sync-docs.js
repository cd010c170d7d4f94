#!/usr/bin/env node
// Keeps the code in the docs the code the tests run. A fenced block after
//   <!-- include: examples/test/guide/three-layers-tcp.test.ts -->
// is that file, whole; a ```mermaid block after
//   <!-- diagram: examples/test/pictures/mermaid-diagram.test.ts -->
// is the `sequenceDiagram …` the file's test expects; a ```js block after
//   <!-- jest-config -->
// is checked by the tests against the repository's jest.config.js.
//
//   node scripts/sync-docs.js          rewrite the blocks from the files
//   node scripts/sync-docs.js --check  list blocks that drifted (exit 1 if any)
//
// The test suite runs the check (examples/test/docs-in-sync.test.ts).

const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
/** The documents whose code blocks come from files. */
const DOCUMENTS = [
  'docs/architecture.md',
  'docs/guides/iso-transport.md',
  'docs/guides/testing-with-layered-providers.md',
  'docs/guides/writing-a-base-provider.md',
  'docs/guides/writing-a-layer.md',
  'docs/guides/wsk.md',
  'packages/spi/README.md',
];

const BLOCK = /<!-- (include|diagram): (\S+) -->\n```(\w+)\n([\s\S]*?)```\n/g;

/** The Mermaid text a test file expects: the template literal that starts with `sequenceDiagram`. */
function diagramOf(source, path) {
  const start = source.indexOf('`sequenceDiagram');
  const end = source.indexOf('`', start + 1);
  if (start < 0 || end < 0) throw new Error(`${path}: no \`sequenceDiagram …\` template literal`);
  return source.slice(start + 1, end);
}

/** What the block marked `kind: path` must contain. */
function expected(kind, path) {
  const source = readFileSync(join(ROOT, path), 'utf8');
  return kind === 'include' ? `${source.trimEnd()}\n` : diagramOf(source, path);
}

/** Every marked block of every document: where it is, and whether it matches its file. */
function blocks() {
  const found = [];
  for (const document of DOCUMENTS) {
    const text = readFileSync(join(ROOT, document), 'utf8');
    for (const match of text.matchAll(BLOCK)) {
      const [, kind, path, , content] = match;
      found.push({ document, kind, path, content, expected: expected(kind, path) });
    }
  }
  return found;
}

/** The blocks whose content is not their file's. */
function drifted() {
  return blocks().filter((block) => block.content !== block.expected);
}

/** Rewrites every marked block from its file. */
function sync() {
  for (const document of DOCUMENTS) {
    const path = join(ROOT, document);
    const text = readFileSync(path, 'utf8');
    const updated = text.replace(
      BLOCK,
      (_whole, kind, file, language) =>
        `<!-- ${kind}: ${file} -->\n\`\`\`${language}\n${expected(kind, file)}\`\`\`\n`,
    );
    if (updated !== text) writeFileSync(path, updated);
  }
}

module.exports = { DOCUMENTS, blocks, drifted, sync };

if (require.main === module) {
  if (process.argv.includes('--check')) {
    const stale = drifted();
    for (const block of stale) console.error(`${block.document}: the block from ${block.path} differs`);
    process.exit(stale.length > 0 ? 1 : 0);
  }
  sync();
}

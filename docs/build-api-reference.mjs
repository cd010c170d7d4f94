// `pnpm run docs` (pnpm's own `pnpm docs` opens a package's web page): the API reference of the public entry points (@ws2spi/spi, @ws2spi/spi/testing, @ws2spi/spi/wsk,
// @ws2spi/providers-tcp, @ws2spi/providers-osi) into docs/api, with typedoc and this package's own
// TypeScript 5.9 (the build's TypeScript 7 has no JavaScript compiler API for typedoc).
//
// Any typedoc warning or error fails the build. Most will be an export without JSDoc
// (validation.notDocumented): those are listed again at the end, grouped by file, so whoever added
// the export sees what to document. (typedoc's own treatWarningsAsErrors stops validating part
// way, so it stays off and this script counts the warnings instead.)
//
// undocumented-exports.json lists the exports that were undocumented when this check came in
// (typedoc's intentionallyNotDocumented): they do not fail the build, but a name there that is
// documented (or gone) does, so the list only shrinks. Never add to it.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const typedoc = join(
  dirname(createRequire(import.meta.url).resolve('typedoc/package.json')),
  'bin',
  'typedoc',
);

const child = spawn(process.execPath, [typedoc, '--options', join(here, 'typedoc.json')], {
  cwd: here,
  stdio: ['ignore', 'pipe', 'pipe'],
});

let output = '';
for (const stream of [child.stdout, child.stderr]) {
  stream.setEncoding('utf8');
  stream.on('data', (text) => {
    output += text;
    (stream === child.stdout ? process.stdout : process.stderr).write(text);
  });
}

child.on('close', (status, signal) => {
  // typedoc colours its level tags; the names and files are plain text between them.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing escape sequences is the point.
  const plain = output.replace(/\x1b\[[0-9;]*m/g, '');
  const undocumented = new Map();
  for (const match of plain.matchAll(
    /^\[warning\] (.+?) \((\w+)\), defined in (.+?), does not have any documentation$/gm,
  )) {
    const [, name, kind, file] = match;
    if (!undocumented.has(file)) undocumented.set(file, []);
    undocumented.get(file).push(`${name} (${kind})`);
  }
  if (undocumented.size > 0) {
    const count = [...undocumented.values()].reduce((n, names) => n + names.length, 0);
    console.error(
      `\npnpm run docs: ${count} exported ${count === 1 ? 'member has' : 'members have'} no JSDoc. Document each one ` +
        '(name the Windows function or structure it models, where there is one):',
    );
    for (const [file, names] of [...undocumented].sort(([a], [b]) => a.localeCompare(b))) {
      console.error(`  ${file}\n    ${names.join('\n    ')}`);
    }
  }
  const warnings = (plain.match(/^\[(warning|error)\] (?!Found \d+ errors)/gm) ?? []).length;
  if (/intentionally not documented/i.test(plain)) {
    console.error(
      '\npnpm run docs: names in docs/undocumented-exports.json are documented now (or gone): delete them from that list.',
    );
  }
  if (warnings > 0 && status === 0) {
    console.error(`\npnpm run docs failed: ${warnings} typedoc warnings (see above).`);
    process.exitCode = 1;
  }
  if (status !== 0 || signal) {
    console.error(
      `\npnpm run docs failed (typedoc ${signal ? `killed by ${signal}` : `exited with ${status}`}).`,
    );
    process.exitCode = 1;
  }
});

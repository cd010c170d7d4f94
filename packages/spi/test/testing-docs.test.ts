/**
 * Every helper `@ws2spi/spi/testing` exports — each function and class — shows how it is used: an
 * `@example` in the JSDoc right above its declaration (what editors show on hover, and typedoc
 * renders).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, it } from '@jest/globals';
import * as testing from '@ws2spi/spi/testing';

const root = join(__dirname, '../src/testing');

function sources(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

it('gives every exported function and class of @ws2spi/spi/testing an @example', () => {
  const files = sources(root).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
  const helpers = Object.entries(testing)
    .filter(([, value]) => typeof value === 'function')
    .map(([name]) => name);
  expect(helpers.length).toBeGreaterThan(40);
  const missing = helpers.filter((name) => {
    const declaration = new RegExp(
      `export (?:declare )?(?:abstract )?(?:async )?(?:function\\*? |class )${name}\\b`,
    );
    const file = files.find(({ text }) => declaration.test(text));
    if (!file) return true;
    const before = file.text.slice(0, file.text.search(declaration)).trimEnd();
    const doc = before.endsWith('*/') ? before.slice(before.lastIndexOf('/**')) : '';
    return !doc.includes('@example');
  });
  expect(
    missing.map(
      (name) =>
        `${name} (${relative(root, files.find(({ text }) => text.includes(` ${name}`))?.path ?? '?')})`,
    ),
  ).toEqual([]);
});

#!/usr/bin/env node
// A package's prepack step: removes the files in dist/ whose source in src/ is gone (a module
// deleted or renamed since the last build), so a tarball never ships them. tsc -b only ever adds
// and rewrites outputs; it does not delete them. Run in the package's directory.

const { existsSync, readdirSync, rmSync } = require('node:fs');
const { join, relative } = require('node:path');

const dist = join(process.cwd(), 'dist');
const src = join(process.cwd(), 'src');
const OUTPUT = /\.(d\.ts\.map|d\.ts|js\.map|js)$/;

function walk(directory) {
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      walk(path);
      if (readdirSync(path).length === 0) rmSync(path, { recursive: true });
      continue;
    }
    if (!OUTPUT.test(entry.name)) continue;
    const source = join(src, relative(dist, path).replace(OUTPUT, '.ts'));
    if (!existsSync(source)) {
      rmSync(path);
      console.log(`prepack: removed ${relative(process.cwd(), path)} (its source is gone)`);
    }
  }
}

if (existsSync(dist)) walk(dist);

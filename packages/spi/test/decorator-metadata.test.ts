/// <reference types="reflect-metadata" />
/**
 * Guard: tsyringe resolves constructor dependencies only from `design:paramtypes` metadata, which
 * a compiler emits only with `experimentalDecorators` + `emitDecoratorMetadata` (swc:
 * `legacyDecorator` + `decoratorMetadata`). esbuild-based runners and a mis-set transform drop it
 * silently, and every DI-built class then fails with "TypeInfo not known" at run time. This file
 * fails first, for both compilers the project uses: the jest transform (swc) and TypeScript 7's
 * `tsc`, which builds what ships.
 */

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { transformSync } from '@swc/core';
import { container, type InjectionToken } from 'tsyringe';
import { Dependency, NeedsDependency } from './fixtures/decorators/needs-dependency';
import { findRepoRoot } from './support/winsock-reference';

const FIXTURE = path.join(__dirname, 'fixtures', 'decorators', 'needs-dependency.ts');

/**
 * Runs CommonJS output in this test's realm with this file's `require`, so `tsyringe` and the
 * `Reflect` that reflect-metadata patched (jest setupFiles) are the same instances the test uses.
 */
function evaluateCommonJs(code: string): Record<string, unknown> {
  const module = { exports: {} as Record<string, unknown> };
  new Function('require', 'module', 'exports', code)(require, module, module.exports);
  return module.exports;
}

type Constructor = InjectionToken<unknown> & (abstract new (...args: never[]) => unknown);

/** Resolves `cls` from a fresh child container: nothing is registered, so only metadata can help. */
function resolveFresh<T>(cls: InjectionToken<T>): T {
  const child = container.createChildContainer();
  try {
    return child.resolve(cls);
  } finally {
    void child.dispose();
  }
}

describe('decorator metadata under the jest transform (swc)', () => {
  it('emits design:paramtypes for an @injectable() constructor', () => {
    const paramtypes: unknown = Reflect.getMetadata('design:paramtypes', NeedsDependency);
    expect(paramtypes).toEqual([Dependency]);
    expect((paramtypes as unknown[])[0]).toBe(Dependency);
  });

  it('lets a fresh child container inject the dependency without any registration', () => {
    const built = resolveFresh(NeedsDependency);
    expect(built).toBeInstanceOf(NeedsDependency);
    expect(built.dependency).toBeInstanceOf(Dependency);
    expect(built.dependency.label).toBe('dependency');
    // Unregistered classes are transient: a second resolve builds a second dependency.
    expect(resolveFresh(NeedsDependency).dependency).not.toBe(built.dependency);
  });

  it('is what makes resolution work: the same source without metadata fails as the pitfall says', () => {
    const compile = (decoratorMetadata: boolean) =>
      transformSync(readFileSync(FIXTURE, 'utf8'), {
        filename: FIXTURE,
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata },
          target: 'es2022',
          keepClassNames: true,
        },
        module: { type: 'commonjs' },
      }).code;

    const without = evaluateCommonJs(compile(false));
    expect(Reflect.getMetadata('design:paramtypes', without.NeedsDependency as object)).toBeUndefined();
    expect(() => resolveFresh(without.NeedsDependency as Constructor)).toThrow(
      /TypeInfo not known for "NeedsDependency"/,
    );

    const withMetadata = evaluateCommonJs(compile(true));
    const built = resolveFresh(withMetadata.NeedsDependency as Constructor) as { dependency: unknown };
    expect(built.dependency).toBeInstanceOf(withMetadata.Dependency as Constructor);
  });
});

describe('decorator metadata under TypeScript 7 tsc', () => {
  const repoRoot = findRepoRoot();
  const tsc = path.join(repoRoot, 'node_modules', '.bin', process.platform === 'win32' ? 'tsc.cmd' : 'tsc');
  let outDir: string;
  let emitted: string;

  beforeAll(() => {
    outDir = mkdtempSync(path.join(os.tmpdir(), 'ws2spi-decorator-metadata-'));
    // The repository's compiler options for decorators and modules (tsconfig.base.json), applied
    // to the one fixture file, emitted outside the tree.
    const tsconfig = {
      compilerOptions: {
        target: 'es2022',
        module: 'node16',
        moduleResolution: 'node16',
        strict: true,
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
        skipLibCheck: true,
        types: [],
        rootDir: path.dirname(FIXTURE),
        outDir,
      },
      files: [FIXTURE],
    };
    const project = path.join(outDir, 'tsconfig.json');
    writeFileSync(project, JSON.stringify(tsconfig));
    const run = spawnSync(tsc, ['-p', project], { encoding: 'utf8', timeout: 60_000 });
    if (run.status !== 0) {
      throw new Error(`tsc failed (status ${run.status}, ${run.error ?? ''}):\n${run.stdout}${run.stderr}`);
    }
    emitted = readFileSync(path.join(outDir, 'needs-dependency.js'), 'utf8');
  });

  afterAll(() => {
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('is TypeScript 7', () => {
    const version = spawnSync(tsc, ['-v'], { encoding: 'utf8', timeout: 30_000 });
    expect(version.stdout).toMatch(/^Version 7\./);
  });

  it('emits __metadata("design:paramtypes", [Dependency]) for the constructor', () => {
    expect(emitted).toContain('__metadata("design:paramtypes", [Dependency])');
    expect(emitted).toMatch(/__decorate\(\[\s*\(0, tsyringe_1\.injectable\)\(\)/);
  });

  it('emits code that tsyringe resolves from a fresh child container', () => {
    const compiled = evaluateCommonJs(emitted);
    const NeedsDependencyTsc = compiled.NeedsDependency as Constructor;
    const DependencyTsc = compiled.Dependency as Constructor;
    expect(Reflect.getMetadata('design:paramtypes', NeedsDependencyTsc)).toEqual([DependencyTsc]);
    const built = resolveFresh(NeedsDependencyTsc) as { dependency: unknown };
    expect(built.dependency).toBeInstanceOf(DependencyTsc);
  });
});

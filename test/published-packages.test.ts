/**
 * The three packages as a user gets them. `pnpm pack` each one; check the tarballs (the metadata a
 * registry shows, a LICENSE, source maps whose sources are inside the tarball, the providers' peer
 * range on @ws2spi/spi); install them into fresh temporary projects — with pnpm and no hoisting at
 * all, and with npm — and there run an ESM and a CommonJS program over real loopback TCP, the
 * `ws2spi` binary, and a `module: nodenext` type-check of ESM and CommonJS code and of the README's
 * sample.
 *
 * The installs fetch tsyringe, reflect-metadata and @types/node from the npm registry (from the
 * local caches when they have them). Without a reachable registry the tests are skipped, saying
 * so — except where `WS2SPI_REQUIRE_REGISTRY=1` (CI), where they fail instead.
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readmeSample } from './support/readme-sample';
import {
  type CommandResult,
  ensurePackagesBuilt,
  PUBLISHED_PACKAGES,
  REPO_ROOT,
  run,
  runOk,
  TSC,
  temporaryDirectory,
} from './support/repository';

/** The one repository URL every manifest names. */
const REPOSITORY = 'https://github.com/ws2spi/ws2spi';

/** Why the registry cannot be used here, or undefined when it can (`npm ping`, bounded). */
function registrySkipReason(): string | undefined {
  try {
    const ping = run('npm', ['ping', '--fetch-timeout=10000', '--fetch-retries=0'], {
      cwd: REPO_ROOT,
      timeoutMs: 20_000,
    });
    if (ping.status === 0) return undefined;
    return `npm registry unreachable (npm ping exited ${ping.status}: ${ping.stderr.trim().split('\n').pop()})`;
  } catch (error) {
    return `npm registry unreachable (${(error as Error).message.split('\n')[0]})`;
  }
}

const skipReason = registrySkipReason();
const registryRequired = process.env.WS2SPI_REQUIRE_REGISTRY === '1';

interface Tarball {
  dir: string;
  name: string;
  file: string;
  /** Where the tarball was extracted (`<extracted>/package/...`). */
  root: string;
  manifest: Record<string, unknown> & {
    version: string;
    dependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
  };
  files: string[];
}

let work: { dir: string; remove: () => void };
const tarballs = new Map<string, Tarball>();

/** Runs `pnpm pack` in each package and extracts the result. */
function packAll(): void {
  const destination = path.join(work.dir, 'tarballs');
  fs.mkdirSync(destination);
  for (const { dir, name } of PUBLISHED_PACKAGES) {
    const before = new Set(fs.readdirSync(destination));
    runOk('pnpm', ['pack', '--pack-destination', destination], {
      cwd: path.join(REPO_ROOT, 'packages', dir),
      timeoutMs: 60_000,
    });
    const file = fs.readdirSync(destination).find((f) => !before.has(f) && f.endsWith('.tgz'));
    if (!file) throw new Error(`pnpm pack of ${name} produced no tarball`);
    const root = path.join(work.dir, 'extracted', dir);
    fs.mkdirSync(root, { recursive: true });
    runOk('tar', ['-xzf', path.join(destination, file), '-C', root], { cwd: work.dir });
    const files = runOk('tar', ['-tzf', path.join(destination, file)], { cwd: work.dir })
      .stdout.split('\n')
      .filter((line) => line !== '' && !line.endsWith('/'));
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package', 'package.json'), 'utf8'));
    tarballs.set(name, { dir, name, file: path.join(destination, file), root, manifest, files });
  }
}

/** A consumer project depending on the three tarballs (and @types/node, for the type-check). */
function createProject(kind: 'pnpm' | 'npm'): string {
  const project = path.join(work.dir, `${kind}-project`);
  fs.mkdirSync(project);
  const dependencies = Object.fromEntries([...tarballs.values()].map((t) => [t.name, `file:${t.file}`]));
  fs.writeFileSync(
    path.join(project, 'package.json'),
    JSON.stringify(
      {
        name: `ws2spi-consumer-${kind}`,
        version: '1.0.0',
        private: true,
        dependencies,
        devDependencies: { '@types/node': '^20.19.0' },
      },
      null,
      2,
    ),
  );
  writePrograms(project);
  return project;
}

/**
 * Both programs do the same, one as ESM and one as CommonJS: the default catalog (which loads the
 * providers by package name), a listener and a client over 127.0.0.1, `WSASendDisconnect` with data
 * (TCP: `WSAENOPROTOOPT`, nothing sent) and the same through `Socket` (a `WsaError`); then an
 * in-application provider registered with `registerProvider` in a container from
 * `createProviderContainer` — no tsyringe import, which a pnpm project could not do. Prints one
 * JSON line.
 */
const PROGRAM_BODY = `
const catalog = new spi.Catalog();
const defaults = await spi.installDefaultCatalog(catalog);
const ws2 = new spi.Ws2({ catalog });
ws2.WSAStartup(spi.MAKEWORD(2, 2), spi.emptyWsaData());
const listener = await spi.Socket.create(ws2, spi.AF_INET, spi.SOCK_STREAM, spi.IPPROTO_TCP);
await listener.bind(spi.sockaddrIn('127.0.0.1', 0));
await listener.listen();
const client = await spi.Socket.create(ws2, spi.AF_INET, spi.SOCK_STREAM, spi.IPPROTO_TCP);
await Promise.all([client.connect(listener.localAddress()), listener.accept()]);
const rc = ws2.WSASendDisconnect(client.handle, spi.wsabuf(new Uint8Array([1, 2, 3])));
const lastError = ws2.WSAGetLastError();
let thrown;
try {
  client.sendDisconnect(new Uint8Array([1]));
} catch (error) {
  thrown = { isWsaError: spi.isWsaError(error, spi.WSAENOPROTOOPT), message: error.message };
}
ws2.WSACleanup();

const own = new spi.Catalog();
tcp.installTcpProviders(own, { path: 'my-application:tcp' });
const container = spi.createProviderContainer();
spi.registerProvider(container, 'my-application:tcp', tcp.WSPStartup);
const app = new spi.Ws2({ catalog: own, container });
app.WSAStartup(spi.MAKEWORD(2, 2), spi.emptyWsaData());
const registered = await app.socket(spi.AF_INET, spi.SOCK_STREAM, spi.IPPROTO_TCP);
const registeredOk = registered !== spi.INVALID_SOCKET;
app.WSACleanup();

console.log(JSON.stringify({
  defaults: { installed: defaults.installed.length, problems: [...defaults.unavailable, ...defaults.failed] },
  rc, socketError: spi.SOCKET_ERROR, lastError: spi.wsaErrorName(lastError), thrown, registeredOk,
  osi: typeof osi.sockaddrTp,
}));
`;

function writePrograms(project: string): void {
  fs.writeFileSync(
    path.join(project, 'program.mjs'),
    `import * as spi from '@ws2spi/spi';\nimport * as tcp from '@ws2spi/providers-tcp';\nimport * as osi from '@ws2spi/providers-osi';\n${PROGRAM_BODY}`,
  );
  fs.writeFileSync(
    path.join(project, 'program.cjs'),
    `const spi = require('@ws2spi/spi');\nconst tcp = require('@ws2spi/providers-tcp');\nconst osi = require('@ws2spi/providers-osi');\n(async () => {\n${PROGRAM_BODY}\n})().catch((error) => { console.error(error); process.exitCode = 1; });\n`,
  );
  // The type-check: ESM and CommonJS consumers, every public entry point, and the README sample.
  const typedUse = `
const catalog = new Catalog();
const ids: number[] = installTcpProviders(catalog);
const osiIds: number[] = installOsiProviders(catalog);
const container = createProviderContainer();
registerProvider(container, 'my-application:tcp', WSPStartup);
const ws2: Ws2 = new Ws2({ catalog, container });
const address: SOCKADDR_IN = sockaddrIn('127.0.0.1', 0);
const network: SimNetwork = new SimNetwork();
export const used = [ids, osiIds, ws2, address, network, sockaddrTp];
`;
  const imports = (
    from: 'esm' | 'cjs',
  ) => `import { Catalog, createProviderContainer, registerProvider, sockaddrIn, Ws2, type SOCKADDR_IN } from '@ws2spi/spi';
import { SimNetwork } from '@ws2spi/spi/testing';
import { installTcpProviders, WSPStartup } from '@ws2spi/providers-tcp';
import { installOsiProviders, sockaddrTp } from '@ws2spi/providers-osi';
// ${from}
`;
  fs.writeFileSync(path.join(project, 'consumer.mts'), `${imports('esm')}${typedUse}`);
  fs.writeFileSync(path.join(project, 'consumer.cts'), `${imports('cjs')}${typedUse}`);
  fs.writeFileSync(path.join(project, 'readme-sample.mts'), readmeSample());
  fs.writeFileSync(
    path.join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        lib: ['es2023'],
        strict: true,
        noEmit: true,
        types: ['node'],
      },
      files: ['consumer.mts', 'consumer.cts', 'readme-sample.mts'],
    }),
  );
}

/** The program's JSON line, or a failure that shows everything it printed. */
function programOutput(result: CommandResult): Record<string, unknown> {
  if (result.status !== 0) throw new Error(`exited with ${result.status}:\n${result.stdout}${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop() as string);
}

const EXPECTED_RESULT = {
  defaults: { installed: 2, problems: [] },
  rc: -1,
  socketError: -1,
  lastError: 'WSAENOPROTOOPT',
  thrown: { isWsaError: true, message: expect.stringMatching(/^\[WSAENOPROTOOPT\] WSASendDisconnect/) },
  registeredOk: true,
  osi: 'function',
};

const describeRegistry = skipReason && !registryRequired ? describe.skip : describe;

describeRegistry(`the packed packages${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  beforeAll(() => {
    if (skipReason) throw new Error(`WS2SPI_REQUIRE_REGISTRY=1 but ${skipReason}`);
    ensurePackagesBuilt();
    work = temporaryDirectory('ws2spi-pack-');
    packAll();
  }, 180_000);

  afterAll(() => {
    work?.remove();
  });

  describe.each(PUBLISHED_PACKAGES)('$name tarball', ({ name, dir }) => {
    it('carries the metadata a registry page shows, with one repository URL', () => {
      const { manifest } = tarballs.get(name) as Tarball;
      expect(manifest).toMatchObject({
        name,
        license: 'MIT',
        homepage: `${REPOSITORY}/tree/main/packages/${dir}#readme`,
        repository: { type: 'git', url: `git+${REPOSITORY}.git`, directory: `packages/${dir}` },
        bugs: { url: `${REPOSITORY}/issues` },
        engines: { node: expect.stringMatching(/^>=\d+/) },
        publishConfig: { access: 'public' },
      });
      expect((manifest.keywords as string[]).length).toBeGreaterThan(3);
      expect(typeof manifest.description).toBe('string');
      // pnpm pack replaced every workspace: protocol with a real version.
      expect(JSON.stringify(manifest)).not.toContain('workspace:');
    });

    it('ships the LICENSE (the root one), the README, and no tests or build state', () => {
      const { files, root } = tarballs.get(name) as Tarball;
      expect(files).toEqual(
        expect.arrayContaining(['package/LICENSE', 'package/README.md', 'package/package.json']),
      );
      expect(fs.readFileSync(path.join(root, 'package', 'LICENSE'), 'utf8')).toBe(
        fs.readFileSync(path.join(REPO_ROOT, 'LICENSE'), 'utf8'),
      );
      expect(files.filter((f) => /\.tsbuildinfo$|\/test\/|\.test\.[jt]s$/.test(f))).toEqual([]);
    });

    it('has source maps whose sources are files inside the tarball, and every export target', () => {
      const { files, root, manifest } = tarballs.get(name) as Tarball;
      const packageRoot = path.join(root, 'package');
      const maps = files.filter((f) => f.endsWith('.map'));
      expect(maps.length).toBeGreaterThan(0);
      const unresolved: string[] = [];
      for (const map of maps) {
        const mapFile = path.join(root, map);
        const { sources, sourceRoot } = JSON.parse(fs.readFileSync(mapFile, 'utf8')) as {
          sources: string[];
          sourceRoot?: string;
        };
        for (const source of sources) {
          const target = path.resolve(path.dirname(mapFile), sourceRoot ?? '', source);
          if (!target.startsWith(`${packageRoot}${path.sep}`) || !fs.existsSync(target)) {
            unresolved.push(`${map} -> ${source}`);
          }
        }
      }
      // A stale dist file (its source deleted) shows up here: rm -rf packages/*/dist && pnpm build.
      expect(unresolved).toEqual([]);
      const targets: string[] = [manifest.main as string, manifest.types as string];
      const collect = (value: unknown): void => {
        if (typeof value === 'string') targets.push(value);
        else if (value && typeof value === 'object') Object.values(value).forEach(collect);
      };
      collect(manifest.exports);
      collect(manifest.bin);
      expect(targets.filter((t) => !fs.existsSync(path.join(packageRoot, t)))).toEqual([]);
    });
  });

  it('the providers take @ws2spi/spi as a peer with a range the packed version satisfies', () => {
    const spiVersion = (tarballs.get('@ws2spi/spi') as Tarball).manifest.version;
    const [major, minor] = spiVersion.split('.');
    for (const name of ['@ws2spi/providers-tcp', '@ws2spi/providers-osi']) {
      const { manifest } = tarballs.get(name) as Tarball;
      expect(manifest.dependencies?.['@ws2spi/spi']).toBeUndefined();
      const range = manifest.peerDependencies?.['@ws2spi/spi'];
      // 0.x: a caret range admits patch releases of the same minor only.
      expect(range).toBe(major === '0' ? `^0.${minor}.0` : `^${major}.0.0`);
    }
    // The spi package brings what its DI container needs; an application installs neither.
    const spi = (tarballs.get('@ws2spi/spi') as Tarball).manifest;
    expect(Object.keys(spi.dependencies ?? {}).sort()).toEqual(['reflect-metadata', 'tsyringe']);
  });

  describe.each(['pnpm', 'npm'] as const)('installed with %s', (kind) => {
    let project: string;

    beforeAll(() => {
      project = createProject(kind);
      const args =
        kind === 'pnpm'
          ? // No hoisting at all, and the packages stored outside the project (as pnpm's global
            // virtual store does): a package sees only what it declares, not the project's
            // node_modules — so @ws2spi/spi must find the providers through the application.
            [
              'install',
              '--prefer-offline',
              '--config.hoist=false',
              '--config.public-hoist-pattern=',
              `--config.virtual-store-dir=${path.join(work.dir, 'pnpm-virtual-store')}`,
            ]
          : ['install', '--prefer-offline', '--no-audit', '--no-fund'];
      runOk(kind, args, { cwd: project, timeoutMs: 120_000 });
    }, 150_000);

    if (kind === 'pnpm') {
      it('leaves tsyringe and reflect-metadata out of the application’s reach', () => {
        // Node's own resolution, from the project (jest's would apply the repository's mappings).
        const resolve = (name: string) =>
          run(process.execPath, ['-e', `console.log(require.resolve(${JSON.stringify(name)}))`], {
            cwd: project,
            timeoutMs: 10_000,
          });
        for (const name of ['tsyringe', 'reflect-metadata']) {
          const result = resolve(name);
          expect(result.status).toBe(1);
          expect(result.stderr).toContain(`Cannot find module '${name}'`);
        }
        expect(resolve('@ws2spi/spi').stdout).toContain(path.join(work.dir, 'pnpm-virtual-store'));
      });
    }

    it.each(['program.mjs', 'program.cjs'])(
      '%s gets WSAENOPROTOOPT from WSASendDisconnect with data on TCP, and runs a registered provider',
      (program) => {
        const output = programOutput(run(process.execPath, [program], { cwd: project, timeoutMs: 30_000 }));
        expect(output).toEqual(EXPECTED_RESULT);
      },
    );

    it('runs the ws2spi binary, which finds the default providers', () => {
      const catalog = path.join(project, 'catalog.json');
      const bin = path.join(project, 'node_modules', '.bin', 'ws2spi');
      const result = runOk(bin, ['catalog', 'show', '--json', '--catalog', catalog], {
        cwd: project,
        timeoutMs: 30_000,
      });
      const listing = JSON.parse(result.stdout) as { entries: { info: { szProtocol: string } }[] };
      expect(listing.entries.map((e) => e.info.szProtocol)).toEqual(
        expect.arrayContaining(['MSAFD Tcpip [TCP/IP]', 'ws2spi ISO Transport [TP2 over TCP, RFC 2126]']),
      );
      expect(result.stderr).toBe('');
    });

    it('type-checks ESM and CommonJS consumers and the README sample under module nodenext', () => {
      const result = run(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: project, timeoutMs: 60_000 });
      expect(`${result.stdout}${result.stderr}`).toBe('');
      expect(result.status).toBe(0);
    });
  });
});

/**
 * `pnpm bench`: every figure of the performance table, each a ratio against a baseline measured in
 * the same process, interleaved round by round (see `harness/interleave.ts`).
 *
 * ```
 * pnpm bench                  # every figure, full sizes (several minutes)
 * pnpm bench --quick          # small sizes, 3 rounds: checks that every figure runs (CI)
 * pnpm bench --json           # the results as JSON on stdout (progress stays on stderr)
 * pnpm bench --markdown       # the table as Markdown (docs/benchmarks.md)
 * pnpm bench --only tcp,osi   # figures whose id contains one of the words
 * pnpm bench --rounds 25      # more rounds per figure than the figure's default
 * pnpm bench --clock cpu      # time rounds by CPU time instead of wall-clock (busy machines)
 * pnpm bench --list           # the figures, without running them
 * ```
 *
 * The runner forks one Node process per figure (`--expose-gc`, for the heap figures), runs them
 * one after the other, collects each outcome over IPC and prints the table. A figure's process
 * runs `run.js --figure <module> <id>`.
 * @module
 */

import { fork } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { describeTarget, type Figure, type FigureContext, type FigureOutcome } from './harness/figure';
import { type FigureResult, formatMarkdown, formatTable, type JudgedResult, judge } from './harness/report';
import { loadRowModules } from './harness/row-modules';
import { type Clock, useClock } from './harness/timing';

interface Options {
  quick: boolean;
  json: boolean;
  markdown: boolean;
  list: boolean;
  only: string[];
  rounds?: number;
  clock: Clock;
}

function parseOptions(argv: readonly string[]): Options {
  const options: Options = {
    quick: false,
    json: false,
    markdown: false,
    list: false,
    only: [],
    clock: 'wall',
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') options.quick = true;
    else if (arg === '--json') options.json = true;
    else if (arg === '--markdown') options.markdown = true;
    else if (arg === '--list') options.list = true;
    else if (arg === '--only') options.only.push(...(argv[++i] ?? '').split(',').filter(Boolean));
    else if (arg.startsWith('--only=')) options.only.push(...arg.slice(7).split(',').filter(Boolean));
    else if (arg === '--rounds' || arg.startsWith('--rounds=')) {
      const value = Number(arg.includes('=') ? arg.split('=')[1] : argv[++i]);
      if (!Number.isInteger(value) || value < 1) throw new Error('--rounds needs a positive integer');
      options.rounds = value;
    } else if (arg === '--clock' || arg.startsWith('--clock=')) {
      const value = arg.includes('=') ? arg.split('=')[1] : argv[++i];
      if (value !== 'wall' && value !== 'cpu') throw new Error('--clock is wall or cpu');
      options.clock = value;
    } else if (arg !== '--') throw new Error(`unknown option ${arg} (see bench/src/run.ts)`);
  }
  return options;
}

/** Upper bound on one figure's process, so a hung figure fails instead of hanging the run. */
function timeLimitMs(quick: boolean): number {
  return quick ? 60_000 : 15 * 60_000;
}

/** What a figure's process sends back. */
type FigureMessage = { outcome: FigureOutcome } | { error: string };

async function runFigureProcess(file: string, figure: Figure, options: Options): Promise<FigureMessage> {
  const args = ['--figure', file, figure.id];
  if (options.quick) args.push('--quick');
  if (options.rounds !== undefined) args.push('--rounds', String(options.rounds));
  args.push('--clock', options.clock);
  const child = fork(__filename, args, {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise<FigureMessage>((resolve) => {
    let message: FigureMessage | undefined;
    const timer = setTimeout(() => {
      message ??= { error: `no result within ${timeLimitMs(options.quick) / 1000} s` };
      child.kill('SIGKILL');
    }, timeLimitMs(options.quick));
    child.on('message', (m: FigureMessage) => {
      message ??= m;
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(
        message ?? { error: `the figure's process exited (${signal ?? `code ${code}`}) without a result` },
      );
    });
  });
}

async function orchestrate(options: Options): Promise<void> {
  const modules = loadRowModules(__dirname, (text) => process.stderr.write(`warning: ${text}\n`));
  const selected = modules.flatMap((m) =>
    m.figures
      .filter((f) => options.only.length === 0 || options.only.some((word) => f.id.includes(word)))
      .map((figure) => ({ module: m, figure })),
  );
  if (options.list) {
    for (const { figure } of selected)
      console.log(
        `${figure.id.padEnd(36)} ${describeTarget(figure.target, figure.display).padEnd(10)} ${figure.title}`,
      );
    return;
  }
  const started = performance.now();
  const machine = {
    node: process.version,
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
    loadAverageAtStart: loadavg()[0]!,
    mode: options.quick ? 'quick' : 'full',
    clock: options.clock,
  };
  const log = (text: string): void => {
    process.stderr.write(`${text}\n`);
  };
  log(
    `ws2spi benchmarks (${machine.mode}): ${selected.length} figures, node ${machine.node}, ${machine.cpus}`,
  );
  const results: JudgedResult[] = [];
  for (const { module, figure } of selected) {
    log(`- ${figure.id} …`);
    const t0 = performance.now();
    const message = await runFigureProcess(module.file, figure, options);
    const base: FigureResult = {
      id: figure.id,
      title: figure.title,
      family: module.family,
      target: figure.target,
      display: figure.display ?? 'ratio',
      seconds: (performance.now() - t0) / 1000,
    };
    const result = judge(
      'outcome' in message ? { ...base, ...message.outcome } : { ...base, error: message.error },
    );
    results.push(result);
    log(
      result.summary
        ? `  ${result.summary.median.toFixed(3)} (${result.met ? 'met' : 'not met'}) in ${result.seconds.toFixed(1)} s`
        : `  failed: ${result.error}`,
    );
  }
  const report = {
    ...machine,
    loadAverageAtEnd: loadavg()[0]!,
    seconds: (performance.now() - started) / 1000,
    results,
  };
  if (options.json) {
    console.log(JSON.stringify(report, null, 2));
  } else if (options.markdown) {
    console.log(
      `${machine.mode} run, ${machine.clock} clock: node ${machine.node}, ${machine.cpus}, load average ${machine.loadAverageAtStart.toFixed(2)} → ${report.loadAverageAtEnd.toFixed(2)}, ${report.seconds.toFixed(0)} s\n`,
    );
    for (const line of formatMarkdown(results)) console.log(line);
    const notes = results.filter((r) => r.note);
    if (notes.length > 0) console.log('');
    for (const r of notes) console.log(`- \`${r.id}\`: ${r.note}`);
  } else {
    console.log(
      `\nws2spi benchmarks (${machine.mode}, ${machine.clock} clock) — node ${machine.node}, ${machine.cpus}, load ${machine.loadAverageAtStart.toFixed(2)} → ${report.loadAverageAtEnd.toFixed(2)}, ${report.seconds.toFixed(0)} s`,
    );
    console.log('ratio per round: ws2spi / baseline for costs, baseline time / ws2spi time for throughput\n');
    for (const line of formatTable(results)) console.log(line);
  }
  if (results.some((r) => r.error)) process.exitCode = 1;
}

/** A figure's own process: run it and send the outcome to the runner. */
async function runFigure(argv: readonly string[]): Promise<void> {
  const [file, id] = argv;
  const quick = argv.includes('--quick');
  const roundsAt = argv.indexOf('--rounds');
  const clockAt = argv.indexOf('--clock');
  if (clockAt >= 0) useClock(argv[clockAt + 1] === 'cpu' ? 'cpu' : 'wall');
  const send = (message: FigureMessage): Promise<void> =>
    new Promise((resolve) => (process.send ? process.send(message, () => resolve()) : resolve()));
  try {
    require('reflect-metadata');
    const loaded = require(file!) as { figures: readonly Figure[] };
    const figure = loaded.figures.find((f) => f.id === id);
    if (!figure) throw new Error(`no figure ${id} in ${file}`);
    const defaults = figure.rounds ?? { full: 15, quick: 3 };
    const context: FigureContext = {
      quick,
      rounds: roundsAt >= 0 ? Number(argv[roundsAt + 1]) : quick ? defaults.quick : defaults.full,
      note: (text) => process.stderr.write(`    ${text}\n`),
    };
    await send({ outcome: await figure.run(context) });
  } catch (error) {
    await send({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
  // Whatever a figure left open must not keep its process alive.
  process.exit(0);
}

const argv = process.argv.slice(2);
if (argv[0] === '--figure') {
  void runFigure(argv.slice(1));
} else {
  orchestrate(parseOptions(argv)).catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}

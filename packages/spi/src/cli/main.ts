#!/usr/bin/env node
/**
 * The `ws2spi` executable: wires `runWs2spi` to this process's arguments, environment and streams.
 * @module
 */
import { runWs2spi } from './run-ws2spi';

// A reader that goes away (`ws2spi catalog show | head`) is not an error of ours: stop quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

runWs2spi(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  stdoutIsTTY: process.stdout.isTTY === true,
  stderrIsTTY: process.stderr.isTTY === true,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}).then((status) => {
  // exitCode rather than exit(): let stdout drain when it is a pipe.
  process.exitCode = status;
});

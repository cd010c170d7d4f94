#!/usr/bin/env node
/**
 * The `ws2spi` executable: wires `runWs2spi` to this process's arguments, environment and streams.
 * @module
 */
import { runWs2spi } from './run-ws2spi';

runWs2spi(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}).then((status) => {
  // exitCode rather than exit(): let stdout drain when it is a pipe.
  process.exitCode = status;
});

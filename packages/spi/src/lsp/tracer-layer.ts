/**
 * A tracing layer: an ordinary layered provider that records every one of the 30 WSP calls passing
 * through it — arguments, result and error — in a `TraceLog`. Several tracers sharing one log,
 * stacked in a chain, record a call once per layer, in chain order, so a test sees exactly how a
 * call travels down the chain and what each layer got back.
 * @module
 */

import type { WspProcName } from '../spi/wsp-proc-table';
import {
  type AnyExtensionFunction,
  type AnyWspFunction,
  defineLayeredProvider,
  type LayeredProvider,
} from './define-layered-provider';
import type { ExtensionFunctionName } from './extension-call-shapes';
import type { LayerStyle } from './layer-instance';
import type { TraceLog } from './trace-log';
import { errnoArgument, WSP_CALL_SHAPES } from './wsp-call-shapes';

/** How a tracer is made. */
export interface TracerOptions {
  /** The name records carry (`"A"`, `"firewall"` …). */
  name: string;
  /** The log to write to; share one between tracers to see a whole chain. */
  log: TraceLog;
  /** IFS or non-IFS (default non-IFS). A tracer traces all 30 calls in either style. */
  style?: LayerStyle;
}

/**
 * Wraps one WSP function so that each call is recorded in `log` under `layer` (at chain index
 * `position`, when known): for layers of one's own that trace some of their calls.
 *
 * @example
 * defineLayeredProvider({ description: 'mine', style: 'ifs', around: (name, next, layer) => traced(log, 'mine', name, next, layer.position) });
 */
export function traced(
  log: TraceLog,
  layer: string,
  name: WspProcName,
  next: AnyWspFunction,
  position?: number,
): AnyWspFunction {
  const shape = WSP_CALL_SHAPES[name];
  return (...args: unknown[]) => {
    const errno = errnoArgument(args);
    const record = log.begin(layer, name, errno ? args.slice(0, -1) : args, { errno, position });
    let result: unknown;
    try {
      result = next(...args);
    } catch (error) {
      log.threw(record, error);
      throw error;
    }
    if (shape.async && result instanceof Promise) {
      return result.then(
        (value) => {
          log.end(record, name, value, errno?.value);
          return value;
        },
        (error: unknown) => {
          log.threw(record, error);
          throw error;
        },
      );
    }
    log.end(record, name, result, errno?.value);
    return result;
  };
}

/**
 * Wraps one extension function so that each call is recorded in `log` under `layer`; its error is
 * the process's last error when it fails (`lastError`).
 */
export function tracedExtension(
  log: TraceLog,
  layer: string,
  name: ExtensionFunctionName,
  next: AnyExtensionFunction,
  lastError: () => number,
  position?: number,
): AnyExtensionFunction {
  return (...args: unknown[]) => {
    const record = log.begin(layer, name, args, { position });
    let result: unknown;
    try {
      result = next(...args);
    } catch (error) {
      log.threw(record, error);
      throw error;
    }
    if (result instanceof Promise) {
      return result.then(
        (value) => {
          log.end(record, name, value, lastError());
          return value;
        },
        (error: unknown) => {
          log.threw(record, error);
          throw error;
        },
      );
    }
    log.end(record, name, result, lastError());
    return result;
  };
}

/**
 * A layered provider that records every call in `options.log`, extension functions included.
 *
 * @example
 * const log = new TraceLog();
 * const layers = [{ name: 'A', provider: createTracerLayer({ name: 'A', log }) }];
 * // … after the calls: log.lines(), traceToMermaid(log), traceToText(log)
 */
export function createTracerLayer(options: TracerOptions): LayeredProvider {
  return defineLayeredProvider({
    description: `tracer ${options.name}`,
    style: options.style ?? 'non-ifs',
    around: (name, next, layer) => traced(options.log, options.name, name, next, layer.position),
    aroundExtension: (name, next, layer) =>
      tracedExtension(
        options.log,
        options.name,
        name,
        next,
        () => layer.host.io?.WSAGetLastError() ?? 0,
        layer.position,
      ),
    onStartup: (layer) => options.log.declare(options.name, layer.position),
  });
}

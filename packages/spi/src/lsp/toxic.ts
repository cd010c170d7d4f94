/**
 * Toxics: the network faults of toxiproxy, in ws2spi's terms. Each acts on one direction of every
 * connection a fault injector sees — `'outbound'`, what this side sends (toxiproxy's *upstream*,
 * for a client), or `'inbound'`, what it receives (*downstream*) — on a share of the connections
 * (`toxicity`, drawn per connection from the injector's seed):
 *
 * | type         | what it does                                                           |
 * |--------------|------------------------------------------------------------------------|
 * | `latency`    | delays the data by `latencyMs` ± `jitterMs`                              |
 * | `bandwidth`  | lets `bytesPerSecond` through, in pieces of 100 ms                      |
 * | `slow_close` | delays the close (FIN) by `delayMs`                                     |
 * | `timeout`    | stops the data; closes the connection after `timeoutMs` (0: never)      |
 * | `slicer`     | cuts the data into pieces of `averageSize` ± `sizeVariation`, `delayMs` apart |
 * | `limit_data` | closes the connection once `bytes` have passed                          |
 * | `reset_peer` | resets the connection `timeoutMs` after data first comes (RST)           |
 *
 * `toxiproxyToxic` reads a toxic in toxiproxy's own JSON (`{ type, stream, toxicity, attributes }`).
 * @module
 */

/** Which way the data a toxic acts on travels, seen from the side the injector is installed on. */
export type ToxicDirection = 'inbound' | 'outbound';

/** What every toxic has. */
export interface ToxicCommon {
  /** Unique in its injector; default `<type>_<direction>` (`latency_inbound`), as toxiproxy names them. */
  name?: string;
  /** The data it acts on: what this side sends (`'outbound'`) or receives (`'inbound'`). */
  direction: ToxicDirection;
  /**
   * The probability (0‥1) that the toxic applies to a connection, drawn once per connection from
   * the injector's seed. Default 1: every connection.
   */
  toxicity?: number;
}

/** Delays all data by `latencyMs` plus a uniform draw in ±`jitterMs`, never reordering it. */
export interface LatencyToxic extends ToxicCommon {
  /** `'latency'`. */
  type: 'latency';
  /** The delay, in milliseconds. */
  latencyMs: number;
  /** Up to this much more or less, drawn per piece of data (default 0). */
  jitterMs?: number;
}

/** Lets at most `bytesPerSecond` through (toxiproxy's `rate` is in KB/s: `rate × 1000`). */
export interface BandwidthToxic extends ToxicCommon {
  /** `'bandwidth'`. */
  type: 'bandwidth';
  /** The rate, in bytes per second. */
  bytesPerSecond: number;
}

/** Delays the close — the FIN of `shutdown`, `WSASendDisconnect`, `closesocket` — by `delayMs`. */
export interface SlowCloseToxic extends ToxicCommon {
  /** `'slow_close'`. */
  type: 'slow_close';
  /** How long the close waits, in milliseconds. */
  delayMs: number;
}

/**
 * Stops the data: nothing passes (it is held, never lost) while the toxic is on, and after
 * `timeoutMs` the connection is closed (as `limit_data` closes it). `timeoutMs: 0` never closes:
 * the data waits until the toxic is removed — a hung peer.
 */
export interface TimeoutToxic extends ToxicCommon {
  /** `'timeout'`. */
  type: 'timeout';
  /** When the connection is closed, in milliseconds; 0 never closes it. */
  timeoutMs: number;
}

/**
 * Cuts the data into pieces of `averageSize` ± `sizeVariation` bytes, `delayMs` apart (toxiproxy's
 * `delay` is in microseconds). Byte streams only: a message protocol's messages stay whole.
 */
export interface SlicerToxic extends ToxicCommon {
  /** `'slicer'`. */
  type: 'slicer';
  /** The average piece, in bytes. */
  averageSize: number;
  /** How far a piece may be from the average, in bytes (default 0). */
  sizeVariation?: number;
  /** The pause between pieces, in milliseconds (default 0). */
  delayMs?: number;
}

/** Closes the connection once `bytes` bytes have passed in the toxic's direction. */
export interface LimitDataToxic extends ToxicCommon {
  /** `'limit_data'`. */
  type: 'limit_data';
  /** How many bytes pass before the close. */
  bytes: number;
}

/**
 * Resets the connection (TCP RST: the peer sees `WSAECONNRESET`, and so does this side) `timeoutMs`
 * after the first data in the toxic's direction; that data and any after it are lost.
 */
export interface ResetPeerToxic extends ToxicCommon {
  /** `'reset_peer'`. */
  type: 'reset_peer';
  /** How long after the first data the reset comes, in milliseconds (default 0). */
  timeoutMs?: number;
}

/** One network fault. */
export type Toxic =
  | LatencyToxic
  | BandwidthToxic
  | SlowCloseToxic
  | TimeoutToxic
  | SlicerToxic
  | LimitDataToxic
  | ResetPeerToxic;

/** The toxic types, in toxiproxy's names. */
export type ToxicType = Toxic['type'];

/** Every toxic type. */
export const TOXIC_TYPES: readonly ToxicType[] = [
  'latency',
  'bandwidth',
  'slow_close',
  'timeout',
  'slicer',
  'limit_data',
  'reset_peer',
];

/** A toxic with its name filled in, as the injector keeps it. */
export type NamedToxic = Toxic & {
  /** The toxic's name: given, or made from its type and direction (`latency_outbound`). */
  readonly name: string;
};

function requireNumber(toxic: Toxic, field: string, value: unknown, min: number, integer = false): void {
  if (value === undefined) return;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < min ||
    (integer && !Number.isInteger(value))
  )
    throw new RangeError(
      `toxic '${toxic.name ?? toxic.type}': ${field} must be ${integer ? 'an integer' : 'a number'} >= ${min}, got ${String(value)}`,
    );
}

/**
 * Checks a toxic and returns a copy with its name; throws a `TypeError` (unknown type or
 * direction) or `RangeError` (a value out of range) that names the toxic and the field.
 *
 * @example
 * normalizeToxic({ type: 'latency', direction: 'inbound', latencyMs: 100 }).name; // 'latency_inbound'
 */
export function normalizeToxic(toxic: Toxic): NamedToxic {
  if (typeof toxic !== 'object' || toxic === null) throw new TypeError('a toxic must be an object');
  if (!TOXIC_TYPES.includes(toxic.type))
    throw new TypeError(`unknown toxic type '${String(toxic.type)}' (one of ${TOXIC_TYPES.join(', ')})`);
  if (toxic.direction !== 'inbound' && toxic.direction !== 'outbound')
    throw new TypeError(
      `toxic '${toxic.name ?? toxic.type}': direction must be 'inbound' or 'outbound', not ${String(toxic.direction)}`,
    );
  if (toxic.name !== undefined && (typeof toxic.name !== 'string' || toxic.name.length === 0))
    throw new TypeError('a toxic name must be a non-empty string');
  requireNumber(toxic, 'toxicity', toxic.toxicity, 0);
  if (toxic.toxicity !== undefined && toxic.toxicity > 1)
    throw new RangeError(
      `toxic '${toxic.name ?? toxic.type}': toxicity must be within 0..1, got ${toxic.toxicity}`,
    );
  switch (toxic.type) {
    case 'latency':
      requireNumber(toxic, 'latencyMs', toxic.latencyMs ?? Number.NaN, 0);
      requireNumber(toxic, 'jitterMs', toxic.jitterMs, 0);
      break;
    case 'bandwidth':
      requireNumber(toxic, 'bytesPerSecond', toxic.bytesPerSecond ?? Number.NaN, 1);
      break;
    case 'slow_close':
      requireNumber(toxic, 'delayMs', toxic.delayMs ?? Number.NaN, 0);
      break;
    case 'timeout':
      requireNumber(toxic, 'timeoutMs', toxic.timeoutMs ?? Number.NaN, 0);
      break;
    case 'slicer':
      requireNumber(toxic, 'averageSize', toxic.averageSize ?? Number.NaN, 1, true);
      requireNumber(toxic, 'sizeVariation', toxic.sizeVariation, 0, true);
      requireNumber(toxic, 'delayMs', toxic.delayMs, 0);
      if ((toxic.sizeVariation ?? 0) >= toxic.averageSize)
        throw new RangeError(
          `toxic '${toxic.name ?? toxic.type}': sizeVariation must be smaller than averageSize`,
        );
      break;
    case 'limit_data':
      requireNumber(toxic, 'bytes', toxic.bytes ?? Number.NaN, 0, true);
      break;
    case 'reset_peer':
      requireNumber(toxic, 'timeoutMs', toxic.timeoutMs, 0);
      break;
  }
  return { ...toxic, name: toxic.name ?? `${toxic.type}_${toxic.direction}` };
}

/** A toxic as toxiproxy's API and `toxiproxy.json` write it. */
export interface ToxiproxyToxicJson {
  /** The toxic's name. */
  name?: string;
  /**
   * toxiproxy's toxic type: `latency`, `bandwidth`, `slow_close`, `timeout`, `slicer`, `limit_data`, `reset_peer`.
   */
  type: string;
  /** `'upstream'` (client → server) or `'downstream'` (server → client, toxiproxy's default). */
  stream?: string;
  /** The share of connections it applies to, 0…1 (default 1). */
  toxicity?: number;
  /** toxiproxy's attributes, in its units (`latency`, `jitter`, `rate` in KB/s, `delay` in µs …). */
  attributes?: Record<string, number>;
}

/**
 * A toxic from toxiproxy's JSON, with toxiproxy's units: `upstream` becomes `'outbound'` and
 * `downstream` (the default) `'inbound'` — right for an injector installed on the client, the
 * side toxiproxy's clients sit on; bandwidth `rate` is KB/s (×1000 bytes), slicer `delay` is µs.
 *
 * @example
 * injector.addToxic(toxiproxyToxic({ type: 'latency', stream: 'downstream', attributes: { latency: 1000, jitter: 50 } }));
 */
export function toxiproxyToxic(json: ToxiproxyToxicJson): NamedToxic {
  const a = json.attributes ?? {};
  const stream = json.stream ?? 'downstream';
  if (stream !== 'upstream' && stream !== 'downstream')
    throw new TypeError(`toxiproxy toxic: stream must be 'upstream' or 'downstream', not '${stream}'`);
  const common = {
    ...(json.name !== undefined ? { name: json.name } : {}),
    direction: (stream === 'upstream' ? 'outbound' : 'inbound') as ToxicDirection,
    ...(json.toxicity !== undefined ? { toxicity: json.toxicity } : {}),
  };
  let toxic: Toxic;
  switch (json.type) {
    case 'latency':
      toxic = { ...common, type: 'latency', latencyMs: a.latency ?? 0, jitterMs: a.jitter ?? 0 };
      break;
    case 'bandwidth':
      toxic = { ...common, type: 'bandwidth', bytesPerSecond: (a.rate ?? 0) * 1000 };
      break;
    case 'slow_close':
      toxic = { ...common, type: 'slow_close', delayMs: a.delay ?? 0 };
      break;
    case 'timeout':
      toxic = { ...common, type: 'timeout', timeoutMs: a.timeout ?? 0 };
      break;
    case 'slicer':
      toxic = {
        ...common,
        type: 'slicer',
        averageSize: a.average_size ?? 0,
        sizeVariation: a.size_variation ?? 0,
        delayMs: (a.delay ?? 0) / 1000,
      };
      break;
    case 'limit_data':
      toxic = { ...common, type: 'limit_data', bytes: a.bytes ?? 0 };
      break;
    case 'reset_peer':
      toxic = { ...common, type: 'reset_peer', timeoutMs: a.timeout ?? 0 };
      break;
    default:
      throw new TypeError(`toxiproxy toxic: unknown type '${json.type}'`);
  }
  const named = normalizeToxic(toxic);
  return json.name === undefined ? { ...named, name: `${json.type}_${stream}` } : named;
}

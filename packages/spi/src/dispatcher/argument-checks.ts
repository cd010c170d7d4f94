/**
 * The structural argument checks of the winsock2.h API: what ws2_32 and the kernel's pointer probes
 * (`ProbeForRead` / `ProbeForWrite`) do to the arguments of a C call before a provider sees them.
 *
 * C cannot pass a `BigInt` where an `int` belongs, a frozen object where a pointer to writable
 * memory belongs, or a getter that throws; JavaScript can. Each of those is answered here with the
 * error Windows gives for its C counterpart — `WSAEFAULT` for a pointer or buffer that cannot be
 * read or written (a missing, frozen or throwing out-cell, a malformed `WSABUF`, a `len` past its
 * buffer), `WSAEINVAL` for a value no C `int`/`DWORD` can hold (a `BigInt`, NaN, ±Infinity, a
 * fraction, a number past 32 bits, a string) — never with a JavaScript exception.
 *
 * The checks are `typeof` tests and one guarded read-and-write-back per out-cell: cheap enough for
 * the hot path. Inputs a provider reads more than once (buffer arrays, socket addresses, connect and
 * disconnect data) are captured as plain data here, as AFD captures a `WSABUF` array, so a getter
 * cannot give a provider one value when checked and another when used.
 * @module
 */
import { WSAEFAULT, WSAEINVAL } from '../constants/error-codes';
import { FD_MAX_EVENTS } from '../constants/network-events';
import { POLLPRI, POLLRDBAND, POLLRDNORM, POLLWRNORM } from '../constants/socket-api';
import type { fd_set, TIMEVAL, WindowHandle, WSANETWORKEVENTS, WSAPOLLFD } from '../spi/wsp-types';
import type { SOCKADDR } from '../types/sockaddr';
import type { WSABUF } from '../types/wsabuf';
import { isWsaEvent } from './event-object';

/**
 * True for a value a C `int`, `long`, `u_long` or `DWORD` parameter can hold: an integer number in
 * [-2^31, 2^32). (Flags, levels, option names, control codes, `how`, `backlog`, families, types.)
 */
export function isIntegerArgument(value: unknown): value is number {
  return typeof value === 'number' && ((value | 0) === value || value >>> 0 === value);
}

/** True for a byte count or structure length: an integer in [0, 2^31). */
export function isLengthArgument(value: unknown): value is number {
  return typeof value === 'number' && (value | 0) === value && value >= 0;
}

/**
 * `ProbeForWrite` on an out-cell: an object whose `value` can be read and written. The value is
 * written back unchanged, so a frozen cell, a read-only `value`, a getter or setter that throws,
 * or a Proxy whose traps throw is caught here, before a provider wrote anything elsewhere.
 */
export function isWritableCell(cell: unknown): boolean {
  if (typeof cell !== 'object' || cell === null) return false;
  try {
    const c = cell as { value: unknown };
    const value = c.value;
    c.value = value;
    return true;
  } catch {
    return false;
  }
}

/** NULL (`null` or `undefined`) or a writable out-cell. */
export function isOptionalWritableCell(cell: unknown): boolean {
  return cell === null || cell === undefined || isWritableCell(cell);
}

/**
 * An in/out length cell (`addrlen`, `namelen`, `optlen`, `fromlen`): writable, holding a length the
 * call reads first.
 */
export function isLengthCell(cell: unknown): boolean {
  if (typeof cell !== 'object' || cell === null) return false;
  try {
    const c = cell as { value: unknown };
    const value = c.value;
    c.value = value;
    return isLengthArgument(value);
  } catch {
    return false;
  }
}

/** NULL or an in/out length cell. */
export function isOptionalLengthCell(cell: unknown): boolean {
  return cell === null || cell === undefined || isLengthCell(cell);
}

/** An in/out cell holding a C integer the call reads first (`lpFlags`, `argp`). */
export function isIntegerCell(cell: unknown): boolean {
  if (typeof cell !== 'object' || cell === null) return false;
  try {
    const c = cell as { value: unknown };
    const value = c.value;
    c.value = value;
    return isIntegerArgument(value);
  } catch {
    return false;
  }
}

/** NULL or a function (a completion routine, a condition function). */
export function isOptionalFunction(value: unknown): boolean {
  return value === null || value === undefined || typeof value === 'function';
}

/** NULL or an object (a pointer to a structure the provider only reads, like `QOS`). */
export function isOptionalObject(value: unknown): boolean {
  return value === null || value === undefined || typeof value === 'object';
}

/**
 * NULL or a `WSAOVERLAPPED` the provider can complete: its `Internal` and `InternalHigh` are
 * written back unchanged as the probe.
 */
export function isOptionalOverlapped(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value !== 'object') return false;
  try {
    const o = value as { Internal: unknown; InternalHigh: unknown };
    const internal = o.Internal;
    const internalHigh = o.InternalHigh;
    o.Internal = internal;
    o.InternalHigh = internalHigh;
    return true;
  } catch {
    return false;
  }
}

/**
 * The `WSABUF` `b` as plain data (`{ len, buf }`, each read once), or undefined when it is not a
 * well-formed one: a `Uint8Array` and a length in [0, `buf.byteLength`].
 */
export function captureWsabuf(b: unknown): WSABUF | undefined {
  if (typeof b !== 'object' || b === null) return undefined;
  try {
    const { len, buf } = b as WSABUF;
    if (!(buf instanceof Uint8Array) || !isLengthArgument(len) || len > buf.byteLength) return undefined;
    return { len, buf };
  } catch {
    return undefined;
  }
}

/** True for a well-formed `WSABUF` (see `captureWsabuf`), without keeping a copy. */
export function isWellFormedWsabuf(b: unknown): boolean {
  if (typeof b !== 'object' || b === null) return false;
  try {
    const { len, buf } = b as WSABUF;
    return buf instanceof Uint8Array && isLengthArgument(len) && len <= buf.byteLength;
  } catch {
    return false;
  }
}

/** NULL, or an input `WSABUF` (connect or disconnect data) captured as plain data; `WSAEFAULT` otherwise. */
export function captureOptionalWsabuf(b: unknown): WSABUF | null | number {
  if (b === null || b === undefined) return null;
  return captureWsabuf(b) ?? WSAEFAULT;
}

/**
 * NULL or an in/out `WSABUF` the provider fills and whose `len` it sets (callee data, inbound
 * disconnect data): well formed, and its `len` written back unchanged as the probe.
 */
export function isOptionalWritableWsabuf(b: unknown): boolean {
  if (b === null || b === undefined) return true;
  if (!isWellFormedWsabuf(b)) return false;
  try {
    const w = b as WSABUF;
    const len = w.len;
    w.len = len;
    return true;
  } catch {
    return false;
  }
}

/**
 * The first `count` buffers of a `WSABUF` array, captured as plain data (a new array of
 * `{ len, buf }`), or `WSAEFAULT` when the array, the count or one of the buffers is malformed —
 * an array with a hole, a count past its end, a `buf` that is not a `Uint8Array`, a `len` past it.
 */
export function captureBufferArray(lpBuffers: unknown, count: unknown): WSABUF[] | number {
  if (!isLengthArgument(count)) return WSAEFAULT;
  try {
    if (!Array.isArray(lpBuffers) || count > lpBuffers.length) return WSAEFAULT;
    const captured: WSABUF[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const b = captureWsabuf(lpBuffers[i]);
      if (b === undefined) return WSAEFAULT;
      captured[i] = b;
    }
    return captured;
  } catch {
    return WSAEFAULT;
  }
}

/**
 * A socket address captured as plain data (an own-property copy, each field read once), null for
 * NULL, or `WSAEFAULT` when it is not an object with an integer `sa_family`, or cannot be read.
 * What the fields of a family mean is the provider's to check.
 */
export function captureOptionalSockaddr(name: unknown): SOCKADDR | null | number {
  if (name === null || name === undefined) return null;
  if (typeof name !== 'object') return WSAEFAULT;
  try {
    const copy = { ...(name as SOCKADDR) };
    return isIntegerArgument(copy.sa_family) ? copy : WSAEFAULT;
  } catch {
    return WSAEFAULT;
  }
}

/** The fields of a caller's `WSAPROTOCOL_INFOW` the dispatcher reads, each read once. */
export interface CallerProtocolInfo {
  dwCatalogEntryId: unknown;
  iAddressFamily: unknown;
  iSocketType: unknown;
  iProtocol: unknown;
  dwProviderReserved: unknown;
}

/**
 * A caller's `WSAPROTOCOL_INFOW` (`WSASocketW`, `WSAAddressToStringW`, `WSAStringToAddressW`): null
 * for NULL, the fields the dispatcher reads, or `WSAEFAULT` when it is not a protocol info
 * structure (no `ProtocolChain`) or cannot be read. Whether the values name a catalog entry is the
 * caller's to judge (`WSAEINVAL`).
 */
export function captureProtocolInfo(info: unknown): CallerProtocolInfo | null | number {
  if (info === null || info === undefined) return null;
  if (typeof info !== 'object') return WSAEFAULT;
  try {
    const i = info as CallerProtocolInfo & { ProtocolChain: unknown };
    if (typeof i.ProtocolChain !== 'object' || i.ProtocolChain === null) return WSAEFAULT;
    return {
      dwCatalogEntryId: i.dwCatalogEntryId,
      iAddressFamily: i.iAddressFamily,
      iSocketType: i.iSocketType,
      iProtocol: i.iProtocol,
      dwProviderReserved: i.dwProviderReserved,
    };
  } catch {
    return WSAEFAULT;
  }
}

/** What `captureOptionValue` gives for a socket option value that cannot be read. */
export const UNREADABLE: unique symbol = Symbol('unreadable');

/**
 * A `setsockopt` value as the provider will see it: a primitive or a byte array as given, a plain
 * structure (`LINGER`, …) as an own-property copy, any other object as given once each of its own
 * properties could be read; `UNREADABLE` (`WSAEFAULT`) when reading it throws. What the value means
 * for the option is the provider's to check.
 */
export function captureOptionValue(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return value;
  try {
    const prototype = Object.getPrototypeOf(value);
    if (prototype === Object.prototype || prototype === null) return { ...value };
    const fields = value as Record<string, unknown>;
    for (const key of Object.keys(fields)) void fields[key];
    return value;
  } catch {
    return UNREADABLE;
  }
}

/** NULL or a live event object (`WSA_INVALID_HANDLE` otherwise). */
export function isOptionalLiveEvent(value: unknown): boolean {
  return value === null || value === undefined || (isWsaEvent(value) && !value.isClosed);
}

/** NULL or a window: an object whose `post` is a function (`WSAEINVAL` otherwise). */
export function isOptionalWindow(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value !== 'object') return false;
  try {
    return typeof (value as WindowHandle).post === 'function';
  } catch {
    return false;
  }
}

/**
 * A `WSANETWORKEVENTS` the provider can fill: `lNetworkEvents` and the `FD_MAX_EVENTS` entries of
 * `iErrorCode` are written back unchanged as the probe.
 */
export function isWritableNetworkEvents(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  try {
    const events = value as WSANETWORKEVENTS;
    const bits = events.lNetworkEvents;
    events.lNetworkEvents = bits;
    const codes = events.iErrorCode;
    if (!Array.isArray(codes)) return false;
    for (let i = 0; i < FD_MAX_EVENTS; i++) {
      const code = codes[i];
      codes[i] = code;
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * An `fd_set` for `select`, copied (its descriptors read once): null for NULL, `WSAEFAULT` when it
 * is not an object with an `fd_array` array, or its `fd_array` cannot be written back.
 */
export function captureFdSet(set: unknown): fd_set | null | number {
  if (set === null || set === undefined) return null;
  if (typeof set !== 'object') return WSAEFAULT;
  try {
    const s = set as fd_set;
    const descriptors = s.fd_array;
    if (!Array.isArray(descriptors)) return WSAEFAULT;
    s.fd_array = descriptors;
    // Array.from, not slice: a hole becomes an undefined descriptor (not a socket), not a skipped one.
    return { fd_array: Array.from(descriptors) };
  } catch {
    return WSAEFAULT;
  }
}

/** `select`'s result for one set, back in the caller's `fd_set` (probed writable before the call). */
export function writeBackFdSet(target: fd_set | null, result: fd_set | null): void {
  if (target === null || target === undefined || result === null) return;
  try {
    target.fd_array = result.fd_array;
  } catch {
    // A setter that accepted the probe and refuses now: the caller keeps its set as it was.
  }
}

/**
 * `select`'s timeout, copied: null for NULL (wait for ever), `WSAEFAULT` when it cannot be read,
 * `WSAEINVAL` when its fields are not non-negative integers (MSDN select: "the time-out value is
 * not valid").
 */
export function captureTimeval(timeout: unknown): TIMEVAL | null | number {
  if (timeout === null || timeout === undefined) return null;
  if (typeof timeout !== 'object') return WSAEFAULT;
  let sec: unknown;
  let usec: unknown;
  try {
    sec = (timeout as TIMEVAL).tv_sec;
    usec = (timeout as TIMEVAL).tv_usec;
  } catch {
    return WSAEFAULT;
  }
  if (!isLengthArgument(sec) || !isLengthArgument(usec)) return WSAEINVAL;
  return { tv_sec: sec, tv_usec: usec };
}

/** What `WSAPoll` may ask for (MSDN: any other flag is `WSAEINVAL`). */
const POLL_REQUESTS = POLLRDNORM | POLLRDBAND | POLLPRI | POLLWRNORM;

/** True for a `WSAPOLLFD.events` of only the flags `WSAPoll` takes. */
export function isPollRequest(events: unknown): boolean {
  return isIntegerArgument(events) && (events & ~POLL_REQUESTS) === 0;
}

/** One `WSAPoll` entry as read once, with the caller's entry its `revents` goes back to. */
export interface CapturedPollEntry extends WSAPOLLFD {
  readonly target: WSAPOLLFD;
}

/**
 * The first `fds` entries of `WSAPoll`'s array, each read once (`fd`, `events`) and its `revents`
 * probed writable and cleared; `WSAEFAULT` when the array, or an entry, cannot be read or written.
 */
export function capturePollEntries(fdArray: unknown, fds: number): CapturedPollEntry[] | number {
  try {
    if (!Array.isArray(fdArray) || fdArray.length < fds) return WSAEFAULT;
    const entries: CapturedPollEntry[] = new Array(fds);
    for (let i = 0; i < fds; i++) {
      const target = fdArray[i] as WSAPOLLFD;
      if (typeof target !== 'object' || target === null) return WSAEFAULT;
      const { fd, events } = target;
      target.revents = 0;
      entries[i] = { fd, events, revents: 0, target };
    }
    return entries;
  } catch {
    return WSAEFAULT;
  }
}

/** Each entry's `revents` back in the caller's entry; false when one cannot be written. */
export function writeBackRevents(entries: readonly CapturedPollEntry[]): boolean {
  try {
    for (const entry of entries) entry.target.revents = entry.revents;
    return true;
  } catch {
    return false;
  }
}

/** NULL or an array the callee may fill (not frozen, its length writable). */
export function isOptionalWritableArray(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  try {
    if (!Array.isArray(value)) return false;
    const length = value.length;
    value.length = length;
    return !Object.isFrozen(value);
  } catch {
    return false;
  }
}

/**
 * A value as a C `int` parameter holds it (`WSASetLastError`, `SetLastError`): a number or BigInt
 * truncated to 32 bits, anything else 0. Never throws.
 */
export function asCInt(value: unknown): number {
  if (typeof value === 'number') return value | 0;
  if (typeof value === 'bigint') return Number(BigInt.asIntN(32, value));
  return 0;
}

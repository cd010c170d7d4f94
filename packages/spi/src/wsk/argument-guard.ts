/**
 * What WSK trusts of an argument before it touches it. A kernel WSK call given a bad pointer
 * bugchecks; here the caller's objects may be frozen, have throwing getters or be proxies that
 * throw on every access, and a WSK function must still answer with an NTSTATUS
 * (`STATUS_INVALID_PARAMETER`) instead of letting a JavaScript exception escape:
 *
 * - the objects WSK itself made and hands back (an `IRP`, a socket, a client object) are accepted
 *   only as themselves — an instance of WSK's class, not a proxy of one, and still writable where
 *   WSK writes (a frozen `IRP` cannot be completed);
 * - a structure the caller builds (`WSK_BUF`, `SOCKADDR`, out-cells, control blocks) is read
 *   through `readGuarded`, where a throwing read makes the structure malformed.
 * @module
 */

import { types } from 'node:util';

/**
 * True for an object of `kind` that is really one: not a proxy (whose traps may throw), not
 * frozen or sealed (WSK writes its fields).
 */
export function isGenuine<T extends object>(
  value: unknown,
  kind: abstract new (...args: never[]) => T,
): value is T {
  if (typeof value !== 'object' || value === null || types.isProxy(value)) return false;
  return value instanceof kind && Object.isExtensible(value);
}

/** True for a non-null object that is not a proxy: its fields can be read without traps. */
export function isInspectable(value: unknown): value is object {
  return (
    (typeof value === 'object' || typeof value === 'function') && value !== null && !types.isProxy(value)
  );
}

/** Runs `read`; `fallback` when it throws (a throwing getter makes the argument malformed). */
export function readGuarded<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}

/**
 * True when WSK can write `fields` of `record`: an inspectable object whose fields are writable
 * (or can be added). A setter may still throw; WSK writes such fields through `writeGuarded`.
 */
export function isWritableRecord(
  record: unknown,
  fields: readonly string[],
): record is Record<string, unknown> {
  if (!isInspectable(record)) return false;
  return fields.every((field) => {
    const own = Object.getOwnPropertyDescriptor(record, field);
    if (own) return own.writable === true || typeof own.set === 'function';
    return Object.isExtensible(record);
  });
}

/** True when `cell` is an out-cell `{ value }` WSK can write. */
export function isWritableCell(cell: unknown): cell is { value: unknown } {
  return isWritableRecord(cell, ['value']) && readGuarded(() => 'value' in cell, false);
}

/** Runs `write`; false when it threw (a setter that throws, a field made read-only meanwhile). */
export function writeGuarded(write: () => void): boolean {
  try {
    write();
    return true;
  } catch {
    return false;
  }
}

/**
 * A copy of a client's callback table (`WSK_CLIENT_CONNECTION_DISPATCH` …) with its `members`, each
 * a function or null, read once: WSK calls the copy, so a getter cannot throw on the transport's
 * path later (the tables are `const` in C; WSK may read them at any time). `null` for no table,
 * `undefined` for a malformed one (a member that is neither, a proxy, a throwing getter).
 */
export function copyCallbackTable<T extends object>(
  value: unknown,
  members: readonly string[],
): T | null | undefined {
  if (value === null || value === undefined) return null;
  if (!isInspectable(value)) return undefined;
  return readGuarded(() => {
    const table: Record<string, unknown> = {};
    for (const member of members) {
      const callback = (value as Record<string, unknown>)[member];
      if (callback !== null && callback !== undefined && typeof callback !== 'function') return undefined;
      table[member] = callback ?? null;
    }
    return Object.freeze(table) as T;
  }, undefined);
}

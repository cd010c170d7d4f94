/**
 * GUIDs as canonical strings: 8-4-4-4-12 lower-case hex digits, no braces. `ProviderId` is the unit
 * of install and uninstall in the catalog.
 * @module
 */

/** A GUID in canonical form, e.g. `'e70f1aa0-ab8b-11cf-8ca3-00805f48a192'`. */
export type GUID = string;

/**
 * `GUID_NULL` (guiddef.h), all zeros: no GUID — the `ProviderId` of a protocol info not yet
 * installed (`WSCInstallProvider` gives it the provider's).
 */
export const GUID_NULL: GUID = '00000000-0000-0000-0000-000000000000';

const canonical = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** True for a GUID in canonical lower-case form. */
export function isGuid(value: unknown): value is GUID {
  return typeof value === 'string' && canonical.test(value);
}

/**
 * Parses a GUID written as Windows does (`{E70F1AA0-AB8B-11CF-8CA3-00805F48A192}`) or canonically,
 * and returns its canonical form; `undefined` when it is not a GUID.
 */
export function parseGuid(text: string): GUID | undefined {
  const bare = text
    .trim()
    .replace(/^\{(.*)\}$/, '$1')
    .toLowerCase();
  return canonical.test(bare) ? bare : undefined;
}

/** Formats a GUID the way `netsh winsock show catalog` prints it: braces, upper case. */
export function formatGuid(guid: GUID): string {
  return `{${guid.toUpperCase()}}`;
}

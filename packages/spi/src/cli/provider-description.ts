import { describeProtocolInfoProblem } from '../catalog/catalog-entry-rules';
import type { GUID } from '../types/guid';
import { parseGuid } from '../types/guid';
import type { WSAPROTOCOL_INFOW } from '../types/protocol-info';
import { WSAPROTOCOL_INFOW_FIELDS } from '../types/protocol-info';

/** A provider to install, as `ws2spi catalog install --from FILE` reads it. */
export interface ProviderDescription {
  providerId: GUID;
  path: string;
  entries: WSAPROTOCOL_INFOW[];
}

/** The JSON of a provider description is wrong; the message says where (`entries[1].iProtocol: …`). */
export class ProviderDescriptionError extends Error {
  override readonly name = 'ProviderDescriptionError';
}

const REQUIRED = [
  'szProtocol',
  'iAddressFamily',
  'iSocketType',
  'iProtocol',
  'iMaxSockAddr',
  'iMinSockAddr',
  'dwServiceFlags1',
] as const;

/** Numbers that may be left out, and what they default to. */
const DEFAULTS: Partial<Record<keyof WSAPROTOCOL_INFOW, number>> = {
  dwServiceFlags2: 0,
  dwServiceFlags3: 0,
  dwServiceFlags4: 0,
  dwProviderFlags: 0,
  iVersion: 2,
  iProtocolMaxOffset: 0,
  iNetworkByteOrder: 0,
  iSecurityScheme: 0,
  dwMessageSize: 0,
  dwProviderReserved: 0,
};

const NUMERIC_FIELDS = new Set<string>(
  WSAPROTOCOL_INFOW_FIELDS.filter((field) => !['ProviderId', 'ProtocolChain', 'szProtocol'].includes(field)),
);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON number, or a `"0x…"` string (flag words read better in hex). */
function readNumber(value: unknown): unknown {
  if (typeof value === 'string' && /^0x[0-9a-f]+$/i.test(value)) return Number.parseInt(value.slice(2), 16);
  return value;
}

/**
 * Reads and validates the provider description in `text` (the content of `file`): an object with
 * `providerId` (a GUID, braces optional), `path` (a non-empty string) and `entries` (a non-empty
 * array of `WSAPROTOCOL_INFOW`-like objects, see `ws2spi catalog install --help`). Every problem is
 * a `ProviderDescriptionError` naming the file and the JSON path of the culprit.
 */
export function parseProviderDescription(text: string, file: string): ProviderDescription {
  const fail = (problem: string) => new ProviderDescriptionError(`${file}: ${problem}`);
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw fail(`not valid JSON (${(error as Error).message})`);
  }
  if (!isObject(document)) throw fail('expected an object { "providerId", "path", "entries" }');
  const unknownKey = Object.keys(document).find((key) => !['providerId', 'path', 'entries'].includes(key));
  if (unknownKey !== undefined)
    throw fail(`unknown member "${unknownKey}" (expected providerId, path, entries)`);
  const providerId = typeof document.providerId === 'string' ? parseGuid(document.providerId) : undefined;
  if (!providerId) throw fail(`providerId: expected a GUID, got ${JSON.stringify(document.providerId)}`);
  if (typeof document.path !== 'string' || document.path.length === 0) {
    throw fail('path: expected a non-empty string naming the provider module');
  }
  if (!Array.isArray(document.entries) || document.entries.length === 0) {
    throw fail('entries: expected a non-empty array of protocol entries');
  }
  const entries = document.entries.map((raw: unknown, i: number) => {
    const where = `entries[${i}]`;
    if (!isObject(raw)) throw fail(`${where}: expected an object`);
    const extra = Object.keys(raw).find(
      (key) => !(WSAPROTOCOL_INFOW_FIELDS as readonly string[]).includes(key),
    );
    if (extra !== undefined)
      throw fail(`${where}: unknown member "${extra}" (not a WSAPROTOCOL_INFOW member)`);
    const missing = REQUIRED.find((field) => raw[field] === undefined);
    if (missing) throw fail(`${where}.${missing}: required`);
    const info: Record<string, unknown> = { ...DEFAULTS };
    for (const [key, value] of Object.entries(raw))
      info[key] = NUMERIC_FIELDS.has(key) ? readNumber(value) : value;
    if (raw.ProtocolChain === undefined) info.ProtocolChain = { ChainLen: 1, ChainEntries: [] };
    else if (isObject(raw.ProtocolChain) && raw.ProtocolChain.ChainEntries === undefined) {
      info.ProtocolChain = { ...raw.ProtocolChain, ChainEntries: [] };
    }
    // The catalog assigns these two; placeholders keep the object a complete WSAPROTOCOL_INFOW.
    info.ProviderId = providerId;
    info.dwCatalogEntryId = 0;
    const problem = describeProtocolInfoProblem(info, where, { identity: false });
    if (problem) throw fail(problem);
    return info as unknown as WSAPROTOCOL_INFOW;
  });
  return { providerId, path: document.path, entries };
}

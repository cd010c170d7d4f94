/**
 * The text form of an `AF_ISO` address (`WSPAddressToString` / `WSPStringToAddress`), in the
 * notation ISODE and RFC 1278 ("A string encoding of Presentation Address") use for a transport
 * address over TCP, with the RFC 1277 `Internet=` network address:
 *
 * ```
 * "SRV"/Internet=127.0.0.1+102      TSAP selector "SRV" (IA5 text), IPv4 127.0.0.1, TCP port 102
 * '0001'H/Internet=[::1]+10102      selector 00 01 (hex), IPv6 ::1, port 10102
 * Internet=10.0.0.2+102             no selector
 * ```
 *
 * - A selector is written as `"text"` when every octet is printable ASCII other than `"`, else as
 *   `'hex'H`; both are read back, hex in either case.
 * - `+port` may be left out when reading (RFC 1277: the default is 102); it is always written.
 * - IPv6 addresses are bracketed (RFC 1277 predates IPv6; brackets keep the `+` unambiguous).
 * @module
 */

import { ISO_MAX_TSEL_LENGTH, ITOT_DEFAULT_PORT, type TpEndpoint } from './sockaddr-tp';

const PRINTABLE_FIRST = 0x20;
const PRINTABLE_LAST = 0x7e;
const QUOTE = 0x22;

function selectorText(tsel: Uint8Array): string {
  const printable = tsel.every((b) => b >= PRINTABLE_FIRST && b <= PRINTABLE_LAST && b !== QUOTE);
  if (printable) return `"${String.fromCharCode(...tsel)}"`;
  return `'${[...tsel].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join('')}'H`;
}

/** The text of an endpoint: `"TSEL"/Internet=host+port` (see the module comment). */
export function tpAddressText(endpoint: TpEndpoint): string {
  const host = endpoint.family === 6 ? `[${endpoint.address}]` : endpoint.address;
  const network = `Internet=${host}+${endpoint.port}`;
  return endpoint.tsel.length > 0 ? `${selectorText(endpoint.tsel)}/${network}` : network;
}

/** The parts of an address text, or undefined when the text is not one. The host is not yet checked. */
export function parseTpAddressText(text: string):
  | {
      /** The TSAP selector's octets (empty for none). */
      tsel: Uint8Array;
      /** The host as written, brackets removed (an IP address once checked). */
      host: string;
      /** The TCP port (102 when the text gives none). */
      port: number;
    }
  | undefined {
  const m =
    /^(?:(?:"([ !#-~]*)"|'([0-9A-Fa-f]*)'[Hh])\/)?Internet=(\[[0-9A-Fa-f:.]+\]|[0-9.]+)(?:\+(\d{1,5}))?$/.exec(
      text.trim(),
    );
  if (!m) return undefined;
  const [, quoted, hex, hostPart, portText] = m;
  let tsel: Uint8Array;
  if (hex !== undefined) {
    if (hex.length % 2 !== 0) return undefined;
    tsel = Uint8Array.from(hex.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
  } else {
    tsel = Uint8Array.from(quoted ?? '', (c) => c.charCodeAt(0));
  }
  if (tsel.length > ISO_MAX_TSEL_LENGTH) return undefined;
  const port = portText === undefined ? ITOT_DEFAULT_PORT : Number(portText);
  if (port > 0xffff) return undefined;
  const host = hostPart!.startsWith('[') ? hostPart!.slice(1, -1) : hostPart!;
  return { tsel, host, port };
}

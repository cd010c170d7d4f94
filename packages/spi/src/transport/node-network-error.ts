import { NetworkError, type NetworkErrorCode } from './stream-network';

const passthrough: ReadonlySet<string> = new Set<NetworkErrorCode>([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EADDRINUSE',
  'EADDRNOTAVAIL',
  'EMSGSIZE',
  'EPIPE',
  'EINVAL',
  'EACCES',
]);

/** Node codes that mean the same as one of ours. */
const aliases: Readonly<Record<string, NetworkErrorCode>> = {
  // A host that cannot be reached at all, whichever layer noticed.
  EHOSTDOWN: 'EHOSTUNREACH',
  // Permission: raw privilege or a firewall rule.
  EPERM: 'EACCES',
  // The local network stack refused the family or the address outright.
  EAFNOSUPPORT: 'EINVAL',
  EPROTOTYPE: 'EINVAL',
  ENOTCONN: 'EPIPE',
};

/**
 * Convert an error from Node's `net` or `dgram` into a `NetworkError` with the same POSIX code.
 * Node's own argument errors (`ERR_SOCKET_BAD_PORT`, `ERR_INVALID_ARG_TYPE` …) become `EINVAL`;
 * any other code becomes `fallback`, with the original kept as `cause`.
 */
export function networkErrorFromNode(error: unknown, fallback: NetworkErrorCode): NetworkError {
  if (error instanceof NetworkError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  let mapped: NetworkErrorCode = fallback;
  if (typeof code === 'string') {
    if (passthrough.has(code)) mapped = code as NetworkErrorCode;
    else if (aliases[code] !== undefined) mapped = aliases[code];
    else if (code.startsWith('ERR_')) mapped = 'EINVAL';
  }
  return new NetworkError(mapped, message, { cause: error });
}

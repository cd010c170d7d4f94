/**
 * Windows Sockets error codes, with Windows' names and values (psdk_inc/_wsa_errnos.h, winerror.h).
 * `WSABASEERR` is 10000; the WSA_IO_* / WSA_INVALID_* aliases map onto Win32 errors.
 * @module
 */

/** Base of the Winsock error range (`WSABASEERR`). */
export const WSABASEERR = 10000;

/** Every Winsock error code by its Windows name. */
export const WsaErrorCodes = {
  WSAEINTR: 10004,
  WSAEBADF: 10009,
  WSAEACCES: 10013,
  WSAEFAULT: 10014,
  WSAEINVAL: 10022,
  WSAEMFILE: 10024,
  WSAEWOULDBLOCK: 10035,
  WSAEINPROGRESS: 10036,
  WSAEALREADY: 10037,
  WSAENOTSOCK: 10038,
  WSAEDESTADDRREQ: 10039,
  WSAEMSGSIZE: 10040,
  WSAEPROTOTYPE: 10041,
  WSAENOPROTOOPT: 10042,
  WSAEPROTONOSUPPORT: 10043,
  WSAESOCKTNOSUPPORT: 10044,
  WSAEOPNOTSUPP: 10045,
  WSAEPFNOSUPPORT: 10046,
  WSAEAFNOSUPPORT: 10047,
  WSAEADDRINUSE: 10048,
  WSAEADDRNOTAVAIL: 10049,
  WSAENETDOWN: 10050,
  WSAENETUNREACH: 10051,
  WSAENETRESET: 10052,
  WSAECONNABORTED: 10053,
  WSAECONNRESET: 10054,
  WSAENOBUFS: 10055,
  WSAEISCONN: 10056,
  WSAENOTCONN: 10057,
  WSAESHUTDOWN: 10058,
  WSAETOOMANYREFS: 10059,
  WSAETIMEDOUT: 10060,
  WSAECONNREFUSED: 10061,
  WSAELOOP: 10062,
  WSAENAMETOOLONG: 10063,
  WSAEHOSTDOWN: 10064,
  WSAEHOSTUNREACH: 10065,
  WSAENOTEMPTY: 10066,
  WSAEPROCLIM: 10067,
  WSAEUSERS: 10068,
  WSAEDQUOT: 10069,
  WSAESTALE: 10070,
  WSAEREMOTE: 10071,
  WSASYSNOTREADY: 10091,
  WSAVERNOTSUPPORTED: 10092,
  WSANOTINITIALISED: 10093,
  WSAEDISCON: 10101,
  WSAENOMORE: 10102,
  WSAECANCELLED: 10103,
  WSAEINVALIDPROCTABLE: 10104,
  WSAEINVALIDPROVIDER: 10105,
  WSAEPROVIDERFAILEDINIT: 10106,
  WSASYSCALLFAILURE: 10107,
  WSASERVICE_NOT_FOUND: 10108,
  WSATYPE_NOT_FOUND: 10109,
  WSA_E_NO_MORE: 10110,
  WSA_E_CANCELLED: 10111,
  WSAEREFUSED: 10112,
  WSAHOST_NOT_FOUND: 11001,
  WSATRY_AGAIN: 11002,
  WSANO_RECOVERY: 11003,
  WSANO_DATA: 11004,
  WSA_QOS_RECEIVERS: 11005,
  WSA_QOS_SENDERS: 11006,
  WSA_QOS_NO_SENDERS: 11007,
  WSA_QOS_NO_RECEIVERS: 11008,
  WSA_QOS_REQUEST_CONFIRMED: 11009,
  WSA_QOS_ADMISSION_FAILURE: 11010,
  WSA_QOS_POLICY_FAILURE: 11011,
  WSA_QOS_BAD_STYLE: 11012,
  WSA_QOS_BAD_OBJECT: 11013,
  WSA_QOS_TRAFFIC_CTRL_ERROR: 11014,
  WSA_QOS_GENERIC_ERROR: 11015,
  WSA_QOS_ESERVICETYPE: 11016,
  WSA_QOS_EFLOWSPEC: 11017,
  WSA_QOS_EPROVSPECBUF: 11018,
  WSA_QOS_EFILTERSTYLE: 11019,
  WSA_QOS_EFILTERTYPE: 11020,
  WSA_QOS_EFILTERCOUNT: 11021,
  WSA_QOS_EOBJLENGTH: 11022,
  WSA_QOS_EFLOWCOUNT: 11023,
  WSA_QOS_EUNKOWNPSOBJ: 11024,
  WSA_QOS_EPOLICYOBJ: 11025,
  WSA_QOS_EFLOWDESC: 11026,
  WSA_QOS_EPSFLOWSPEC: 11027,
  WSA_QOS_EPSFILTERSPEC: 11028,
  WSA_QOS_ESDMODEOBJ: 11029,
  WSA_QOS_ESHAPERATEOBJ: 11030,
  WSA_QOS_RESERVED_PETYPE: 11031,
  /** Overlapped aliases onto Win32 errors (winsock2.h + winerror.h). */
  WSA_INVALID_HANDLE: 6,
  WSA_NOT_ENOUGH_MEMORY: 8,
  WSA_INVALID_PARAMETER: 87,
  WSA_OPERATION_ABORTED: 995,
  WSA_IO_INCOMPLETE: 996,
  WSA_IO_PENDING: 997,
} as const;

/** A Winsock error name, e.g. `'WSAENOPROTOOPT'`. */
export type WsaErrorName = keyof typeof WsaErrorCodes;
/** A Winsock error code, e.g. `10042`. */
export type WsaErrorCode = (typeof WsaErrorCodes)[WsaErrorName];

export const {
  WSAEINTR,
  WSAEBADF,
  WSAEACCES,
  WSAEFAULT,
  WSAEINVAL,
  WSAEMFILE,
  WSAEWOULDBLOCK,
  WSAEINPROGRESS,
  WSAEALREADY,
  WSAENOTSOCK,
  WSAEDESTADDRREQ,
  WSAEMSGSIZE,
  WSAEPROTOTYPE,
  WSAENOPROTOOPT,
  WSAEPROTONOSUPPORT,
  WSAESOCKTNOSUPPORT,
  WSAEOPNOTSUPP,
  WSAEPFNOSUPPORT,
  WSAEAFNOSUPPORT,
  WSAEADDRINUSE,
  WSAEADDRNOTAVAIL,
  WSAENETDOWN,
  WSAENETUNREACH,
  WSAENETRESET,
  WSAECONNABORTED,
  WSAECONNRESET,
  WSAENOBUFS,
  WSAEISCONN,
  WSAENOTCONN,
  WSAESHUTDOWN,
  WSAETOOMANYREFS,
  WSAETIMEDOUT,
  WSAECONNREFUSED,
  WSAELOOP,
  WSAENAMETOOLONG,
  WSAEHOSTDOWN,
  WSAEHOSTUNREACH,
  WSAENOTEMPTY,
  WSAEPROCLIM,
  WSAEUSERS,
  WSAEDQUOT,
  WSAESTALE,
  WSAEREMOTE,
  WSASYSNOTREADY,
  WSAVERNOTSUPPORTED,
  WSANOTINITIALISED,
  WSAEDISCON,
  WSAENOMORE,
  WSAECANCELLED,
  WSAEINVALIDPROCTABLE,
  WSAEINVALIDPROVIDER,
  WSAEPROVIDERFAILEDINIT,
  WSASYSCALLFAILURE,
  WSASERVICE_NOT_FOUND,
  WSATYPE_NOT_FOUND,
  WSA_E_NO_MORE,
  WSA_E_CANCELLED,
  WSAEREFUSED,
  WSAHOST_NOT_FOUND,
  WSATRY_AGAIN,
  WSANO_RECOVERY,
  WSANO_DATA,
  WSA_INVALID_HANDLE,
  WSA_NOT_ENOUGH_MEMORY,
  WSA_INVALID_PARAMETER,
  WSA_OPERATION_ABORTED,
  WSA_IO_INCOMPLETE,
  WSA_IO_PENDING,
} = WsaErrorCodes;

/** `WSANO_ADDRESS` is the same code as `WSANO_DATA` (winsock2.h). */
export const WSANO_ADDRESS = WSANO_DATA;

const namesByCode = new Map<number, WsaErrorName>();
for (const [name, code] of Object.entries(WsaErrorCodes) as [WsaErrorName, number][]) {
  if (!namesByCode.has(code)) namesByCode.set(code, name);
}

/**
 * The Windows name of a Winsock error code (`10042` → `'WSAENOPROTOOPT'`); 0 is `'NO_ERROR'`, and
 * an unknown number is rendered as `'WSA error 12345'` so a message never loses the value.
 */
export function wsaErrorName(code: number): string {
  if (code === 0) return 'NO_ERROR';
  return namesByCode.get(code) ?? `WSA error ${code}`;
}

/** True when `code` is one of the Winsock error codes above. */
export function isWsaErrorCode(code: unknown): code is WsaErrorCode {
  return typeof code === 'number' && namesByCode.has(code);
}

const descriptions: Partial<Record<WsaErrorName, string>> = {
  WSAEINTR: 'A blocking operation was interrupted',
  WSAEACCES: 'An attempt was made to access a socket in a way forbidden by its access permissions',
  WSAEFAULT: 'The system detected an invalid pointer address or a buffer that is too small',
  WSAEINVAL: 'An invalid argument was supplied',
  WSAEMFILE: 'Too many open sockets',
  WSAEWOULDBLOCK: 'A non-blocking socket operation could not be completed immediately',
  WSAEINPROGRESS: 'A blocking operation is currently executing',
  WSAEALREADY:
    'An operation was attempted on a non-blocking socket that already had an operation in progress',
  WSAENOTSOCK: 'An operation was attempted on something that is not a socket',
  WSAEDESTADDRREQ: 'A required address was omitted from an operation on a socket',
  WSAEMSGSIZE: 'A message was larger than the internal message buffer or another network limit',
  WSAEPROTOTYPE: 'A protocol was specified that does not support the semantics of the socket type',
  WSAENOPROTOOPT: 'An unknown, invalid or unsupported option or level was specified',
  WSAEPROTONOSUPPORT: 'The requested protocol has not been configured or has no implementation',
  WSAESOCKTNOSUPPORT: 'The support for the specified socket type does not exist in this address family',
  WSAEOPNOTSUPP: 'The attempted operation is not supported for the type of object referenced',
  WSAEAFNOSUPPORT: 'An address incompatible with the requested protocol was used',
  WSAEADDRINUSE: 'Only one usage of each socket address is normally permitted',
  WSAEADDRNOTAVAIL: 'The requested address is not valid in its context',
  WSAENETDOWN: 'A socket operation encountered a dead network',
  WSAENETUNREACH: 'A socket operation was attempted to an unreachable network',
  WSAECONNABORTED: 'An established connection was aborted by the software in your host machine',
  WSAECONNRESET: 'An existing connection was forcibly closed by the remote host',
  WSAENOBUFS: 'No buffer space available, or the buffer supplied is too small',
  WSAEISCONN: 'A connect request was made on an already connected socket',
  WSAENOTCONN: 'The socket is not connected',
  WSAESHUTDOWN: 'The socket had already been shut down in that direction',
  WSAETIMEDOUT: 'A connection attempt failed because the connected party did not properly respond',
  WSAECONNREFUSED: 'No connection could be made because the target machine actively refused it',
  WSAEHOSTUNREACH: 'A socket operation was attempted to an unreachable host',
  WSASYSNOTREADY: 'The underlying network subsystem is not ready',
  WSAVERNOTSUPPORTED: 'The Windows Sockets version requested is not supported',
  WSANOTINITIALISED: 'Either the application has not called WSAStartup, or WSAStartup failed',
  WSAEDISCON: 'The remote party has initiated a graceful shutdown sequence',
  WSAEINVALIDPROCTABLE: 'The procedure call table is invalid',
  WSAEINVALIDPROVIDER: 'The requested service provider is invalid',
  WSAEPROVIDERFAILEDINIT: 'The requested service provider could not be loaded or initialized',
  WSASYSCALLFAILURE: 'A system call that should never fail has failed',
  WSANO_RECOVERY: 'A non-recoverable error occurred',
};

/** A one-line description of a Winsock error, in the words of the Windows message table where known. */
export function wsaErrorDescription(code: number): string {
  const name = namesByCode.get(code);
  return (name && descriptions[name]) ?? wsaErrorName(code);
}

/**
 * Windows Sockets error codes, with Windows' names and values (psdk_inc/_wsa_errnos.h, winerror.h).
 * `WSABASEERR` is 10000; the WSA_IO_* / WSA_INVALID_* aliases map onto Win32 errors.
 * @module
 */

/** Base of the Winsock error range (`WSABASEERR`). */
export const WSABASEERR = 10000;

// The codes (psdk_inc/_wsa_errnos.h; the WSA_* overlapped aliases map onto Win32 errors of winerror.h),
// each with the short title of Microsoft Learn's "Windows Sockets Error Codes" page.
/** `WSAEINTR` (10004): Interrupted function call. */
export const WSAEINTR = 10004;
/** `WSAEBADF` (10009): File handle is not valid. */
export const WSAEBADF = 10009;
/** `WSAEACCES` (10013): Permission denied. */
export const WSAEACCES = 10013;
/** `WSAEFAULT` (10014): Bad address (a pointer or buffer length is wrong). */
export const WSAEFAULT = 10014;
/** `WSAEINVAL` (10022): Invalid argument. */
export const WSAEINVAL = 10022;
/** `WSAEMFILE` (10024): Too many open sockets. */
export const WSAEMFILE = 10024;
/** `WSAEWOULDBLOCK` (10035): Resource temporarily unavailable (a non-blocking call would block). */
export const WSAEWOULDBLOCK = 10035;
/** `WSAEINPROGRESS` (10036): Operation now in progress (a blocking call is running). */
export const WSAEINPROGRESS = 10036;
/** `WSAEALREADY` (10037): Operation already in progress. */
export const WSAEALREADY = 10037;
/** `WSAENOTSOCK` (10038): Socket operation on nonsocket. */
export const WSAENOTSOCK = 10038;
/** `WSAEDESTADDRREQ` (10039): Destination address required. */
export const WSAEDESTADDRREQ = 10039;
/** `WSAEMSGSIZE` (10040): Message too long. */
export const WSAEMSGSIZE = 10040;
/** `WSAEPROTOTYPE` (10041): Protocol wrong type for socket. */
export const WSAEPROTOTYPE = 10041;
/** `WSAENOPROTOOPT` (10042): Bad protocol option (also: disconnect data on a protocol without `XP1_DISCONNECT_DATA`). */
export const WSAENOPROTOOPT = 10042;
/** `WSAEPROTONOSUPPORT` (10043): Protocol not supported. */
export const WSAEPROTONOSUPPORT = 10043;
/** `WSAESOCKTNOSUPPORT` (10044): Socket type not supported. */
export const WSAESOCKTNOSUPPORT = 10044;
/** `WSAEOPNOTSUPP` (10045): Operation not supported. */
export const WSAEOPNOTSUPP = 10045;
/** `WSAEPFNOSUPPORT` (10046): Protocol family not supported. */
export const WSAEPFNOSUPPORT = 10046;
/** `WSAEAFNOSUPPORT` (10047): Address family not supported by protocol family. */
export const WSAEAFNOSUPPORT = 10047;
/** `WSAEADDRINUSE` (10048): Address already in use. */
export const WSAEADDRINUSE = 10048;
/** `WSAEADDRNOTAVAIL` (10049): Cannot assign requested address. */
export const WSAEADDRNOTAVAIL = 10049;
/** `WSAENETDOWN` (10050): Network is down. */
export const WSAENETDOWN = 10050;
/** `WSAENETUNREACH` (10051): Network is unreachable. */
export const WSAENETUNREACH = 10051;
/** `WSAENETRESET` (10052): Network dropped connection on reset. */
export const WSAENETRESET = 10052;
/** `WSAECONNABORTED` (10053): Software caused connection abort. */
export const WSAECONNABORTED = 10053;
/** `WSAECONNRESET` (10054): Connection reset by peer. */
export const WSAECONNRESET = 10054;
/** `WSAENOBUFS` (10055): No buffer space available. */
export const WSAENOBUFS = 10055;
/** `WSAEISCONN` (10056): Socket is already connected. */
export const WSAEISCONN = 10056;
/** `WSAENOTCONN` (10057): Socket is not connected. */
export const WSAENOTCONN = 10057;
/** `WSAESHUTDOWN` (10058): Cannot send (or receive) after socket shutdown. */
export const WSAESHUTDOWN = 10058;
/** `WSAETOOMANYREFS` (10059): Too many references. */
export const WSAETOOMANYREFS = 10059;
/** `WSAETIMEDOUT` (10060): Connection timed out. */
export const WSAETIMEDOUT = 10060;
/** `WSAECONNREFUSED` (10061): Connection refused. */
export const WSAECONNREFUSED = 10061;
/** `WSAELOOP` (10062): Cannot translate name. */
export const WSAELOOP = 10062;
/** `WSAENAMETOOLONG` (10063): Name too long. */
export const WSAENAMETOOLONG = 10063;
/** `WSAEHOSTDOWN` (10064): Host is down. */
export const WSAEHOSTDOWN = 10064;
/** `WSAEHOSTUNREACH` (10065): No route to host. */
export const WSAEHOSTUNREACH = 10065;
/** `WSAENOTEMPTY` (10066): Directory not empty. */
export const WSAENOTEMPTY = 10066;
/** `WSAEPROCLIM` (10067): Too many processes. */
export const WSAEPROCLIM = 10067;
/** `WSAEUSERS` (10068): User quota exceeded. */
export const WSAEUSERS = 10068;
/** `WSAEDQUOT` (10069): Disk quota exceeded. */
export const WSAEDQUOT = 10069;
/** `WSAESTALE` (10070): Stale file handle reference. */
export const WSAESTALE = 10070;
/** `WSAEREMOTE` (10071): Item is remote. */
export const WSAEREMOTE = 10071;
/** `WSASYSNOTREADY` (10091): Network subsystem is unavailable. */
export const WSASYSNOTREADY = 10091;
/** `WSAVERNOTSUPPORTED` (10092): Winsock version out of range. */
export const WSAVERNOTSUPPORTED = 10092;
/** `WSANOTINITIALISED` (10093): Successful WSAStartup not yet performed. */
export const WSANOTINITIALISED = 10093;
/** `WSAEDISCON` (10101): Graceful shutdown in progress (a message-oriented peer disconnected). */
export const WSAEDISCON = 10101;
/** `WSAENOMORE` (10102): No more results. */
export const WSAENOMORE = 10102;
/** `WSAECANCELLED` (10103): Call has been canceled. */
export const WSAECANCELLED = 10103;
/** `WSAEINVALIDPROCTABLE` (10104): Procedure call table is invalid. */
export const WSAEINVALIDPROCTABLE = 10104;
/** `WSAEINVALIDPROVIDER` (10105): Service provider is invalid. */
export const WSAEINVALIDPROVIDER = 10105;
/** `WSAEPROVIDERFAILEDINIT` (10106): Service provider failed to initialize (a broken or orphaned LSP chain). */
export const WSAEPROVIDERFAILEDINIT = 10106;
/** `WSASYSCALLFAILURE` (10107): System call failure (a provider failed without an error code). */
export const WSASYSCALLFAILURE = 10107;
/** `WSASERVICE_NOT_FOUND` (10108): Service not found. */
export const WSASERVICE_NOT_FOUND = 10108;
/** `WSATYPE_NOT_FOUND` (10109): Class type not found. */
export const WSATYPE_NOT_FOUND = 10109;
/** `WSA_E_NO_MORE` (10110): No more results. */
export const WSA_E_NO_MORE = 10110;
/** `WSA_E_CANCELLED` (10111): Call was canceled. */
export const WSA_E_CANCELLED = 10111;
/** `WSAEREFUSED` (10112): Database query was refused. */
export const WSAEREFUSED = 10112;
/** `WSAHOST_NOT_FOUND` (11001): Host not found. */
export const WSAHOST_NOT_FOUND = 11001;
/** `WSATRY_AGAIN` (11002): Nonauthoritative host not found (try again). */
export const WSATRY_AGAIN = 11002;
/** `WSANO_RECOVERY` (11003): This is a nonrecoverable error (also: the catalog could not be read or written). */
export const WSANO_RECOVERY = 11003;
/** `WSANO_DATA` (11004): Valid name, no data record of requested type. */
export const WSANO_DATA = 11004;
/** `WSA_QOS_RECEIVERS` (11005): QoS receivers. */
export const WSA_QOS_RECEIVERS = 11005;
/** `WSA_QOS_SENDERS` (11006): QoS senders. */
export const WSA_QOS_SENDERS = 11006;
/** `WSA_QOS_NO_SENDERS` (11007): No QoS senders. */
export const WSA_QOS_NO_SENDERS = 11007;
/** `WSA_QOS_NO_RECEIVERS` (11008): QoS no receivers. */
export const WSA_QOS_NO_RECEIVERS = 11008;
/** `WSA_QOS_REQUEST_CONFIRMED` (11009): QoS request confirmed. */
export const WSA_QOS_REQUEST_CONFIRMED = 11009;
/** `WSA_QOS_ADMISSION_FAILURE` (11010): QoS admission error. */
export const WSA_QOS_ADMISSION_FAILURE = 11010;
/** `WSA_QOS_POLICY_FAILURE` (11011): QoS policy failure. */
export const WSA_QOS_POLICY_FAILURE = 11011;
/** `WSA_QOS_BAD_STYLE` (11012): QoS bad style. */
export const WSA_QOS_BAD_STYLE = 11012;
/** `WSA_QOS_BAD_OBJECT` (11013): QoS bad object. */
export const WSA_QOS_BAD_OBJECT = 11013;
/** `WSA_QOS_TRAFFIC_CTRL_ERROR` (11014): QoS traffic control error. */
export const WSA_QOS_TRAFFIC_CTRL_ERROR = 11014;
/** `WSA_QOS_GENERIC_ERROR` (11015): QoS generic error. */
export const WSA_QOS_GENERIC_ERROR = 11015;
/** `WSA_QOS_ESERVICETYPE` (11016): QoS service type error. */
export const WSA_QOS_ESERVICETYPE = 11016;
/** `WSA_QOS_EFLOWSPEC` (11017): QoS flowspec error. */
export const WSA_QOS_EFLOWSPEC = 11017;
/** `WSA_QOS_EPROVSPECBUF` (11018): Invalid QoS provider buffer. */
export const WSA_QOS_EPROVSPECBUF = 11018;
/** `WSA_QOS_EFILTERSTYLE` (11019): Invalid QoS filter style. */
export const WSA_QOS_EFILTERSTYLE = 11019;
/** `WSA_QOS_EFILTERTYPE` (11020): Invalid QoS filter type. */
export const WSA_QOS_EFILTERTYPE = 11020;
/** `WSA_QOS_EFILTERCOUNT` (11021): Incorrect QoS filter count. */
export const WSA_QOS_EFILTERCOUNT = 11021;
/** `WSA_QOS_EOBJLENGTH` (11022): Invalid QoS object length. */
export const WSA_QOS_EOBJLENGTH = 11022;
/** `WSA_QOS_EFLOWCOUNT` (11023): Incorrect QoS flow count. */
export const WSA_QOS_EFLOWCOUNT = 11023;
/** `WSA_QOS_EUNKOWNPSOBJ` (11024): Unrecognized QoS object. */
export const WSA_QOS_EUNKOWNPSOBJ = 11024;
/** `WSA_QOS_EPOLICYOBJ` (11025): Invalid QoS policy object. */
export const WSA_QOS_EPOLICYOBJ = 11025;
/** `WSA_QOS_EFLOWDESC` (11026): Invalid QoS flow descriptor. */
export const WSA_QOS_EFLOWDESC = 11026;
/** `WSA_QOS_EPSFLOWSPEC` (11027): Invalid QoS provider-specific flowspec. */
export const WSA_QOS_EPSFLOWSPEC = 11027;
/** `WSA_QOS_EPSFILTERSPEC` (11028): Invalid QoS provider-specific filterspec. */
export const WSA_QOS_EPSFILTERSPEC = 11028;
/** `WSA_QOS_ESDMODEOBJ` (11029): Invalid QoS shape discard mode object. */
export const WSA_QOS_ESDMODEOBJ = 11029;
/** `WSA_QOS_ESHAPERATEOBJ` (11030): Invalid QoS shaping rate object. */
export const WSA_QOS_ESHAPERATEOBJ = 11030;
/** `WSA_QOS_RESERVED_PETYPE` (11031): Reserved policy QoS element type. */
export const WSA_QOS_RESERVED_PETYPE = 11031;

/** `WSA_INVALID_HANDLE` (6): Specified event object handle is invalid (`ERROR_INVALID_HANDLE`). */
export const WSA_INVALID_HANDLE = 6;
/** `WSA_NOT_ENOUGH_MEMORY` (8): Insufficient memory available (`ERROR_NOT_ENOUGH_MEMORY`). */
export const WSA_NOT_ENOUGH_MEMORY = 8;
/** `WSA_INVALID_PARAMETER` (87): One or more parameters are invalid (`ERROR_INVALID_PARAMETER`). */
export const WSA_INVALID_PARAMETER = 87;
/** `WSA_OPERATION_ABORTED` (995): Overlapped operation aborted (`ERROR_OPERATION_ABORTED`). */
export const WSA_OPERATION_ABORTED = 995;
/** `WSA_IO_INCOMPLETE` (996): Overlapped I/O event object not in signaled state (`ERROR_IO_INCOMPLETE`). */
export const WSA_IO_INCOMPLETE = 996;
/** `WSA_IO_PENDING` (997): Overlapped operations will complete later (`ERROR_IO_PENDING`). */
export const WSA_IO_PENDING = 997;

/** Every Winsock error code by its Windows name. */
export const WsaErrorCodes = {
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
  WSA_QOS_RECEIVERS,
  WSA_QOS_SENDERS,
  WSA_QOS_NO_SENDERS,
  WSA_QOS_NO_RECEIVERS,
  WSA_QOS_REQUEST_CONFIRMED,
  WSA_QOS_ADMISSION_FAILURE,
  WSA_QOS_POLICY_FAILURE,
  WSA_QOS_BAD_STYLE,
  WSA_QOS_BAD_OBJECT,
  WSA_QOS_TRAFFIC_CTRL_ERROR,
  WSA_QOS_GENERIC_ERROR,
  WSA_QOS_ESERVICETYPE,
  WSA_QOS_EFLOWSPEC,
  WSA_QOS_EPROVSPECBUF,
  WSA_QOS_EFILTERSTYLE,
  WSA_QOS_EFILTERTYPE,
  WSA_QOS_EFILTERCOUNT,
  WSA_QOS_EOBJLENGTH,
  WSA_QOS_EFLOWCOUNT,
  WSA_QOS_EUNKOWNPSOBJ,
  WSA_QOS_EPOLICYOBJ,
  WSA_QOS_EFLOWDESC,
  WSA_QOS_EPSFLOWSPEC,
  WSA_QOS_EPSFILTERSPEC,
  WSA_QOS_ESDMODEOBJ,
  WSA_QOS_ESHAPERATEOBJ,
  WSA_QOS_RESERVED_PETYPE,
  WSA_INVALID_HANDLE,
  WSA_NOT_ENOUGH_MEMORY,
  WSA_INVALID_PARAMETER,
  WSA_OPERATION_ABORTED,
  WSA_IO_INCOMPLETE,
  WSA_IO_PENDING,
} as const;

/** A Winsock error name, e.g. `'WSAENOPROTOOPT'`. */
export type WsaErrorName = keyof typeof WsaErrorCodes;
/** A Winsock error code, e.g. `10042`. */
export type WsaErrorCode = (typeof WsaErrorCodes)[WsaErrorName];
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

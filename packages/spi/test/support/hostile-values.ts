/**
 * Hostile JavaScript values for the winsock2.h API: what C cannot pass but JavaScript can — NULL
 * where a structure belongs, a BigInt where an int belongs, NaN, a frozen out-cell, a getter or a
 * Proxy that throws, an array with holes, malformed WSABUFs and socket addresses.
 */

/** The hostile Proxies made by `throwingProxy`, to know them without running their traps. */
export const proxies = new WeakSet<object>();

/** Every field name a Winsock structure here has: the throwing-getter object throws on each. */
const FIELDS = [
  'value',
  'len',
  'buf',
  'sa_family',
  'sin_port',
  'sin_addr',
  'fd',
  'events',
  'revents',
  'fd_array',
  'tv_sec',
  'tv_usec',
  'Internal',
  'InternalHigh',
  'hEvent',
  'lNetworkEvents',
  'iErrorCode',
  'post',
  'ProtocolChain',
  'dwCatalogEntryId',
  'iAddressFamily',
  'iSocketType',
  'iProtocol',
  'dwProviderReserved',
  'wVersion',
  'wHighVersion',
  'szDescription',
  'szSystemStatus',
  'iMaxSockets',
  'iMaxUdpDg',
  'lpVendorInfo',
  'length',
  '0',
];

export function throwingGetters(): object {
  const o = {};
  for (const f of FIELDS) {
    Object.defineProperty(o, f, {
      enumerable: true,
      get() {
        throw new Error(`hostile getter ${f}`);
      },
      set() {
        throw new Error(`hostile setter ${f}`);
      },
    });
  }
  return o;
}

export function throwingProxy(): object {
  const fail = (): never => {
    throw new Error('hostile proxy');
  };
  const proxy = new Proxy(
    {},
    {
      get: fail,
      set: fail,
      has: fail,
      ownKeys: fail,
      getOwnPropertyDescriptor: fail,
      getPrototypeOf: fail,
      defineProperty: fail,
      deleteProperty: fail,
    },
  );
  proxies.add(proxy);
  return proxy;
}

/** The hostile values, made fresh for every call (a probe may add a `value` to a plain object). */
export function hostileValues(): Record<string, unknown> {
  // biome-ignore lint/suspicious/noSparseArray: an array with holes is one of the hostile values.
  const holes = [, , ,];
  return {
    null: null,
    undefined: undefined,
    'five (5)': 5,
    'minus one': -1,
    fraction: 1.5,
    NaN: Number.NaN,
    Infinity: Number.POSITIVE_INFINITY,
    '-Infinity': Number.NEGATIVE_INFINITY,
    '2^53': 2 ** 53,
    '2^32': 2 ** 32,
    BigInt: 5n,
    string: '5',
    boolean: true,
    symbol: Symbol('hostile'),
    'empty object': {},
    'empty array': [],
    'array with holes': holes,
    function: () => 0,
    'frozen cell': Object.freeze({ value: 0 }),
    'read-only value': Object.defineProperty({}, 'value', { value: 0, writable: false, enumerable: true }),
    'throwing getters': throwingGetters(),
    'throwing Proxy': throwingProxy(),
    'WSABUF with len past buf': { len: 10, buf: new Uint8Array(2) },
    'WSABUF with a string buf': { len: 1, buf: 'abc' },
    'WSABUF with a Uint16Array': { len: 1, buf: new Uint16Array(1) },
    'WSABUF with a BigInt len': { len: 1n, buf: new Uint8Array(1) },
    'WSABUF with a negative len': { len: -1, buf: new Uint8Array(1) },
    'WSABUF with a fractional len': { len: 0.5, buf: new Uint8Array(1) },
    'frozen WSABUF': Object.freeze({ len: 1, buf: new Uint8Array(1) }),
    'SOCKADDR with a BigInt family': { sa_family: 2n, sin_port: 1, sin_addr: '10.0.0.1' },
    'SOCKADDR without a family': { sin_port: 1, sin_addr: '10.0.0.1' },
    'cell with a BigInt': { value: 5n },
    'cell with NaN': { value: Number.NaN },
    'cell with a string': { value: '16' },
  };
}

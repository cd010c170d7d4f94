/**
 * `WSK_SOCKET` and `PWSK_CLIENT`: the two objects WSK hands a client. A socket's `Dispatch` is the
 * provider table of its category (`WSK_PROVIDER_BASIC_DISPATCH`, `_LISTEN_`, `_CONNECTION_`,
 * `_DATAGRAM_`); a client casts it, as C code does, and passes the socket back as the first argument:
 * `(socket.Dispatch as WSK_PROVIDER_CONNECTION_DISPATCH).WskSend(socket, buf, 0, irp)`.
 * @module
 */

/** `WSK_SOCKET`: a socket object; `Dispatch` is its category's provider table. */
export interface WSK_SOCKET {
  /**
   * The socket's category table: cast it to `WSK_PROVIDER_LISTEN_DISPATCH`, `_CONNECTION_`,
   * `_DATAGRAM_` or `_BASIC_`.
   */
  readonly Dispatch: object;
}

/** `PWSK_CLIENT`: the client object `WskCaptureProviderNPI` returns in `WSK_PROVIDER_NPI.Client`; opaque. */
export type PWSK_CLIENT = object;

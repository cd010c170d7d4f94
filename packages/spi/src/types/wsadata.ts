/**
 * `WSADATA` (winsock2.h), filled by `WSAStartup` even when it fails. `iMaxSockets`/`iMaxUdpDg` are
 * only meaningful for version 1.x (32767 / 65467), 0 otherwise; `lpVendorInfo` is always null.
 */
export interface WSADATA {
  /** The version the caller should use (negotiated by `WSAStartup`). */
  wVersion: number;
  /** The highest version supported. */
  wHighVersion: number;
  /** A description of the implementation. */
  szDescription: string;
  /** A status or configuration string. */
  szSystemStatus: string;
  /** Ignored since Winsock 2 (0). */
  iMaxSockets: number;
  /** Ignored since Winsock 2 (0). */
  iMaxUdpDg: number;
  /** Ignored since Winsock 2. */
  lpVendorInfo: null;
}

/** An empty `WSADATA` for use as an out-parameter. */
export function emptyWsaData(): WSADATA {
  return {
    wVersion: 0,
    wHighVersion: 0,
    szDescription: '',
    szSystemStatus: '',
    iMaxSockets: 0,
    iMaxUdpDg: 0,
    lpVendorInfo: null,
  };
}

/** `WSPDATA` (ws2spi.h), filled by a provider's `WSPStartup`. */
export interface WSPDATA {
  /** The SPI version the provider uses (negotiated by `WSPStartup`). */
  wVersion: number;
  /** The highest SPI version the provider supports. */
  wHighVersion: number;
  /** At most `WSPDESCRIPTION_LEN` (255) characters. */
  szDescription: string;
}

/** An empty `WSPDATA` for use as an out-parameter. */
export function emptyWspData(): WSPDATA {
  return { wVersion: 0, wHighVersion: 0, szDescription: '' };
}

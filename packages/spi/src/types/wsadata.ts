/**
 * `WSADATA` (winsock2.h), filled by `WSAStartup` even when it fails. `iMaxSockets`/`iMaxUdpDg` are
 * only meaningful for version 1.x (32767 / 65467), 0 otherwise; `lpVendorInfo` is always null.
 */
export interface WSADATA {
  wVersion: number;
  wHighVersion: number;
  szDescription: string;
  szSystemStatus: string;
  iMaxSockets: number;
  iMaxUdpDg: number;
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
  wVersion: number;
  wHighVersion: number;
  /** At most `WSPDESCRIPTION_LEN` (255) characters. */
  szDescription: string;
}

/** An empty `WSPDATA` for use as an out-parameter. */
export function emptyWspData(): WSPDATA {
  return { wVersion: 0, wHighVersion: 0, szDescription: '' };
}

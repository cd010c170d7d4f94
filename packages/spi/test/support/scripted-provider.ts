import {
  createIfsHandle,
  INVALID_SOCKET,
  type LPWSPSTARTUP,
  MAKEWORD,
  out,
  SOCKET_ERROR,
  WSAENOTSOCK,
  type WSAPROTOCOL_INFOW,
  type WSPPROC_TABLE,
  WSPPROC_TABLE_MEMBERS,
  type WSPUPCALLTABLE,
} from '@ws2spi/spi';

/** One recorded call into the scripted provider. */
export interface ScriptedCall {
  name: string;
  args: unknown[];
}

/**
 * A provider for dispatcher tests: every WSP call is recorded; calls succeed trivially unless a
 * test overrides them. Sockets are claimed through the real upcalls — non-IFS by default
 * (`WPUCreateSocketHandle`), IFS with `ifs: true`.
 */
export interface ScriptedProvider {
  WSPStartup: LPWSPSTARTUP;
  calls: ScriptedCall[];
  startups: { version: number; info: WSAPROTOCOL_INFOW }[];
  cleanups: number;
  upcalls?: WSPUPCALLTABLE;
  sockets: Map<number, { context: object }>;
  overrides: Partial<WSPPROC_TABLE>;
  names(): string[];
}

export function scriptedProvider(
  options: { ifs?: boolean; startup?: Partial<WSPPROC_TABLE> } = {},
): ScriptedProvider {
  const provider: ScriptedProvider = {
    calls: [],
    startups: [],
    cleanups: 0,
    sockets: new Map(),
    overrides: {},
    names: () => provider.calls.map((c) => c.name),
    WSPStartup(version, data, info, upcalls, table) {
      provider.startups.push({ version, info });
      provider.upcalls = upcalls;
      data.wVersion = MAKEWORD(2, 2);
      data.wHighVersion = MAKEWORD(2, 2);
      data.szDescription = 'scripted provider';
      const defaults = defaultTable(provider, info, options.ifs ?? false);
      for (const name of WSPPROC_TABLE_MEMBERS) {
        (table as Record<string, unknown>)[name] = (...args: unknown[]) => {
          provider.calls.push({ name, args });
          const impl = (provider.overrides[name] ?? options.startup?.[name] ?? defaults[name]) as (
            ...a: unknown[]
          ) => unknown;
          return impl(...args);
        };
      }
      return 0;
    },
  };
  return provider;
}

function defaultTable(provider: ScriptedProvider, info: WSAPROTOCOL_INFOW, ifs: boolean): WSPPROC_TABLE {
  const ok = () => 0;
  const okAsync = async () => 0;
  const known = (s: number, errno: { value: number }) => {
    if (provider.sockets.has(s)) return true;
    errno.value = WSAENOTSOCK;
    return false;
  };
  return {
    lpWSPAccept: async () => INVALID_SOCKET,
    lpWSPAddressToString: ok,
    lpWSPAsyncSelect: ok,
    lpWSPBind: okAsync,
    lpWSPCancelBlockingCall: ok,
    lpWSPCleanup: () => {
      provider.cleanups++;
      return 0;
    },
    lpWSPCloseSocket: (s, errno) => {
      if (!known(s, errno)) return SOCKET_ERROR;
      provider.sockets.delete(s);
      if (!ifs) provider.upcalls!.lpWPUCloseSocketHandle(s, out(0));
      return 0;
    },
    lpWSPConnect: okAsync,
    lpWSPDuplicateSocket: ok,
    lpWSPEnumNetworkEvents: ok,
    lpWSPEventSelect: ok,
    lpWSPGetOverlappedResult: async () => true,
    lpWSPGetPeerName: ok,
    lpWSPGetSockName: ok,
    lpWSPGetSockOpt: ok,
    lpWSPGetQOSByName: () => false,
    lpWSPIoctl: ok,
    lpWSPJoinLeaf: async () => INVALID_SOCKET,
    lpWSPListen: okAsync,
    lpWSPRecv: okAsync,
    lpWSPRecvDisconnect: ok,
    lpWSPRecvFrom: okAsync,
    lpWSPSelect: okAsync,
    lpWSPSend: okAsync,
    lpWSPSendDisconnect: ok,
    lpWSPSendTo: okAsync,
    lpWSPSetSockOpt: ok,
    lpWSPShutdown: ok,
    lpWSPSocket: (_af, _type, _protocol, lpProtocolInfo, _g, _flags, errno) => {
      const context = { info: lpProtocolInfo };
      const catalogId = (lpProtocolInfo ?? info).dwCatalogEntryId;
      const s = ifs
        ? provider.upcalls!.lpWPUModifyIFSHandle(catalogId, createIfsHandle(), errno)
        : provider.upcalls!.lpWPUCreateSocketHandle(catalogId, context, errno);
      if (s !== INVALID_SOCKET) provider.sockets.set(s, { context });
      return s;
    },
    lpWSPStringToAddress: ok,
  };
}

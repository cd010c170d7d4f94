/**
 * `WSK_PROVIDER_DISPATCH`, members in wsk.h's order: `Version`, `Reserved`, `WskSocket`,
 * `WskSocketConnect`, `WskControlClient`, `WskGetAddressInfo`, `WskFreeAddressInfo`,
 * `WskGetNameInfo` — the client-level functions a captured provider NPI offers.
 *
 * - `WskSocket` finds the transport of (`AddressFamily`, `SocketType`, `Protocol`) — protocol 0
 *   takes the first transport of the family and type — and makes a socket of the category in
 *   `Flags`: `STATUS_NOT_SUPPORTED` without such a transport (and for `WSK_FLAG_STREAM_SOCKET`,
 *   which this provider does not offer), `STATUS_INVALID_PARAMETER` for a category the transport
 *   cannot serve (a datagram socket over a stream transport …) or a malformed dispatch table. The
 *   security arguments (`OwningProcess`, `OwningThread`, `SecurityDescriptor`) are accepted and
 *   ignored: there are no security descriptors to apply.
 * - `WskSocketConnect` creates, binds and connects a connection socket in one request; on failure
 *   the socket is closed and the IRP completes with the bind's or connect's status.
 * - `WskControlClient`: `WSK_TRANSPORT_LIST_QUERY` (no IRP) lists the transports;
 *   `WSK_TRANSPORT_LIST_CHANGE` (IRP required) pends until cancelled, or until `WskDeregister`,
 *   as the transports never change; `WSK_SET_STATIC_EVENT_CALLBACKS` (no IRP, before any socket)
 *   sets events enabled on every socket as soon as it can have them. The security-descriptor cache
 *   and TDI controls are `STATUS_NOT_SUPPORTED`.
 * - Name resolution (`WskGetAddressInfo`, `WskGetNameInfo`) is not offered: `STATUS_NOT_SUPPORTED`.
 *
 * After `WskDeregister`, every function here refuses with `STATUS_DEVICE_NOT_READY` and the
 * verifier records `call-after-deregister`.
 * @module
 */

import type { Out } from '../types/out-cell';
import type { SOCKADDR } from '../types/sockaddr';
import { copyCallbackTable, isGenuine } from './argument-guard';
import { completeIrp, IRP, pendIrp, takeIrp } from './irp';
import {
  type NTSTATUS,
  STATUS_BUFFER_TOO_SMALL,
  STATUS_CANCELLED,
  STATUS_DEVICE_NOT_READY,
  STATUS_INVALID_DEVICE_STATE,
  STATUS_INVALID_PARAMETER,
  STATUS_NOT_SUPPORTED,
  STATUS_SUCCESS,
} from './ntstatus';
import { basicDispatch } from './wsk-basic-dispatch';
import { WskBasicSocket } from './wsk-basic-socket';
import { WskClient } from './wsk-client';
import type {
  WSK_CLIENT_CONNECTION_DISPATCH,
  WSK_CLIENT_DATAGRAM_DISPATCH,
  WSK_CLIENT_LISTEN_DISPATCH,
} from './wsk-client-dispatch';
import { connectionDispatch } from './wsk-connection-dispatch';
import { WskConnectionSocket } from './wsk-connection-socket';
import {
  NPI_WSK_INTERFACE_ID,
  WSK_EVENT_DISABLE,
  WSK_FLAG_BASIC_SOCKET,
  WSK_FLAG_CONNECTION_SOCKET,
  WSK_FLAG_DATAGRAM_SOCKET,
  WSK_FLAG_LISTEN_SOCKET,
  WSK_FLAG_STREAM_SOCKET,
  WSK_SET_STATIC_EVENT_CALLBACKS,
  WSK_TRANSPORT_LIST_CHANGE,
  WSK_TRANSPORT_LIST_QUERY,
} from './wsk-constants';
import { datagramDispatch } from './wsk-datagram-dispatch';
import { WskDatagramSocket } from './wsk-datagram-socket';
import { eventsOfCategory, type WSK_EVENT_CALLBACK_CONTROL } from './wsk-event-control';
import { listenDispatch } from './wsk-listen-dispatch';
import { connectionDispatchOf, WskListenSocket } from './wsk-listen-socket';
import type { WskProvider } from './wsk-provider';
import { isOutCell, isSockaddr } from './wsk-sockaddr';
import { failedCall, type WskSocketObject } from './wsk-socket';
import type { PWSK_CLIENT } from './wsk-socket-types';
import { describeTransport, SIZEOF_WSK_TRANSPORT, type WskTransportEntry } from './wsk-transport';

/** `PFN_WSK_SOCKET`: `Irp.IoStatus.Information` is the new socket when it succeeds. */
export type PFN_WSK_SOCKET = (
  Client: PWSK_CLIENT,
  AddressFamily: number,
  SocketType: number,
  Protocol: number,
  Flags: number,
  SocketContext: unknown,
  Dispatch: object | null,
  OwningProcess: unknown,
  OwningThread: unknown,
  SecurityDescriptor: unknown,
  Irp: IRP,
) => NTSTATUS;

/** `PFN_WSK_SOCKET_CONNECT`: creates, binds and connects; `Irp.IoStatus.Information` is the socket. */
export type PFN_WSK_SOCKET_CONNECT = (
  Client: PWSK_CLIENT,
  SocketType: number,
  Protocol: number,
  LocalAddress: SOCKADDR,
  RemoteAddress: SOCKADDR,
  Flags: number,
  SocketContext: unknown,
  Dispatch: WSK_CLIENT_CONNECTION_DISPATCH | null,
  OwningProcess: unknown,
  OwningThread: unknown,
  SecurityDescriptor: unknown,
  Irp: IRP,
) => NTSTATUS;

/** `PFN_WSK_CONTROL_CLIENT`. */
export type PFN_WSK_CONTROL_CLIENT = (
  Client: PWSK_CLIENT,
  ControlCode: number,
  InputSize: number,
  InputBuffer: unknown,
  OutputSize: number,
  OutputBuffer: Out<unknown> | null,
  OutputSizeReturned: Out<number> | null,
  Irp: IRP | null,
) => NTSTATUS;

/** `PFN_WSK_GET_ADDRESS_INFO` (not offered). */
export type PFN_WSK_GET_ADDRESS_INFO = (Client: PWSK_CLIENT, ...rest: unknown[]) => NTSTATUS;
/** `PFN_WSK_FREE_ADDRESS_INFO` (not offered). */
export type PFN_WSK_FREE_ADDRESS_INFO = (Client: PWSK_CLIENT, AddrInfo: unknown) => void;
/** `PFN_WSK_GET_NAME_INFO` (not offered). */
export type PFN_WSK_GET_NAME_INFO = (Client: PWSK_CLIENT, ...rest: unknown[]) => NTSTATUS;

/** `WSK_PROVIDER_DISPATCH`. */
export interface WSK_PROVIDER_DISPATCH {
  /** The WSK version of the table (`MAKE_WSK_VERSION(1, 0)`). */
  Version: number;
  /** Reserved, 0. */
  Reserved: number;
  /**
   * Creates a socket of a category (`WSK_FLAG_*_SOCKET`) over the transport of a family, type and
   * protocol.
   */
  WskSocket: PFN_WSK_SOCKET;
  /** Creates a connection socket, binds it and connects it, in one call. */
  WskSocketConnect: PFN_WSK_SOCKET_CONNECT;
  /** Client-level controls (`WSK_TRANSPORT_LIST_QUERY`, `WSK_SET_STATIC_EVENT_CALLBACKS`, …). */
  WskControlClient: PFN_WSK_CONTROL_CLIENT;
  /** Name resolution: not offered (`STATUS_NOT_SUPPORTED`). */
  WskGetAddressInfo: PFN_WSK_GET_ADDRESS_INFO;
  /** Frees what `WskGetAddressInfo` returned (nothing here). */
  WskFreeAddressInfo: PFN_WSK_FREE_ADDRESS_INFO;
  /** Reverse name resolution: not offered (`STATUS_NOT_SUPPORTED`). */
  WskGetNameInfo: PFN_WSK_GET_NAME_INFO;
}

const CATEGORIES = [
  WSK_FLAG_BASIC_SOCKET,
  WSK_FLAG_LISTEN_SOCKET,
  WSK_FLAG_CONNECTION_SOCKET,
  WSK_FLAG_DATAGRAM_SOCKET,
  WSK_FLAG_STREAM_SOCKET,
];

/** Builds the provider-level table of `provider`, for the clients it serves. */
export function providerDispatch(provider: WskProvider, version: number): WSK_PROVIDER_DISPATCH {
  /** The client object, if `Client` is one of this provider's and still registered. */
  const enter = (Client: unknown, call: string): WskClient | NTSTATUS => {
    if (!isGenuine(Client, WskClient) || Client.provider !== provider) return STATUS_INVALID_PARAMETER;
    if (Client.deregistered) {
      Client.verifier.report(
        'call-after-deregister',
        call,
        'the registration was deregistered (WskDeregister)',
      );
      return STATUS_DEVICE_NOT_READY;
    }
    return Client;
  };
  /** The client, with the IRP taken; or the status (the IRP completed with it when it could be). */
  const enterWithIrp = (Client: unknown, Irp: unknown, call: string): WskClient | NTSTATUS => {
    if (!isGenuine(Client, WskClient) || Client.provider !== provider) return STATUS_INVALID_PARAMETER;
    const refused = takeIrp(Irp, Client.verifier, call);
    if (refused) return refused;
    const client = enter(Client, call);
    if (typeof client === 'number') completeIrp(Irp as IRP, client, 0, call);
    return client;
  };
  const fail = (irp: IRP, status: NTSTATUS): NTSTATUS => {
    completeIrp(irp, status, 0, irp.call);
    return status;
  };

  const createSocket = (
    client: WskClient,
    transport: WskTransportEntry,
    category: number,
    context: unknown,
    dispatch: object | null,
  ): WskSocketObject => {
    switch (category) {
      case WSK_FLAG_LISTEN_SOCKET:
        return new WskListenSocket(
          listenDispatch,
          client,
          transport,
          context,
          dispatch as WSK_CLIENT_LISTEN_DISPATCH | null,
          connectionDispatch,
        );
      case WSK_FLAG_CONNECTION_SOCKET:
        return new WskConnectionSocket(
          connectionDispatch,
          client,
          transport,
          context,
          dispatch as WSK_CLIENT_CONNECTION_DISPATCH | null,
        );
      case WSK_FLAG_DATAGRAM_SOCKET:
        return new WskDatagramSocket(
          datagramDispatch,
          client,
          transport,
          context,
          dispatch as WSK_CLIENT_DATAGRAM_DISPATCH | null,
        );
      default:
        return new WskBasicSocket(basicDispatch, client, transport, context);
    }
  };

  const WskSocket: PFN_WSK_SOCKET = (
    Client,
    AddressFamily,
    SocketType,
    Protocol,
    Flags,
    SocketContext,
    Dispatch,
    _OwningProcess,
    _OwningThread,
    _SecurityDescriptor,
    Irp,
  ) => {
    const client = enterWithIrp(Client, Irp, 'WskSocket');
    if (typeof client === 'number') return client;
    const irp = Irp as IRP;
    if (
      ![AddressFamily, SocketType, Protocol].every((n) => typeof n === 'number') ||
      !CATEGORIES.includes(Flags)
    ) {
      return fail(irp, STATUS_INVALID_PARAMETER);
    }
    if (Flags === WSK_FLAG_STREAM_SOCKET) return fail(irp, STATUS_NOT_SUPPORTED);
    const transport = provider.findTransport(AddressFamily, SocketType, Protocol);
    if (!transport) return fail(irp, STATUS_NOT_SUPPORTED);
    const wantsStream = Flags === WSK_FLAG_LISTEN_SOCKET || Flags === WSK_FLAG_CONNECTION_SOCKET;
    if (
      (wantsStream && transport.driver.kind !== 'stream') ||
      (Flags === WSK_FLAG_DATAGRAM_SOCKET && transport.driver.kind !== 'datagram')
    ) {
      return fail(irp, STATUS_INVALID_PARAMETER);
    }
    const members =
      Flags === WSK_FLAG_LISTEN_SOCKET
        ? ['WskAcceptEvent', 'WskInspectEvent', 'WskAbortEvent']
        : Flags === WSK_FLAG_CONNECTION_SOCKET
          ? ['WskReceiveEvent', 'WskDisconnectEvent', 'WskSendBacklogEvent']
          : Flags === WSK_FLAG_DATAGRAM_SOCKET
            ? ['WskReceiveFromEvent']
            : [];
    // WSK keeps a copy of the table, read once here.
    const table = copyCallbackTable<object>(Dispatch, members);
    if (table === undefined) return fail(irp, STATUS_INVALID_PARAMETER);
    const socket = createSocket(
      client,
      transport,
      Flags,
      SocketContext,
      Flags === WSK_FLAG_BASIC_SOCKET ? null : table,
    );
    completeIrp(irp, STATUS_SUCCESS, socket, 'WskSocket');
    return STATUS_SUCCESS;
  };

  const WskSocketConnect: PFN_WSK_SOCKET_CONNECT = (
    Client,
    SocketType,
    Protocol,
    LocalAddress,
    RemoteAddress,
    Flags,
    SocketContext,
    Dispatch,
    _OwningProcess,
    _OwningThread,
    _SecurityDescriptor,
    Irp,
  ) => {
    const client = enterWithIrp(Client, Irp, 'WskSocketConnect');
    if (typeof client === 'number') return client;
    const irp = Irp as IRP;
    if (
      Flags !== 0 ||
      typeof SocketType !== 'number' ||
      typeof Protocol !== 'number' ||
      !isSockaddr(LocalAddress) ||
      !isSockaddr(RemoteAddress)
    ) {
      return fail(irp, STATUS_INVALID_PARAMETER);
    }
    const table = connectionDispatchOf(Dispatch);
    if (table === undefined) return fail(irp, STATUS_INVALID_PARAMETER);
    const transport = provider.findTransport(LocalAddress.sa_family, SocketType, Protocol);
    if (!transport) return fail(irp, STATUS_NOT_SUPPORTED);
    if (transport.driver.kind !== 'stream') return fail(irp, STATUS_INVALID_PARAMETER);
    const socket = createSocket(
      client,
      transport,
      WSK_FLAG_CONNECTION_SOCKET,
      SocketContext,
      table,
    ) as WskConnectionSocket;
    // The socket's own bind and connect, each answering through a private IRP-less path.
    void (async () => {
      let status = await socket.bindTransport(LocalAddress);
      if (status === STATUS_SUCCESS) status = await socket.connectTransport(RemoteAddress);
      if (irp.state !== 'pending') return;
      if (status === STATUS_SUCCESS) {
        socket.completeFromTransport(irp, STATUS_SUCCESS, socket);
      } else {
        socket.closeQuietly();
        socket.completeFromTransport(irp, status, 0);
      }
    })();
    return pendIrp(irp, () => {
      // Withdrawn: the socket the request was making goes away.
      socket.closeQuietly();
      completeIrp(irp, STATUS_CANCELLED, 0, 'WskSocketConnect');
    });
  };

  /** `WSK_TRANSPORT_LIST_CHANGE` requests waiting for a change that never comes. */
  const changeWaiters = new Map<WskClient, Set<IRP>>();

  const WskControlClient: PFN_WSK_CONTROL_CLIENT = (
    Client,
    ControlCode,
    InputSize,
    InputBuffer,
    OutputSize,
    OutputBuffer,
    OutputSizeReturned,
    Irp,
  ) => {
    let client: WskClient | NTSTATUS;
    let irp: IRP | null = null;
    if (Irp !== null && Irp !== undefined) {
      client = enterWithIrp(Client, Irp, 'WskControlClient');
      if (typeof client === 'number') return client;
      irp = Irp;
    } else {
      client = enter(Client, 'WskControlClient');
      if (typeof client === 'number') return client;
    }
    const done = (status: NTSTATUS, size = 0): NTSTATUS => {
      if (irp) completeIrp(irp, status, size, 'WskControlClient');
      return status;
    };
    if (typeof InputSize !== 'number' || typeof OutputSize !== 'number')
      return done(STATUS_INVALID_PARAMETER);
    switch (ControlCode) {
      case WSK_TRANSPORT_LIST_QUERY: {
        if (irp || !isOutCell(OutputSizeReturned) || !isOutCell(OutputBuffer))
          return done(STATUS_INVALID_PARAMETER);
        const list = provider.transports.map(describeTransport);
        const needed = list.length * SIZEOF_WSK_TRANSPORT;
        OutputSizeReturned.value = needed;
        if (OutputSize < needed) return STATUS_BUFFER_TOO_SMALL;
        OutputBuffer.value = list;
        return STATUS_SUCCESS;
      }
      case WSK_TRANSPORT_LIST_CHANGE: {
        if (!irp) return STATUS_INVALID_PARAMETER;
        const owner = client;
        const waiting = changeWaiters.get(owner) ?? new Set<IRP>();
        changeWaiters.set(owner, waiting);
        waiting.add(irp);
        const request = irp;
        return pendIrp(request, () => {
          if (!waiting.delete(request)) return;
          completeIrp(request, STATUS_CANCELLED, 0, 'WskControlClient');
        });
      }
      case WSK_SET_STATIC_EVENT_CALLBACKS: {
        if (irp) return done(STATUS_INVALID_PARAMETER);
        const control = InputBuffer as WSK_EVENT_CALLBACK_CONTROL | null;
        if (
          !control ||
          typeof control !== 'object' ||
          typeof control.NpiId !== 'string' ||
          typeof control.EventMask !== 'number'
        ) {
          return STATUS_INVALID_PARAMETER;
        }
        if (control.NpiId.toLowerCase() !== NPI_WSK_INTERFACE_ID) return STATUS_NOT_SUPPORTED;
        const all =
          eventsOfCategory(WSK_FLAG_LISTEN_SOCKET) |
          eventsOfCategory(WSK_FLAG_CONNECTION_SOCKET) |
          eventsOfCategory(WSK_FLAG_DATAGRAM_SOCKET);
        const mask = control.EventMask >>> 0;
        if (mask === 0 || mask & WSK_EVENT_DISABLE || mask & ~all) return STATUS_INVALID_PARAMETER;
        if (client.socketsCreated) return STATUS_INVALID_DEVICE_STATE;
        client.staticEvents = mask;
        return STATUS_SUCCESS;
      }
      default:
        return done(STATUS_NOT_SUPPORTED);
    }
  };

  const notOffered =
    (call: string) =>
    (Client: unknown, ...rest: unknown[]): NTSTATUS => {
      const Irp = rest[rest.length - 1];
      const client = enterWithIrp(Client, Irp, call);
      if (typeof client === 'number') return client;
      return fail(Irp as IRP, STATUS_NOT_SUPPORTED);
    };

  /**
   * Whatever a function's body throws (a bug, or an argument that changed under WSK's feet) fails
   * the request with `STATUS_UNSUCCESSFUL` instead of escaping, as `withSocket` does for sockets.
   */
  const guarded =
    <A extends unknown[]>(call: string, fn: (...args: A) => NTSTATUS) =>
    (...args: A): NTSTATUS => {
      try {
        return fn(...args);
      } catch (error) {
        const irp = args[args.length - 1];
        const taken = isGenuine(irp, IRP) && irp.state === 'pending' && irp.call === call;
        return failedCall(error, taken ? irp : null, call);
      }
    };

  const dispatch: WSK_PROVIDER_DISPATCH = {
    Version: version,
    Reserved: 0,
    WskSocket: guarded('WskSocket', WskSocket),
    WskSocketConnect: guarded('WskSocketConnect', WskSocketConnect),
    WskControlClient: guarded('WskControlClient', WskControlClient),
    WskGetAddressInfo: guarded('WskGetAddressInfo', notOffered('WskGetAddressInfo')),
    WskFreeAddressInfo: () => undefined,
    WskGetNameInfo: guarded('WskGetNameInfo', notOffered('WskGetNameInfo')),
  };
  providerHooks.set(dispatch, {
    /** Completes the change notifications of a client that deregistered. */
    deregistered(client: WskClient): void {
      const waiting = changeWaiters.get(client);
      changeWaiters.delete(client);
      for (const irp of waiting ?? []) completeIrp(irp, STATUS_CANCELLED, 0, 'WskControlClient');
    },
  });
  return Object.freeze(dispatch);
}

/**
 * What the subsystem tells a provider dispatch table about its clients.
 * @internal
 */
export interface ProviderHooks {
  /** The client deregistered: its waiting `WSK_TRANSPORT_LIST_CHANGE` IRPs are cancelled. */
  deregistered(client: WskClient): void;
}

const providerHooks = new WeakMap<object, ProviderHooks>();

/**
 * The hooks of a table `providerDispatch` built.
 * @internal
 */
export function hooksOf(dispatch: WSK_PROVIDER_DISPATCH): ProviderHooks | undefined {
  return providerHooks.get(dispatch);
}

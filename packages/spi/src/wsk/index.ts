/**
 * `@ws2spi/spi/wsk`: the Winsock Kernel (WSK) client interface of wsk.h, served by the same
 * transport drivers as the base providers (TCP over `net`, ISO transport over TCP, the in-memory
 * transport), below the Winsock catalog.
 *
 * - Registration: `WskSubsystem` (`WskRegister`, `WskCaptureProviderNPI`,
 *   `WskReleaseProviderNPI`, `WskDeregister`) with a provider from `createWskProvider`.
 * - Sockets: `WSK_PROVIDER_DISPATCH.WskSocket` / `WskSocketConnect`, then each category's table
 *   (`WSK_PROVIDER_LISTEN_DISPATCH`, `_CONNECTION_`, `_DATAGRAM_`, basic) in Windows' member order.
 * - Requests complete through IRPs (`IoAllocateIrp`, `IoSetCompletionRoutine`, `IoCancelIrp`,
 *   `callWithIrp`), buffers are `WSK_BUF`s over MDL chains (`wskBuf`).
 * - Events: `SO_WSK_EVENT_CALLBACK` and the client's dispatch tables (`WskReceiveEvent`,
 *   `WskDisconnectEvent`, …).
 * - IRQL: what the transport starts (data, a reset, a driver call settling) runs at
 *   `DISPATCH_LEVEL` — callbacks get `WSK_FLAG_AT_DISPATCH_LEVEL`, and must not wait (return a
 *   promise); what WSK defers to a later turn runs at `PASSIVE_LEVEL`. See `irql.ts`.
 * - `WskVerifier` records contract violations as Driver Verifier would report them.
 * - Transport failures arrive as NTSTATUS values (`wskStatusFromWsaError` has the table).
 * @module @ws2spi/spi/wsk
 */
export * from './irp';
export {
  APC_LEVEL,
  atDispatchLevel,
  DISPATCH_LEVEL,
  KeGetCurrentIrql,
  KeLowerIrql,
  KeRaiseIrql,
  type KIRQL,
  PASSIVE_LEVEL,
  runAtIrql,
} from './irql';
export * from './mdl';
export * from './ntstatus';
export * from './transport-status';
export type {
  PFN_WSK_CLOSE_SOCKET,
  PFN_WSK_CONTROL_SOCKET,
  WSK_PROVIDER_BASIC_DISPATCH,
} from './wsk-basic-dispatch';
export * from './wsk-buf';
export type * from './wsk-client-dispatch';
export type * from './wsk-connection-dispatch';
export * from './wsk-constants';
export type * from './wsk-datagram-dispatch';
export { CONNECTION_EVENTS, eventsOfCategory, type WSK_EVENT_CALLBACK_CONTROL } from './wsk-event-control';
export type * from './wsk-listen-dispatch';
export {
  createWskProvider,
  type WSK_PROVIDER_CHARACTERISTICS,
  WSK_PROVIDER_VERSION,
  WskProvider,
  type WskProviderOptions,
} from './wsk-provider';
export type * from './wsk-provider-dispatch';
export * from './wsk-registration';
export { SIZEOF_SIZE_T, SIZEOF_ULONG } from './wsk-socket';
export type { PWSK_CLIENT, WSK_SOCKET } from './wsk-socket-types';
export * from './wsk-transport';
export * from './wsk-verifier';

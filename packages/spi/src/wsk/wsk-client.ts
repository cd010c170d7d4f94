/**
 * The client object (`PWSK_CLIENT`) of one registration: what `WskCaptureProviderNPI` hands out in
 * `WSK_PROVIDER_NPI.Client`, and what every socket of the registration belongs to. It counts the
 * open sockets (which `WskDeregister` waits for) and holds the static event mask set with
 * `WSK_SET_STATIC_EVENT_CALLBACKS`.
 * @module
 */

import type { WSK_CLIENT_DISPATCH } from './wsk-client-dispatch';
import type { WskProvider } from './wsk-provider';
import type { WskVerifier } from './wsk-verifier';

/** A socket as the client object tracks it. */
export interface TrackedSocket {
  /** Force-closes the socket (used by nobody but tests of leaks); the socket leaves the client when its close completes. */
  readonly closeRequested: boolean;
}

/** The client object of a registration. */
export class WskClient {
  /** Sockets created and not yet fully closed. */
  readonly sockets = new Set<TrackedSocket>();
  /** `WSK_SET_STATIC_EVENT_CALLBACKS`: events enabled on every new socket as soon as it can have them. */
  staticEvents = 0;
  /** A socket was ever created (static events must be set before). */
  socketsCreated = false;
  /** `WskDeregister` was called. */
  deregistered = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    readonly provider: WskProvider,
    readonly verifier: WskVerifier,
    readonly clientDispatch: WSK_CLIENT_DISPATCH,
    readonly clientContext: unknown,
  ) {}

  /** A new socket belongs to this client. */
  addSocket(socket: TrackedSocket): void {
    this.sockets.add(socket);
    this.socketsCreated = true;
  }

  /** A socket finished closing. */
  removeSocket(socket: TrackedSocket): void {
    if (!this.sockets.delete(socket) || this.sockets.size > 0) return;
    for (const wake of this.idleWaiters.splice(0)) wake();
  }

  /** Resolves once no socket of this client is open. */
  whenNoSockets(): Promise<void> {
    if (this.sockets.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}

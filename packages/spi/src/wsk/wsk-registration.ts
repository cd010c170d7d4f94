/**
 * Registration: how a WSK client finds the provider. `WskRegister(WSK_CLIENT_NPI,
 * WSK_REGISTRATION)` registers a client; `WskCaptureProviderNPI` hands it the provider NPI (the
 * client object and `WSK_PROVIDER_DISPATCH`) once a provider is available — at once
 * (`WSK_NO_WAIT`), waiting without limit (`WSK_INFINITE_WAIT`) or up to a timeout in ms, else
 * `STATUS_DEVICE_NOT_READY`; a client version the provider does not support is
 * `STATUS_NOINTERFACE`. Each capture is balanced by `WskReleaseProviderNPI`. `WskDeregister` makes
 * captures fail (`STATUS_DEVICE_NOT_READY`, also for those waiting), then waits until every
 * captured NPI is released and every socket of the registration is closed.
 *
 * The subsystem (`WskSubsystem`) is where a provider is attached and where the registration
 * functions live, with the verifier that watches its clients. `WskRegister`, `WskDeregister` and a
 * waiting capture require `PASSIVE_LEVEL` (the verifier's `irql-too-high`).
 * @module
 */

import { isInspectable, isWritableRecord, readGuarded, writeGuarded } from './argument-guard';
import { DISPATCH_LEVEL, KeGetCurrentIrql } from './irql';
import {
  type NTSTATUS,
  STATUS_DEVICE_NOT_READY,
  STATUS_INVALID_PARAMETER,
  STATUS_NOINTERFACE,
  STATUS_SUCCESS,
} from './ntstatus';
import { WskClient } from './wsk-client';
import type { WSK_CLIENT_DISPATCH } from './wsk-client-dispatch';
import { WSK_INFINITE_WAIT, WSK_NO_WAIT } from './wsk-constants';
import type { WSK_PROVIDER_CHARACTERISTICS, WskProvider } from './wsk-provider';
import { hooksOf, type WSK_PROVIDER_DISPATCH } from './wsk-provider-dispatch';
import type { PWSK_CLIENT } from './wsk-socket-types';
import { WskVerifier, type WskVerifierOptions } from './wsk-verifier';

/** `WSK_CLIENT_NPI`: the client's context and client-level dispatch table. */
export interface WSK_CLIENT_NPI {
  /** The client's own context, passed back to `WskClientEvent`. */
  ClientContext: unknown;
  /** The client's version and client-level event. */
  Dispatch: WSK_CLIENT_DISPATCH;
}

/** `WSK_REGISTRATION`: a block the client keeps for the registration's lifetime; its fields are WSK's. */
export interface WSK_REGISTRATION {
  /** WSK's: the registration's state. */
  ReservedRegistrationState: number;
  /** WSK's: the registration's client object. */
  ReservedRegistrationContext: unknown;
  /** WSK's: the registration's lock. */
  ReservedRegistrationLock: number;
}

/** `WSK_PROVIDER_NPI`: filled by `WskCaptureProviderNPI`. */
export interface WSK_PROVIDER_NPI {
  /** The client object to pass to the provider's functions. */
  Client: PWSK_CLIENT | null;
  /** The provider's table (`WskSocket`, `WskSocketConnect`, `WskControlClient`, …). */
  Dispatch: WSK_PROVIDER_DISPATCH | null;
}

/** A zeroed `WSK_REGISTRATION`, as a client declares one. */
export function emptyWskRegistration(): WSK_REGISTRATION {
  return { ReservedRegistrationState: 0, ReservedRegistrationContext: null, ReservedRegistrationLock: 0 };
}

/** A zeroed `WSK_PROVIDER_NPI` for `WskCaptureProviderNPI` to fill. */
export function emptyWskProviderNpi(): WSK_PROVIDER_NPI {
  return { Client: null, Dispatch: null };
}

/**
 * The client's NPI as WSK keeps it: read once at `WskRegister` (through no proxy), so a getter
 * cannot answer differently later; null when malformed.
 */
function snapshotClientNpi(npi: unknown): WSK_CLIENT_NPI | null {
  if (!isInspectable(npi)) return null;
  const { ClientContext, Dispatch } = npi as WSK_CLIENT_NPI;
  if (!isInspectable(Dispatch)) return null;
  const { Version, Reserved, WskClientEvent } = Dispatch;
  if (typeof Version !== 'number') return null;
  if (WskClientEvent !== null && WskClientEvent !== undefined && typeof WskClientEvent !== 'function')
    return null;
  return {
    ClientContext,
    Dispatch: Object.freeze({
      Version,
      Reserved: typeof Reserved === 'number' ? Reserved : 0,
      WskClientEvent: WskClientEvent ?? null,
    }),
  };
}

/** What the subsystem keeps per registration. */
interface Registration {
  readonly npi: WSK_CLIENT_NPI;
  captures: number;
  client: WskClient | null;
  deregistered: boolean;
  /** Callers waiting for captures to be released. */
  releaseWaiters: Array<() => void>;
}

/** How a subsystem is made. */
export interface WskSubsystemOptions {
  /** The provider, available from the start. Without one, captures wait for `attachProvider`. */
  provider?: WskProvider;
  /** The verifier, or its options (default: a non-strict verifier of its own). */
  verifier?: WskVerifier | WskVerifierOptions;
}

/** The WSK subsystem: registration, the attached provider, and the verifier of its clients. */
export class WskSubsystem {
  /** Records the contract violations of every client of this subsystem. */
  readonly verifier: WskVerifier;
  private provider: WskProvider | null = null;
  private readonly registrations = new WeakMap<object, Registration>();
  private providerWaiters = new Set<() => void>();

  constructor(options: WskSubsystemOptions = {}) {
    this.verifier =
      options.verifier instanceof WskVerifier ? options.verifier : new WskVerifier(options.verifier);
    if (options.provider) this.attachProvider(options.provider);
  }

  /** The provider clients capture, once attached. */
  get attachedProvider(): WskProvider | null {
    return this.provider;
  }

  /** Makes `provider` available: waiting captures proceed. One provider per subsystem. */
  attachProvider(provider: WskProvider): void {
    if (this.provider && this.provider !== provider)
      throw new Error('WskSubsystem: a provider is already attached');
    this.provider = provider;
    for (const wake of [...this.providerWaiters]) wake();
  }

  /**
   * `WskRegister`. The client's NPI is read once, here: its version and client-level dispatch
   * table are what later captures use. A registration block WSK cannot write (frozen, a proxy) is
   * `STATUS_INVALID_PARAMETER`.
   */
  WskRegister(WskClientNpi: WSK_CLIENT_NPI, WskRegistration: WSK_REGISTRATION): NTSTATUS {
    this.requirePassive('WskRegister');
    const npi = readGuarded(() => snapshotClientNpi(WskClientNpi), null);
    if (!npi || !isWritableRecord(WskRegistration, ['ReservedRegistrationState']))
      return STATUS_INVALID_PARAMETER;
    const existing = this.registrations.get(WskRegistration);
    if (existing && !existing.deregistered) return STATUS_INVALID_PARAMETER;
    if (!writeGuarded(() => (WskRegistration.ReservedRegistrationState = 1))) return STATUS_INVALID_PARAMETER;
    this.registrations.set(WskRegistration, {
      npi,
      captures: 0,
      client: null,
      deregistered: false,
      releaseWaiters: [],
    });
    return STATUS_SUCCESS;
  }

  /**
   * `WskCaptureProviderNPI`. `WaitTimeout`: `WSK_NO_WAIT`, `WSK_INFINITE_WAIT` or milliseconds.
   * Resolves with the status; on success `WskProviderNpi` holds the client object and dispatch table.
   */
  async WskCaptureProviderNPI(
    WskRegistration: WSK_REGISTRATION,
    WaitTimeout: number,
    WskProviderNpi: WSK_PROVIDER_NPI,
  ): Promise<NTSTATUS> {
    const registration = this.registrationOf(WskRegistration);
    if (
      !registration ||
      typeof WaitTimeout !== 'number' ||
      !(WaitTimeout >= 0) ||
      !isWritableRecord(WskProviderNpi, ['Client', 'Dispatch'])
    ) {
      return STATUS_INVALID_PARAMETER;
    }
    if (WaitTimeout !== WSK_NO_WAIT) this.requirePassive('WskCaptureProviderNPI');
    if (registration.deregistered) return STATUS_DEVICE_NOT_READY;
    if (!this.provider && WaitTimeout !== WSK_NO_WAIT) await this.waitForProvider(registration, WaitTimeout);
    const provider = this.provider;
    if (!provider || registration.deregistered) return STATUS_DEVICE_NOT_READY;
    if (!provider.supports(registration.npi.Dispatch.Version)) return STATUS_NOINTERFACE;
    registration.client ??= new WskClient(
      provider,
      this.verifier,
      registration.npi.Dispatch,
      registration.npi.ClientContext,
    );
    const client = registration.client;
    const written = writeGuarded(() => {
      WskProviderNpi.Client = client;
      WskProviderNpi.Dispatch = provider.Dispatch;
    });
    if (!written) return STATUS_INVALID_PARAMETER;
    registration.captures++;
    return STATUS_SUCCESS;
  }

  /** `WskReleaseProviderNPI`. */
  WskReleaseProviderNPI(WskRegistration: WSK_REGISTRATION): void {
    const registration = this.registrationOf(WskRegistration);
    if (!registration) return;
    if (registration.captures === 0) {
      this.verifier.report(
        'npi-release-unbalanced',
        'WskReleaseProviderNPI',
        'no captured provider NPI is left to release',
      );
      return;
    }
    registration.captures--;
    if (registration.captures === 0) for (const wake of registration.releaseWaiters.splice(0)) wake();
  }

  /** `WskQueryProviderCharacteristics`. */
  WskQueryProviderCharacteristics(
    WskRegistration: WSK_REGISTRATION,
    WskProviderCharacteristics: WSK_PROVIDER_CHARACTERISTICS,
  ): NTSTATUS {
    const registration = this.registrationOf(WskRegistration);
    if (!registration || !isWritableRecord(WskProviderCharacteristics, ['HighestVersion', 'LowestVersion'])) {
      return STATUS_INVALID_PARAMETER;
    }
    if (!this.provider || registration.deregistered) return STATUS_DEVICE_NOT_READY;
    const { HighestVersion, LowestVersion } = this.provider.characteristics;
    const written = writeGuarded(() => {
      WskProviderCharacteristics.HighestVersion = HighestVersion;
      WskProviderCharacteristics.LowestVersion = LowestVersion;
    });
    return written ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
  }

  /**
   * `WskDeregister`: resolves once every captured NPI of the registration is released and every
   * socket closed. Sockets still open when it is called are a violation (`sockets-open-at-deregister`)
   * — the call still waits for them, as Windows does.
   */
  async WskDeregister(WskRegistration: WSK_REGISTRATION): Promise<void> {
    this.requirePassive('WskDeregister');
    const registration = this.registrationOf(WskRegistration);
    if (!registration) return;
    if (registration.deregistered) {
      this.verifier.report(
        'call-after-deregister',
        'WskDeregister',
        'the registration was already deregistered',
      );
      return;
    }
    registration.deregistered = true;
    for (const wake of [...this.providerWaiters]) wake();
    const client = registration.client;
    if (client) {
      client.deregistered = true;
      // A socket already closing (WskCloseSocket pending, or one WSK closes itself: a connection
      // WskAcceptEvent rejected) is waited for, but is no fault of the client's.
      let open = 0;
      for (const socket of client.sockets) if (!socket.closeRequested) open++;
      if (open > 0) {
        this.verifier.report(
          'sockets-open-at-deregister',
          'WskDeregister',
          `${open} socket(s) of the registration are still open`,
        );
      }
    }
    if (registration.captures > 0) {
      await new Promise<void>((resolve) => registration.releaseWaiters.push(resolve));
    }
    if (client) {
      await client.whenNoSockets();
      hooksOf(client.provider.Dispatch)?.deregistered(client);
    }
    // The block may have been frozen since: WSK's bookkeeping is done either way.
    writeGuarded(() => (WskRegistration.ReservedRegistrationState = 0));
  }

  /** Open sockets of a registration (for tests of leaks): 0 after a completed `WskDeregister`. */
  openSockets(WskRegistration: WSK_REGISTRATION): number {
    return this.registrationOf(WskRegistration)?.client?.sockets.size ?? 0;
  }

  private registrationOf(block: unknown): Registration | undefined {
    if (!block || typeof block !== 'object') return undefined;
    return this.registrations.get(block);
  }

  private requirePassive(call: string): void {
    if (KeGetCurrentIrql() >= DISPATCH_LEVEL) {
      this.verifier.report('irql-too-high', call, `${call} requires PASSIVE_LEVEL; called at DISPATCH_LEVEL`);
    }
  }

  private waitForProvider(registration: Registration, timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const wake = (): void => {
        if (!this.providerWaiters.delete(wake)) return;
        if (timer !== undefined) clearTimeout(timer);
        resolve();
      };
      this.providerWaiters.add(wake);
      if (timeoutMs !== WSK_INFINITE_WAIT) timer = setTimeout(wake, Math.min(timeoutMs, 0x7fffffff));
      if (this.provider || registration.deregistered) wake();
    });
  }
}

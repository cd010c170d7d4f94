import type { CatalogSnapshot } from '../catalog/catalog-entry';
import { Ws2CatalogQueries } from './api/catalog-queries';
import { Ws2CompletionPorts } from './api/completion-ports';
import { Ws2Disconnect } from './api/disconnect';
import { Ws2DuplicateSocket } from './api/duplicate-socket';
import { Ws2EventsAndSelect } from './api/events-and-select';
import { Ws2ExtensionFunctions } from './api/extension-functions';
import { Ws2NamesAndOptions } from './api/names-and-options';
import { Ws2Receive } from './api/receive';
import { Ws2Send } from './api/send';
import { Ws2SocketLifetime } from './api/socket-lifetime';
import { Ws2Startup } from './api/startup';
import type { LoadedProvider } from './loaded-provider';
import { Ws2Core } from './ws2-core';

export { type CatalogSource, DEFAULT_MAX_SOCKETS, type Ws2Options } from './ws2-options';

/**
 * One Windows process's view of Winsock: the winsock2.h API over the dispatcher (ws2_32).
 *
 * Every per-socket call follows ws2_32's shape: the startup prolog (`WSANOTINITIALISED`), the
 * handle lookup (`WSAENOTSOCK`), the re-entrancy rule (`WSAEINPROGRESS`), structural argument
 * checks the provider could not survive (`WSAEFAULT`), then the call into the `WSPPROC_TABLE` of the
 * catalog entry that claimed the handle. A failure the provider reports without an error code
 * becomes `WSASYSCALLFAILURE`; a provider that throws or breaks the contract is recorded in
 * `providerFailures` and the call fails, but the dispatcher carries on.
 *
 * Calls that block in C return a Promise of the C result; the others are synchronous. The error of
 * a failed call is read with `WSAGetLastError()` in the same async context.
 *
 * The class holds the process's state and the call machinery (`Ws2Core`); the API is laid out one
 * Windows concept per file under `api/`, as ReactOS lays out ws2_32: `startup.ts`,
 * `socket-lifetime.ts`, `send.ts`, `receive.ts`, `disconnect.ts`, `names-and-options.ts`,
 * `events-and-select.ts`, `catalog-queries.ts`, `duplicate-socket.ts`, and the mswsock side: `extension-functions.ts`
 * (the direct exports `AcceptEx`, `TransmitFile`, `GetAcceptExSockaddrs`, `WSASendMsg`; every
 * extension function is the provider's, got with `WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER)`)
 * and `completion-ports.ts` (I/O completion ports and overlapped results, over the one completion
 * path of `process-io.ts`).
 */
export class Ws2 extends Ws2Core {
  /** The number of `WSAStartup` calls not yet matched by `WSACleanup`. */
  get startupReferences(): number {
    return this.startupCount;
  }

  /** The catalog snapshot this process took at its first `WSAStartup`, or undefined when not started. */
  get catalogSnapshot(): CatalogSnapshot | undefined {
    return this.current?.snapshot;
  }

  /**
   * How many socket handles the process's table holds — every live socket of every layer and base,
   * the application's and those below a non-IFS layer. 0 when not started. For diagnostics and
   * leak tests.
   */
  get handleCount(): number {
    return this.current?.handles.size ?? 0;
  }

  /** The providers started so far in this startup epoch (ProviderId, path, WSPDATA). */
  get startedProviders(): readonly LoadedProvider[] {
    return this.current?.startedProviders() ?? [];
  }
}

/**
 * The winsock2.h API of `Ws2`, one Windows concept per class (TypeScript's mixin pattern: each
 * class is written over `Ws2Core`, and its methods are copied onto `Ws2.prototype` by
 * `installApi`). A new concept is a new file under `api/`, named here and in `installApi`'s list.
 */
export interface Ws2
  extends Ws2Startup,
    Ws2SocketLifetime,
    Ws2Send,
    Ws2Receive,
    Ws2Disconnect,
    Ws2NamesAndOptions,
    Ws2EventsAndSelect,
    Ws2CatalogQueries,
    Ws2DuplicateSocket,
    Ws2ExtensionFunctions,
    Ws2CompletionPorts {}

installApi(Ws2, [
  Ws2Startup,
  Ws2SocketLifetime,
  Ws2Send,
  Ws2Receive,
  Ws2Disconnect,
  Ws2NamesAndOptions,
  Ws2EventsAndSelect,
  Ws2CatalogQueries,
  Ws2DuplicateSocket,
  Ws2ExtensionFunctions,
  Ws2CompletionPorts,
]);

/**
 * Copies every method (and accessor) the concept classes define onto the target's prototype, as
 * non-enumerable properties like a class's own. Two concepts defining the same name would make one
 * silently win, so that fails at load instead.
 */
function installApi(target: abstract new (...args: never[]) => unknown, concepts: readonly Function[]): void {
  const defined = new Map<string, string>();
  for (const concept of concepts) {
    for (const name of Object.getOwnPropertyNames(concept.prototype)) {
      if (name === 'constructor') continue;
      const owner = defined.get(name) ?? (Object.hasOwn(target.prototype, name) ? target.name : undefined);
      if (owner) throw new Error(`Ws2: ${concept.name}.${name} is already defined by ${owner}`);
      defined.set(name, concept.name);
      Object.defineProperty(
        target.prototype,
        name,
        Object.getOwnPropertyDescriptor(concept.prototype, name) as PropertyDescriptor,
      );
    }
  }
}

/**
 * `describeProviderConformance`: the one conformance suite every provider runs — in-memory, TCP
 * over loopback and over SimNetwork, UDP, OSI, and a user's own — each with its own setup.
 * @module
 */

import { ConformanceHarness } from './conformance-harness';
import type { ConformanceEnv, ConformanceSetup } from './conformance-setup';
import { gatedTest, loadJestApi } from './jest-api';
import { ProviderCapabilities } from './provider-capabilities';
import type { SubSuite, SuiteTools } from './suite-tools';
import { checkOrderSuite } from './suites/check-order-suite';
import { closeSuite } from './suites/close-suite';
import { completionPortSuite } from './suites/completion-port-suite';
import { connectDataSuite } from './suites/connect-data-suite';
import { connectionSuite } from './suites/connection-suite';
import { dataTransferSuite } from './suites/data-transfer-suite';
import { datagramSuite } from './suites/datagram-suite';
import { disconnectDataSuite } from './suites/disconnect-data-suite';
import { expeditedSuite } from './suites/expedited-suite';
import { extensionFunctionsSuite } from './suites/extension-functions-suite';
import { lifetimeSuite } from './suites/lifetime-suite';
import { nonBlockingSuite } from './suites/non-blocking-suite';
import { protocolInfoSuite } from './suites/protocol-info-suite';
import { readinessSuite } from './suites/readiness-suite';
import { shutdownSuite } from './suites/shutdown-suite';
import { socketFacadeSuite } from './suites/socket-facade-suite';

const DEFAULT_WAIT_TIMEOUT_MS = 5_000;
const DEFAULT_TEST_TIMEOUT_MS = 30_000;
const DEFAULT_LARGE_TRANSFER = 1024 * 1024;
const DEFAULT_MESSAGE_COUNT = 100;
const DEFAULT_DATAGRAM_COUNT = 50;

/** The sub-suites, in the order their tests are reported. */
const SUB_SUITES: readonly SubSuite[] = [
  protocolInfoSuite,
  checkOrderSuite,
  connectionSuite,
  dataTransferSuite,
  shutdownSuite,
  closeSuite,
  disconnectDataSuite,
  connectDataSuite,
  nonBlockingSuite,
  readinessSuite,
  expeditedSuite,
  datagramSuite,
  lifetimeSuite,
  socketFacadeSuite,
  extensionFunctionsSuite,
  completionPortSuite,
];

/**
 * Declares the provider conformance suite (jest) for one provider configuration: Winsock's
 * semantics as issue 3 lists them — the order of checks, connect/accept and data both ways, large
 * transfers arriving whole, half-close both ways with no byte lost, shutdown per direction (sticky,
 * idempotent, `WSAESHUTDOWN` first), the socket staying allocated until `closesocket`, graceful and
 * abortive close as whole `WSAEnumNetworkEvents` sequences, pending receives around `SD_RECEIVE`,
 * disconnect and connect data (`WSASendDisconnect`/`WSARecvDisconnect`, `WSAConnect` + the
 * `WSAAccept` condition function), `MSG_PEEK`, non-blocking calls, `FIONREAD`, `select`, `WSAPoll`,
 * socket options, `WSAEnumProtocolsW`, `closesocket` and `WSACleanup` invalidation, datagram
 * behaviour for connectionless providers, the mswsock extension functions (`AcceptEx`, `ConnectEx`,
 * `DisconnectEx`, `TransmitFile`, `WSARecvMsg`/`WSASendMsg`, the base-handle ioctls) and I/O
 * completion ports — through the C-shaped `Ws2` API and a few through `Socket`.
 *
 * Which tests apply is decided from `setup.serviceFlags` when jest collects them; the others are
 * declared with `it.skip` and a title that starts with the reason
 * (`[skipped: provider lacks XP1_DISCONNECT_DATA] …`). Where a capability is missing, the refusal
 * the provider must give instead (`WSAENOPROTOOPT`, `WSAEPROTONOSUPPORT`, `WSAEOPNOTSUPP`) is
 * tested. Every test gets a fresh environment from `setup.setup()`, bounds every wait, closes every
 * socket and event it opened, and hands the environment to `setup.teardown()`.
 *
 * `@jest/globals` is loaded when this function runs, not when `@ws2spi/spi/testing` is imported,
 * so the rest of the testing entry point works outside jest.
 *
 * @example
 * // packages/providers-tcp/test/conformance-tcp.test.ts
 * describeProviderConformance('TCP/IPv4 over loopback', {
 *   serviceFlags: tcpEntry.dwServiceFlags1,
 *   unavailable: { XP1_EXPEDITED_DATA: 'Node net has no TCP urgent data' },
 *   async setup() {
 *     const ws2 = startedProcess(catalog);
 *     return {
 *       client: ws2, server: ws2,
 *       socket: { af: AF_INET, type: SOCK_STREAM, protocol: IPPROTO_TCP },
 *       addresses: {
 *         serverBind: () => sockaddrIn('127.0.0.1', 0),
 *         serverForClient: (bound) => bound,
 *         clientBind: () => sockaddrIn('127.0.0.1', 0),
 *       },
 *     };
 *   },
 *   async teardown(env) { env.client.WSACleanup(); },
 * });
 */
export function describeProviderConformance<E extends ConformanceEnv>(
  name: string,
  setup: ConformanceSetup<E>,
): void {
  const jest = loadJestApi();
  const caps = new ProviderCapabilities(setup.serviceFlags, setup.unavailable);
  const waitTimeoutMs = setup.waitTimeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
  const test = gatedTest(jest, setup.testTimeoutMs ?? DEFAULT_TEST_TIMEOUT_MS);

  jest.describe(`provider conformance: ${name}`, () => {
    // One harness per running test; jest runs a file's tests one at a time.
    let harness: ConformanceHarness | undefined;
    let env: E | undefined;

    jest.beforeEach(async () => {
      env = await setup.setup();
      harness = new ConformanceHarness(env, waitTimeoutMs);
    });

    jest.afterEach(async () => {
      const ending = { harness, env };
      harness = undefined;
      env = undefined;
      try {
        ending.harness?.dispose();
      } finally {
        if (ending.env) await setup.teardown(ending.env);
      }
    });

    const tools: SuiteTools = {
      jest,
      expect: jest.expect,
      caps,
      test,
      h: () => {
        if (!harness) throw new Error('the conformance harness is only available inside a test');
        return harness;
      },
      sizes: {
        largeTransferBytes: setup.largeTransferBytes ?? DEFAULT_LARGE_TRANSFER,
        messageCount: setup.messageCount ?? DEFAULT_MESSAGE_COUNT,
        datagramCount: setup.datagramCount ?? DEFAULT_DATAGRAM_COUNT,
      },
    };
    for (const declare of SUB_SUITES) declare(tools);
  });
}

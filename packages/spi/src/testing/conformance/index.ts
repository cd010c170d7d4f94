/**
 * The provider conformance suite: `describeProviderConformance(name, setup)` and the types of its
 * setup contract, plus the harness pieces a provider's own tests may reuse.
 * @module
 */
export type { CallOutcome, ConnectedPair, DatagramPair, ReceiveOutcome } from './conformance-harness';
export { ConformanceHarness, failsWith, SOCKADDR_STORAGE_SIZE, succeeds } from './conformance-harness';
export type {
  ConformanceAddresses,
  ConformanceEnv,
  ConformanceSetup,
  ConformanceSocketArgs,
  OptionalServiceFlagName,
  UnavailableCapability,
} from './conformance-setup';
export { describeProviderConformance } from './describe-provider-conformance';
export { NetworkEventWatch, networkEventNames } from './network-event-watch';
export { allOf, type Gate, ProviderCapabilities, type ServiceFlagName } from './provider-capabilities';

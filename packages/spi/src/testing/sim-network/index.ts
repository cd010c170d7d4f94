/**
 * The public face of the sim: the network, its hosts and their options. Connections, listeners
 * and ports are handed out through the transport contract's interfaces (`host.streams`,
 * `host.datagrams`), so their classes stay internal and can change without breaking anyone.
 * @module
 */
export { SIM_LOOPBACK_IPV4, SIM_LOOPBACK_IPV6 } from './sim-address';
export { SimCapture, type SimCaptureOptions } from './sim-capture';
export { SimHost, type SimHostAddresses } from './sim-host';
export { SimNetwork } from './sim-network';
export type { SimNetworkOptions } from './sim-network-options';
export type { SimScheduledEvent, SimTiming, SimTraceEntry } from './sim-scheduler';
export { logNetworkEvents } from './sim-trace-log';

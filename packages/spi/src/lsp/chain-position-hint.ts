/**
 * Where the layer above expects the next layer to be. A layer passes the protocol info it was
 * given down *unmodified* (WSPStartup remarks), so the next layer must find its own position in the
 * same chain. When one provider module is installed at two positions of a chain (the same tracer
 * twice, a stack of identical pass-through layers), its own IDs appear more than once and the first
 * match would be the upper copy again. The layer above therefore records, next to the protocol
 * info it hands down, the position it is starting; a layer that finds no hint (one started by the
 * dispatcher, or by a layer that does not use this toolkit) searches from the top, as the
 * Microsoft sample does.
 * @module
 */

import type { WSAPROTOCOL_INFOW } from '../types/protocol-info';

// Module-level by necessity: the hint travels with an info object between two providers that share
// nothing else. It is keyed weakly by that object (a fresh copy per hand-over), so nothing is kept
// once the call is over, and no process state is shared.
const hints = new WeakMap<WSAPROTOCOL_INFOW, number>();

/** Marks `info` (a copy about to be handed to the next layer) as meant for chain position `position`. */
export function handDownAtPosition(info: WSAPROTOCOL_INFOW, position: number): WSAPROTOCOL_INFOW {
  hints.set(info, position);
  return info;
}

/** The position the layer above meant `info` for; 0 (search from the top) when there is no hint. */
export function expectedChainPosition(info: WSAPROTOCOL_INFOW | null | undefined): number {
  return (info && hints.get(info)) ?? 0;
}

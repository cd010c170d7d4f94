import type { WSAPROTOCOL_INFOW } from '../types/protocol-info';

/** How `netsh winsock show catalog` labels an entry, by its `ProtocolChain.ChainLen`. */
export type CatalogEntryType = 'Base Service Provider' | 'Layered Chain Entry' | 'Layered Service Provider';

/**
 * The `Entry Type` line of `netsh winsock show catalog`: ChainLen 1 is a "Base Service Provider",
 * ChainLen > 1 a "Layered Chain Entry", ChainLen 0 (an LSP's dummy) a "Layered Service Provider".
 */
export function catalogEntryType(info: WSAPROTOCOL_INFOW): CatalogEntryType {
  const chainLen = info.ProtocolChain.ChainLen;
  if (chainLen === 0) return 'Layered Service Provider';
  return chainLen === 1 ? 'Base Service Provider' : 'Layered Chain Entry';
}

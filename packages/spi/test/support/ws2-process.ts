import {
  type CatalogEntry,
  emptyWsaData,
  type LPWSPSTARTUP,
  MAKEWORD,
  registerProvider,
  Ws2,
} from '@ws2spi/spi';
import { container } from 'tsyringe';
import { fixedCatalog } from './protocol-info';

/** A Ws2 process over a fixed catalog, with the given providers registered by path in a fresh container. */
export function ws2With(
  entries: CatalogEntry[],
  providers: Record<string, { WSPStartup: LPWSPSTARTUP }>,
  options: { start?: boolean } = {},
): Ws2 {
  const child = container.createChildContainer();
  for (const [path, p] of Object.entries(providers)) registerProvider(child, path, p.WSPStartup);
  const ws2 = new Ws2({ catalog: fixedCatalog(entries), container: child });
  if (options.start !== false) {
    const rc = ws2.WSAStartup(MAKEWORD(2, 2), emptyWsaData());
    if (rc !== 0) throw new Error(`WSAStartup failed: ${rc}`);
  }
  return ws2;
}

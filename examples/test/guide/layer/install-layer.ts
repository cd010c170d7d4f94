// examples/test/guide/layer/install-layer.ts — the layer guide: a process whose catalog has TCP/IP
// with layers installed over it, top first, as Windows installs LSPs (WSCInstallProviderAndChains).
import { randomUUID } from 'node:crypto';
import { installTcpProviders, TCP_PROVIDER_PATH, WSPStartup as tcpWSPStartup } from '@ws2spi/providers-tcp';
import {
  AF_INET,
  Catalog,
  createProviderContainer,
  emptyWsaData,
  IPPROTO_TCP,
  installProviderAndChains,
  type LayeredProvider,
  MAKEWORD,
  registerProvider,
  SOCK_STREAM,
  Ws2,
  XP1_IFS_HANDLES,
} from '@ws2spi/spi';

/** A started process over real TCP/IP with `layers` (top first) over its TCP entry. */
export function processWithLayers(layers: readonly LayeredProvider[]): Ws2 {
  const catalog = new Catalog();
  const container = createProviderContainer();
  registerProvider(container, TCP_PROVIDER_PATH, tcpWSPStartup);
  installTcpProviders(catalog);
  // Bottom first: each layer goes over the top-most entry for TCP, which is the chain below it.
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i]!;
    const path = `lsp:${i}`;
    registerProvider(container, path, layer.WSPStartup);
    const outcome = installProviderAndChains(catalog, {
      providerId: randomUUID(),
      path,
      lspName: `${layer.description} #${i}`,
      serviceFlags: layer.style === 'ifs' ? XP1_IFS_HANDLES : 0,
      protocols: [{ iAddressFamily: AF_INET, iSocketType: SOCK_STREAM, iProtocol: IPPROTO_TCP }],
    });
    if (!outcome.ok) throw new Error(`installing ${layer.description}: ${outcome.reason}`);
  }
  const ws2 = new Ws2({ catalog, container });
  ws2.WSAStartup(MAKEWORD(2, 2), emptyWsaData());
  return ws2;
}

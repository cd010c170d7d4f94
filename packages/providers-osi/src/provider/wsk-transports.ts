/**
 * ISO transport over TCP for WSK clients: the same drivers the OSI base provider is built on (TP2,
 * RFC 2126 class 2, and TP0, RFC 1006 class 0), handed to a WSK provider (`createWskProvider` of
 * `@ws2spi/spi/wsk`). Connections are message-oriented (`SOCK_SEQPACKET`): a `WskSend` is one
 * TSDU, a receive ends at the end of one, and indications of a whole TSDU say
 * `WSK_FLAG_ENTIRE_MESSAGE`. A graceful `WskDisconnect` is the DR (class 2) and completes when the
 * DC arrives.
 * @module
 */

import { AF_ISO, ISOPROTO_TP0, ISOPROTO_TP2, nodeStreamNetwork, SOCK_SEQPACKET } from '@ws2spi/spi';
import type { WskTransport } from '@ws2spi/spi/wsk';
import { type OsiProviderOptions, osiLinkSettings } from './create-osi-provider';
import { OSI_PROVIDER_ID } from './osi-protocol-infos';
import { osiStreamDriver } from './osi-stream-driver';

/** `OsiProviderOptions` with the network optional (default: real TCP, Node's `net`). */
export type OsiWskOptions = Partial<Pick<OsiProviderOptions, 'streams'>> &
  Omit<OsiProviderOptions, 'streams'>;

/**
 * The two ISO transport transports for a WSK provider, `AF_ISO`/`SOCK_SEQPACKET` with
 * `ISOPROTO_TP2` and `ISOPROTO_TP0`, over real TCP or a `SimNetwork` host's streams.
 * @throws RangeError for options `createOsiProvider` would refuse.
 */
export function osiWskTransports(options: OsiWskOptions = {}): WskTransport[] {
  const streams = options.streams ?? nodeStreamNetwork();
  const settingsFor = osiLinkSettings({ ...options, streams });
  return [
    {
      AddressFamily: AF_ISO,
      SocketType: SOCK_SEQPACKET,
      Protocol: ISOPROTO_TP2,
      driver: osiStreamDriver(streams, settingsFor(2)),
      ProviderId: OSI_PROVIDER_ID,
      messageOriented: true,
    },
    {
      AddressFamily: AF_ISO,
      SocketType: SOCK_SEQPACKET,
      Protocol: ISOPROTO_TP0,
      driver: osiStreamDriver(streams, settingsFor(0)),
      ProviderId: OSI_PROVIDER_ID,
      messageOriented: true,
    },
  ];
}

/**
 * The WSK conformance suite (`describeWskConformance`) over ISO transport class 2 (RFC 2126) on
 * real loopback TCP: a WSK client over `osiWskTransports()` and a `Ws2` process with the OSI
 * provider. ISO transport's release (DR/DC) ends both directions: no half-close.
 */
import { OSI_MAX_TSDU_SIZE, osiWskTransports, sockaddrTp } from '@ws2spi/providers-osi';
import { AF_ISO, ISOPROTO_TP2, SOCK_SEQPACKET } from '@ws2spi/spi';
import { describeWskConformance } from '@ws2spi/spi/testing';
import { createWskProvider, WskSubsystem } from '@ws2spi/spi/wsk';
import { startOsiProcess } from './support/osi-process';

let selectors = 0;

describeWskConformance({
  name: 'ISO transport class 2 on real loopback',
  af: AF_ISO,
  type: SOCK_SEQPACKET,
  protocol: ISOPROTO_TP2,
  halfClose: false,
  maxMessage: Math.min(OSI_MAX_TSDU_SIZE, 64 * 1024),
  fillBytes: 4 * 1024 * 1024,
  start: () => {
    const provider = createWskProvider({ transports: osiWskTransports() });
    const proc = startOsiProcess();
    return {
      wsk: new WskSubsystem({ provider }),
      winsock: proc.ws2,
      end: () => {
        proc.end();
        provider.dispose();
      },
    };
  },
  wskAddress: () => sockaddrTp(`wsk${++selectors}`, '127.0.0.1', 0),
  winsockAddress: () => sockaddrTp('winsock', '127.0.0.1', 0),
});

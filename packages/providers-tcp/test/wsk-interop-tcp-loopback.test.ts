/**
 * The WSK ⇄ Winsock interoperability suite over real loopback TCP: a WSK client over
 * `tcpWskTransports()` and a `Ws2` process with the TCP/IP provider, both on Node's `net`.
 */
import { tcpWskTransports } from '@ws2spi/providers-tcp';
import { AF_INET, IPPROTO_TCP, SOCK_STREAM, sockaddrIn } from '@ws2spi/spi';
import { describeWskInterop } from '@ws2spi/spi/testing';
import { createWskProvider, WskSubsystem } from '@ws2spi/spi/wsk';
import { startTcpProcess } from './support/tcp-process';

describeWskInterop({
  name: 'TCP on real loopback',
  af: AF_INET,
  type: SOCK_STREAM,
  protocol: IPPROTO_TCP,
  halfClose: true,
  start: () => {
    const provider = createWskProvider({ transports: tcpWskTransports() });
    const proc = startTcpProcess();
    return {
      wsk: new WskSubsystem({ provider }),
      winsock: proc.ws2,
      end: () => {
        proc.end();
        provider.dispose();
      },
    };
  },
  wskAddress: () => sockaddrIn('127.0.0.1', 0),
  winsockAddress: () => sockaddrIn('127.0.0.1', 0),
});

/** The provider conformance suite for `[UDP/IP]` and `[UDP/IPv6]`: its datagram tests, over real loopback and over `SimNetwork`. */
import { describeProviderConformance } from '@ws2spi/spi/testing';
import { loopbackSetup, simNetworkSetup } from './support/conformance-setups';
import { ipv6LoopbackAvailable } from './support/ipv6-loopback';

describeProviderConformance('MSAFD Tcpip [UDP/IP] over loopback (Node dgram)', loopbackSetup('udp', 4));
describeProviderConformance('MSAFD Tcpip [UDP/IP] over SimNetwork', simNetworkSetup('udp', 4));

if (ipv6LoopbackAvailable()) {
  describeProviderConformance('MSAFD Tcpip [UDP/IPv6] over ::1 (Node dgram)', loopbackSetup('udp', 6));
} else {
  describe.skip('provider conformance: MSAFD Tcpip [UDP/IPv6] (skipped: no IPv6 loopback ::1 on this machine)', () => {
    it('runs the suite over ::1', () => {});
  });
}

/** The provider conformance suite for `[TCP/IP]` and `[TCP/IPv6]` over real loopback sockets. */
import { describeProviderConformance } from '@ws2spi/spi/testing';
import { loopbackSetup } from './support/conformance-setups';
import { ipv6LoopbackAvailable } from './support/ipv6-loopback';

describeProviderConformance('MSAFD Tcpip [TCP/IP] over loopback (Node net)', loopbackSetup('tcp', 4));

if (ipv6LoopbackAvailable()) {
  describeProviderConformance('MSAFD Tcpip [TCP/IPv6] over ::1 (Node net)', loopbackSetup('tcp', 6));
} else {
  describe.skip('provider conformance: MSAFD Tcpip [TCP/IPv6] (skipped: no IPv6 loopback ::1 on this machine)', () => {
    it('runs the suite over ::1', () => {});
  });
}

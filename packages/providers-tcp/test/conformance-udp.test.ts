/** The provider conformance suite for `[UDP/IP]` and `[UDP/IPv6]`: its datagram tests, over real loopback and over `SimNetwork`. */
import { describeIpv6, describeProviderConformance } from '@ws2spi/spi/testing';
import { loopbackSetup, simNetworkSetup } from './support/conformance-setups';

describeProviderConformance('MSAFD Tcpip [UDP/IP] over loopback (Node dgram)', loopbackSetup('udp', 4));
describeProviderConformance('MSAFD Tcpip [UDP/IP] over SimNetwork', simNetworkSetup('udp', 4));

describeIpv6('MSAFD Tcpip [UDP/IPv6] over ::1', () => {
  describeProviderConformance('MSAFD Tcpip [UDP/IPv6] over ::1 (Node dgram)', loopbackSetup('udp', 6));
});

/** The provider conformance suite for `[TCP/IP]` and `[TCP/IPv6]` over real loopback sockets. */
import { describeIpv6, describeProviderConformance } from '@ws2spi/spi/testing';
import { loopbackSetup } from './support/conformance-setups';

describeProviderConformance('MSAFD Tcpip [TCP/IP] over loopback (Node net)', loopbackSetup('tcp', 4));

describeIpv6('MSAFD Tcpip [TCP/IPv6] over ::1', () => {
  describeProviderConformance('MSAFD Tcpip [TCP/IPv6] over ::1 (Node net)', loopbackSetup('tcp', 6));
});

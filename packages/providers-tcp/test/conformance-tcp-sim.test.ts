/** The provider conformance suite for `[TCP/IP]` and `[TCP/IPv6]` over two `SimNetwork` hosts: the same provider code, another transport. */
import { describeProviderConformance } from '@ws2spi/spi/testing';
import { simNetworkSetup } from './support/conformance-setups';

describeProviderConformance('MSAFD Tcpip [TCP/IP] over SimNetwork', simNetworkSetup('tcp', 4));
describeProviderConformance('MSAFD Tcpip [TCP/IPv6] over SimNetwork', simNetworkSetup('tcp', 6));

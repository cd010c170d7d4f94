/** The provider conformance suite for the OSI provider's TP2 and TP0 entries over two `SimNetwork` hosts. */
import { describeProviderConformance } from '@ws2spi/spi/testing';
import { simNetworkSetup } from './support/conformance-setups';

describeProviderConformance('ISO TP2 over SimNetwork (IPv4)', simNetworkSetup(2, 4));
describeProviderConformance('ISO TP0 over SimNetwork (IPv6)', simNetworkSetup(0, 6));

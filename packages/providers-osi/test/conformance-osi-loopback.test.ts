/**
 * The provider conformance suite for the OSI provider's TP2 and TP0 entries over real loopback
 * TCP: both classes over 127.0.0.1, and TP0 over ::1 where the machine has an IPv6 loopback.
 */
import { describeIpv6, describeProviderConformance } from '@ws2spi/spi/testing';
import { loopbackSetup } from './support/conformance-setups';

describeProviderConformance('ISO TP2 over loopback TCP (127.0.0.1)', loopbackSetup(2, 4));
describeProviderConformance('ISO TP0 over loopback TCP (127.0.0.1)', loopbackSetup(0, 4));

describeIpv6('ISO TP0 over ::1', () => {
  describeProviderConformance('ISO TP0 over loopback TCP (::1)', loopbackSetup(0, 6));
});

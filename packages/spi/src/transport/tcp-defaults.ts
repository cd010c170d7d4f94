/**
 * Windows' TCP defaults that the drivers over `StreamNetwork` share: the TCP/IP provider and the
 * OSI provider (whose ISO connections run over TCP) time out a TCP connect and size their kernel
 * listeners the same way.
 * @module
 */

/**
 * How long a TCP connect (`WSPConnect`) waits for the handshake: Windows' 21 s (a SYN and two
 * retransmissions, 3 + 6 + 12 s), rather than the ~2 minutes of Linux's default SYN retries.
 */
export const TCP_CONNECT_TIMEOUT_MS = 21_000;

/**
 * The kernel backlog of a TCP listener behind a provider's socket: the most the system takes (Linux
 * clamps it to `net.core.somaxconn`, 4096 by default). The Winsock backlog that `WSPListen` asks
 * for is enforced by the provider kit (requests beyond it are refused), not by the kernel: the
 * listener exists before `listen` says how long its queue should be, and Node accepts from the
 * kernel queue at once. A smaller kernel queue would not refuse anything — Linux drops the
 * handshake's last ACK when its queue is full and the client retransmits a second later — it would
 * only delay a burst of connects that the Winsock backlog accepts.
 */
export const LISTENER_KERNEL_BACKLOG = 65535;

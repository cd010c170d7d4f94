/**
 * The facts of `../shared/reference/mswsock-iocp.md` (beside the repository; the copy in
 * test/fixtures/reference otherwise) that the constants tests compare the mswsock, completion-port
 * and NTSTATUS constants against, plus a table copied from the Windows headers for the values that
 * reference does not state.
 * @module
 */

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { findRepoRoot, loadWinsockReference, type WinsockReference } from './winsock-reference';

/** The shared reference beside the repository. */
export function sharedMswsockReferencePath(): string {
  return path.resolve(findRepoRoot(), '../shared/reference/mswsock-iocp.md');
}

/** The snapshot kept in this repository. */
export function snapshotMswsockReferencePath(): string {
  return path.resolve(findRepoRoot(), 'packages/spi/test/fixtures/reference/mswsock-iocp.md');
}

/** The reference the tests read: the shared copy when it is there, else the snapshot. */
export function mswsockReferencePath(): string {
  const shared = sharedMswsockReferencePath();
  return existsSync(shared) ? shared : snapshotMswsockReferencePath();
}

/** The reference parsed as winsock-spi.md is (tables with a `Value` column, inline facts). */
export function loadMswsockReference(): WinsockReference {
  return loadWinsockReference(mswsockReferencePath());
}

/** One `SIO_*` row of §1.1: its name, its macro and its value. */
export interface IoctlRow {
  name: string;
  macro: string;
  value: number;
}

/** The rows of a markdown table whose first cell is a backticked name with `prefix`. */
function rowsWithPrefix(prefix: string): string[][] {
  const text = readFileSync(mswsockReferencePath(), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.startsWith(`| \`${prefix}`))
    .map((line) =>
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.replace(/\*\*/g, '').replace(/`/g, '').trim()),
    );
}

/** The IOCTL table of §1.1. */
export function ioctlRows(): IoctlRow[] {
  const seen = new Set<string>();
  return rowsWithPrefix('SIO_')
    .filter((cells) => /^_WSAIO/.test(cells[1] ?? '') && /^0x[0-9A-Fa-f]+$/.test(cells[2] ?? ''))
    .filter((cells) => !seen.has(cells[0]!) && seen.add(cells[0]!))
    .map((cells) => ({ name: cells[0]!, macro: cells[1]!, value: Number(cells[2]) }));
}

/** The GUID table of §1.2: name → canonical GUID. */
export function guidRows(): Map<string, string> {
  return new Map(
    rowsWithPrefix('WSAID_')
      .filter((cells) => /^[0-9a-f-]{36}$/.test(cells[1] ?? ''))
      .map((cells) => [cells[0]!, cells[1]!]),
  );
}

/**
 * Values mswsock-iocp.md does not state, from the Windows headers as mingw-w64 ships them
 * (winerror.h, ntstatus.h, mswsock.h, winbase.h).
 */
export const MSWSOCK_HEADER_VALUES: ReadonlyArray<readonly [name: string, value: number, header: string]> = [
  ['ERROR_SUCCESS', 0, 'winerror.h'],
  ['ERROR_ACCESS_DENIED', 5, 'winerror.h'],
  ['ERROR_NOT_ENOUGH_MEMORY', 8, 'winerror.h'],
  ['ERROR_NOT_READY', 21, 'winerror.h'],
  ['ERROR_GEN_FAILURE', 31, 'winerror.h'],
  ['ERROR_DUP_NAME', 52, 'winerror.h'],
  ['ERROR_UNEXP_NET_ERR', 59, 'winerror.h'],
  ['ERROR_SEM_TIMEOUT', 121, 'winerror.h'],
  ['ERROR_PIPE_NOT_CONNECTED', 233, 'winerror.h'],
  ['ERROR_NOACCESS', 998, 'winerror.h'],
  ['ERROR_INVALID_NETNAME', 1214, 'winerror.h'],
  ['ERROR_GRACEFUL_DISCONNECT', 1226, 'winerror.h'],
  ['ERROR_CONNECTION_ACTIVE', 1230, 'winerror.h'],
  ['ERROR_NETWORK_UNREACHABLE', 1231, 'winerror.h'],
  ['ERROR_HOST_UNREACHABLE', 1232, 'winerror.h'],
  ['ERROR_PORT_UNREACHABLE', 1234, 'winerror.h'],
  ['ERROR_REQUEST_ABORTED', 1235, 'winerror.h'],
  ['ERROR_NO_SYSTEM_RESOURCES', 1450, 'winerror.h'],
  ['WAIT_IO_COMPLETION', 0xc0, 'winbase.h: STATUS_USER_APC'],
  ['INVALID_HANDLE_VALUE', -1, 'handleapi.h: ((HANDLE)(LONG_PTR)-1)'],
  ['STATUS_USER_APC', 0xc0, 'ntstatus.h'],
  ['STATUS_TIMEOUT', 0x102, 'ntstatus.h'],
  ['STATUS_UNSUCCESSFUL', 0xc0000001, 'ntstatus.h'],
  ['STATUS_ACCESS_VIOLATION', 0xc0000005, 'ntstatus.h'],
  ['STATUS_INVALID_HANDLE', 0xc0000008, 'ntstatus.h'],
  ['STATUS_ACCESS_DENIED', 0xc0000022, 'ntstatus.h'],
  ['STATUS_PIPE_DISCONNECTED', 0xc00000b0, 'ntstatus.h'],
  ['STATUS_UNEXPECTED_NETWORK_ERROR', 0xc00000c4, 'ntstatus.h'],
  ['STATUS_INVALID_ADDRESS_COMPONENT', 0xc0000207, 'ntstatus.h'],
  ['STATUS_ADDRESS_ALREADY_EXISTS', 0xc000020a, 'ntstatus.h'],
  ['STATUS_PORT_UNREACHABLE', 0xc000023f, 'ntstatus.h'],
  ['STATUS_REQUEST_ABORTED', 0xc0000240, 'ntstatus.h'],
  ['TF_USE_DEFAULT_WORKER', 0x00, 'mswsock.h'],
  ['DE_REUSE_SOCKET', 0x02, 'mswsock.h: TF_REUSE_SOCKET'],
  ['INFINITE', 0xffffffff, 'winbase.h'],
  ['TP_USE_DEFAULT_WORKER', 0x00, 'mswsock.h: TF_USE_DEFAULT_WORKER'],
  ['TP_USE_SYSTEM_THREAD', 0x10, 'mswsock.h: TF_USE_SYSTEM_THREAD'],
  ['TP_USE_KERNEL_APC', 0x20, 'mswsock.h: TF_USE_KERNEL_APC'],
  ['TP_DISCONNECT', 0x01, 'mswsock.h: TF_DISCONNECT'],
  ['TP_REUSE_SOCKET', 0x02, 'mswsock.h: TF_REUSE_SOCKET'],
];

/** The names whose values a test checks against mswsock-iocp.md or the table above. */
export function mswsockCheckedNames(): Set<string> {
  const reference = loadMswsockReference();
  return new Set([
    ...reference.facts.map((f) => f.name),
    ...ioctlRows().map((r) => r.name),
    ...MSWSOCK_HEADER_VALUES.map(([name]) => name),
  ]);
}

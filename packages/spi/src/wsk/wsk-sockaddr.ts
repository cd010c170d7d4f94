/**
 * Socket addresses at the WSK boundary. A WSK function takes a `PSOCKADDR` without a length; the
 * length is the transport's own (`sizeof(SOCKADDR_IN)` for IPv4 …), and the driver's address codec
 * decides whether the address suits the use. Addresses cross by value in both directions: WSK keeps
 * copies, and writes copies into the caller's out-cells.
 * @module
 */

import { WSAEADDRNOTAVAIL } from '../constants/error-codes';
import { copySockaddr } from '../provider-kit/sockaddr-copy';
import type { AddressFamilyCodec, AddressUse } from '../provider-kit/transport-driver';
import type { SOCKADDR } from '../types/sockaddr';
import { isInspectable, isWritableCell, readGuarded } from './argument-guard';
import { type NTSTATUS, STATUS_INVALID_ADDRESS_COMPONENT, STATUS_INVALID_PARAMETER } from './ntstatus';

/** True for an object with a numeric `sa_family` (read without traps; a throwing getter is malformed). */
export function isSockaddr(value: unknown): value is SOCKADDR {
  return isInspectable(value) && readGuarded(() => typeof (value as SOCKADDR).sa_family === 'number', false);
}

/**
 * 0 when `address` can be used for `use` on the transport, else the status: an address that cannot
 * be used this way (a wildcard or port 0 to connect to, a foreign address to bind) is
 * `STATUS_INVALID_ADDRESS_COMPONENT`; anything malformed or of another family
 * `STATUS_INVALID_PARAMETER`.
 */
export function checkAddress(codec: AddressFamilyCodec, address: unknown, use: AddressUse): NTSTATUS {
  if (!isSockaddr(address)) return STATUS_INVALID_PARAMETER;
  let code: number;
  try {
    code = codec.checkAddress(address, codec.sockaddrLength, use);
  } catch {
    return STATUS_INVALID_PARAMETER;
  }
  if (code === 0) return 0;
  return code === WSAEADDRNOTAVAIL ? STATUS_INVALID_ADDRESS_COMPONENT : STATUS_INVALID_PARAMETER;
}

/** True for an out-cell `{ value }` WSK can write (not frozen, not a proxy). */
export function isOutCell(value: unknown): value is { value: unknown } {
  return isWritableCell(value);
}

/** Writes a copy of `address` into an optional out-cell; false when the cell is malformed. */
export function writeAddress(cell: unknown, address: SOCKADDR): boolean {
  if (cell === null || cell === undefined) return true;
  if (!isOutCell(cell)) return false;
  cell.value = copySockaddr(address);
  return true;
}

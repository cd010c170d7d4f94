/**
 * The ISO 8073 TPDU checksum (the Fletcher-style arithmetic of X.224 Annex, also used by CLNP and
 * IS-IS): two running sums modulo 255 over the whole TPDU, user data included. A TPDU verifies
 * when both sums are 0. The checksum parameter (`C3`) belongs to class 4; a class-0/2 stack meets it
 * only in a peer's CR that prefers class 4, and verifies it there.
 * @module
 */

/** True when `tpdu` (the whole TPDU, LI octet to last user-data octet) verifies. */
export function verifyIsoChecksum(tpdu: Uint8Array): boolean {
  let c0 = 0;
  let c1 = 0;
  for (const octet of tpdu) {
    c0 = (c0 + octet) % 255;
    c1 = (c1 + c0) % 255;
  }
  return c0 === 0 && c1 === 0;
}

/**
 * Fills the two checksum octets at `position` (0-based index of the first one) so that `tpdu`
 * verifies. The octets must be in place (their values are overwritten).
 */
export function fillIsoChecksum(tpdu: Uint8Array, position: number): void {
  tpdu[position] = 0;
  tpdu[position + 1] = 0;
  let c0 = 0;
  let c1 = 0;
  for (const octet of tpdu) {
    c0 = (c0 + octet) % 255;
    c1 = (c1 + c0) % 255;
  }
  // n = 1-based position of X, L = length: X = (L − n)·C0 − C1, Y = C1 − (L − n + 1)·C0 (mod 255).
  const remaining = tpdu.length - (position + 1);
  let x = mod255(remaining * c0 - c1);
  let y = mod255(c1 - (remaining + 1) * c0);
  // 0 and 255 are the same residue; 0 is avoided so that an all-zero field means "no checksum".
  if (x === 0) x = 255;
  if (y === 0) y = 255;
  tpdu[position] = x;
  tpdu[position + 1] = y;
}

function mod255(value: number): number {
  return ((value % 255) + 255) % 255;
}

// The in-place rule (docs/delta-format.md "In-place patches"): the device writes the new image over the old one in
// aligned pieces of `granule` bytes, each only once complete, so while new offset q is produced the old bytes below
// alignDown(q, granule) are gone. Shared by the encoder (create/in-place.ts) and the applier, which refuses a copy
// that breaks it.

/**
 * True when copying `len` bytes from old offset o to new offset q is safe in place with this granule.
 *
 * @example
 * ```ts
 * inPlaceSafe(8200, 8192, 100, 4096); // true: it reads ahead of what is written
 * inPlaceSafe(3990, 4000, 100, 4096); // false: new 4096..4099 would read old 4086.., gone once 0..4095 is written
 * ```
 */
export function inPlaceSafe(o: number, q: number, len: number, granule: number): boolean {
  const disp = o - q;
  if (disp >= 0) return true;
  const inGranule = q & (granule - 1);
  return inGranule >= -disp && inGranule + len <= granule;
}

/**
 * Working planes reused from one call to the next within a thread. Hashing and marking a display
 * copy use several planes of megabytes each; allocating them per call was most of the protect
 * threads' garbage collection. A plane is lent to one synchronous stretch of code at a time under
 * its slot's name (callers never hold one across an await), so no two users share it. Planes larger
 * than `keepUpTo` values (a handscroll's) are allocated per call and freed, bounding what a thread keeps.
 */
type Plane = Float32Array<ArrayBuffer> | Float64Array<ArrayBuffer>;
const planes = new Map<string, Plane>();

function lend<T extends Plane>(slot: string, length: number, keepUpTo: number, make: (length: number) => T): T {
  if (length > keepUpTo) return make(length);
  let plane = planes.get(slot) as T | undefined;
  if (!plane || plane.length < length) planes.set(slot, (plane = make(Math.max(length, Math.min(keepUpTo, 2 * (plane?.length ?? 0))))));
  // Callers write every value they later read: a lent plane holds the last user's values.
  return plane.subarray(0, length) as T;
}

export function scratchFloat32(slot: string, length: number, keepUpTo: number): Float32Array<ArrayBuffer> {
  return lend(slot, length, keepUpTo, (n) => new Float32Array(n));
}

export function scratchFloat64(slot: string, length: number, keepUpTo: number): Float64Array<ArrayBuffer> {
  return lend(slot, length, keepUpTo, (n) => new Float64Array(n));
}

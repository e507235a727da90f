/**
 * Exact near-neighbour search over 256-bit perceptual hashes (PDQ) by Hamming distance, with
 * multi-index hashing (Norouzi, Punjani & Fleet, "Fast Search in Hamming Space with Multi-Index
 * Hashing", CVPR 2012):
 *
 * A code is cut into 16 disjoint 16-bit chunks, and each chunk position has a table from the
 * 65,536 chunk values to the codes holding that value. If two codes differ in at most r bits, then
 * by the pigeonhole principle at least one of their 16 chunks differs in at most s = floor(r / 16)
 * bits (were all 16 to differ in s + 1 or more, the distance would be ≥ 16(s + 1) > r). So probing
 * every table with every chunk value within s bits of the query's chunk finds every code within r:
 * no match is ever missed. At r = 31, s = 1: 16 × 17 bucket probes, each holding about n / 65,536
 * codes, every candidate then checked with a full 256-bit popcount.
 *
 * Tables are compact sorted arrays (counting sort per chunk), rebuilt when codes added since the
 * last build exceed an eighth of the built ones; codes added since then are scanned linearly, so
 * adding stays O(1) and a search never misses a fresh code. Memory: 32 bytes per code for the codes
 * plus 4 bytes per code per table (16 tables) plus 4 for de-duplication: about 100 bytes per code.
 */
export const CODE_BYTES = 32;
const WORDS = CODE_BYTES / 4;
const CHUNKS = 16;
const CHUNK_VALUES = 1 << 16;
/** The largest radius the index serves (s = 3 probes 697 values per table; beyond that a scan is as fast). */
export const MAX_RADIUS = 63;

export interface HammingMatch {
  /** Position of the code in insertion order (0-based), to be mapped to its owner by the caller. */
  position: number;
  distance: number;
}

export class HammingIndex {
  private words: Uint32Array = new Uint32Array(1024 * WORDS);
  private count = 0;
  private built = 0;
  private offsets: Uint32Array[] = [];
  private positions: Uint32Array[] = [];
  private stamps: Uint32Array = new Uint32Array(1024);
  private epoch = 0;

  /**
   * An index over `count` codes already laid out as this class holds them (eight 32-bit words per
   * code, each word the big-endian value of 4 code bytes), adopting `words` without a copy; room
   * beyond `count` codes is used by later adds. For loading a snapshot without a JS object per code.
   */
  static adopt(words: Uint32Array, count: number): HammingIndex {
    if (words.length % WORDS !== 0 || count * WORDS > words.length) throw new RangeError(`${words.length} words cannot hold ${count} codes`);
    const index = new HammingIndex();
    index.words = words.length > 0 ? words : new Uint32Array(WORDS);
    index.stamps = new Uint32Array(index.words.length / WORDS);
    index.count = count;
    return index;
  }

  /** The codes held, in insertion order, in the layout `adopt` takes (a view, not a copy). */
  get codeWords(): Uint32Array {
    return this.words.subarray(0, this.count * WORDS);
  }

  /** Number of codes held. */
  get size(): number {
    return this.count;
  }

  /** Approximate bytes of memory held by the index. */
  get memoryBytes(): number {
    const tables = this.offsets.reduce((sum, o) => sum + o.byteLength, 0) + this.positions.reduce((sum, p) => sum + p.byteLength, 0);
    return this.words.byteLength + this.stamps.byteLength + tables;
  }

  /** Adds a 32-byte code; returns its position. */
  add(code: Uint8Array): number {
    if (code.length !== CODE_BYTES) throw new RangeError(`a code is ${CODE_BYTES} bytes, got ${code.length}`);
    if ((this.count + 1) * WORDS > this.words.length) this.grow();
    const base = this.count * WORDS;
    for (let w = 0; w < WORDS; w++) {
      const o = w * 4;
      // Big-endian words, so chunk k is bytes 2k and 2k + 1 of the code as written in hex.
      this.words[base + w] = ((code[o]! << 24) | (code[o + 1]! << 16) | (code[o + 2]! << 8) | code[o + 3]!) >>> 0;
    }
    return this.count++;
  }

  /** Every code within `radius` bits of `query`, nearest first; exact (no code within the radius is missed). */
  search(query: Uint8Array, radius: number): HammingMatch[] {
    if (query.length !== CODE_BYTES) throw new RangeError(`a query is ${CODE_BYTES} bytes, got ${query.length}`);
    if (!Number.isInteger(radius) || radius < 0 || radius > MAX_RADIUS) throw new RangeError(`radius must be an integer from 0 to ${MAX_RADIUS}, got ${radius}`);
    if (this.count - this.built > Math.max(4096, this.built / 8)) this.rebuild();
    const q = new Uint32Array(WORDS);
    for (let w = 0; w < WORDS; w++) q[w] = ((query[w * 4]! << 24) | (query[w * 4 + 1]! << 16) | (query[w * 4 + 2]! << 8) | query[w * 4 + 3]!) >>> 0;
    const epoch = this.nextEpoch();
    const matches: HammingMatch[] = [];
    const consider = (position: number): void => {
      if (this.stamps[position] === epoch) return;
      this.stamps[position] = epoch;
      const distance = this.distanceTo(q, position);
      if (distance <= radius) matches.push({ position, distance });
    };
    if (this.built > 0) {
      const masks = masksWithin(Math.floor(radius / CHUNKS));
      for (let chunk = 0; chunk < CHUNKS; chunk++) {
        const word = q[chunk >> 1]!;
        const value = chunk & 1 ? word & 0xffff : word >>> 16;
        const offsets = this.offsets[chunk]!;
        const positions = this.positions[chunk]!;
        for (const mask of masks) {
          const bucket = value ^ mask;
          for (let i = offsets[bucket]!, end = offsets[bucket + 1]!; i < end; i++) consider(positions[i]!);
        }
      }
    }
    for (let position = this.built; position < this.count; position++) consider(position);
    return matches.sort((a, b) => a.distance - b.distance || a.position - b.position);
  }

  /** Hamming distance between the query words and the stored code at `position`. */
  private distanceTo(q: Uint32Array, position: number): number {
    const base = position * WORDS;
    let distance = 0;
    for (let w = 0; w < WORDS; w++) distance += popcount32((q[w]! ^ this.words[base + w]!) >>> 0);
    return distance;
  }

  /** Rebuilds every chunk table over all codes held (a counting sort per chunk). */
  rebuild(): void {
    const n = this.count;
    this.offsets = [];
    this.positions = [];
    for (let chunk = 0; chunk < CHUNKS; chunk++) {
      const offsets = new Uint32Array(CHUNK_VALUES + 1);
      const wordIndex = chunk >> 1;
      const low = (chunk & 1) === 1;
      for (let p = 0; p < n; p++) {
        const word = this.words[p * WORDS + wordIndex]!;
        offsets[(low ? word & 0xffff : word >>> 16) + 1]!++;
      }
      for (let v = 0; v < CHUNK_VALUES; v++) offsets[v + 1]! += offsets[v]!;
      const fill = offsets.slice(0, CHUNK_VALUES);
      const positions = new Uint32Array(n);
      for (let p = 0; p < n; p++) {
        const word = this.words[p * WORDS + wordIndex]!;
        positions[fill[low ? word & 0xffff : word >>> 16]!++] = p;
      }
      this.offsets.push(offsets);
      this.positions.push(positions);
    }
    this.built = n;
  }

  private grow(): void {
    const words = new Uint32Array(this.words.length * 2);
    words.set(this.words);
    this.words = words;
    const stamps = new Uint32Array(this.stamps.length * 2);
    stamps.set(this.stamps);
    this.stamps = stamps;
  }

  private nextEpoch(): number {
    if (this.epoch === 0xffffffff) {
      this.stamps.fill(0);
      this.epoch = 0;
    }
    return ++this.epoch;
  }
}

/** Number of set bits in a 32-bit integer. */
export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

const maskCache = new Map<number, Uint32Array>();

/** Every 16-bit mask with at most `bits` bits set (the chunk values to probe around a query's chunk). */
export function masksWithin(bits: number): Uint32Array {
  let masks = maskCache.get(bits);
  if (!masks) {
    const list: number[] = [];
    for (let m = 0; m < CHUNK_VALUES; m++) if (popcount32(m) <= bits) list.push(m);
    masks = Uint32Array.from(list.sort((a, b) => popcount32(a) - popcount32(b) || a - b));
    maskCache.set(bits, masks);
  }
  return masks;
}

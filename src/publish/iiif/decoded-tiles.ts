/**
 * Decoded pyramid tiles shared by every render thread of a process (`tile-region-pool.ts`): equal
 * slots in one SharedArrayBuffer, bounded by bytes, least recently used out. A tile any thread
 * decoded is read by all of them, so the same memory holds about twice the tiles that two private
 * caches held and no tile is decoded once per thread (the side-by-side benchmark's unaligned regions:
 * 0.75 → 0.44 decodes an answer with 96 MiB, two threads). The slots lie in the render threads'
 * shared WebAssembly memory, where the resizer copies from them at memcpy speed.
 *
 * The slot table is guarded by one lock word (Atomics), held for a table scan at most. Pixels are
 * read outside the lock and checked afterwards against the slot's generation (a seqlock): a slot
 * that was taken for another tile while it was being read is read again from a fresh decode
 * (`unchanged`). Nothing else waits on another thread: a tile another thread is decoding right now
 * is decoded here too, privately. A thread that died holding the lock is let go by the pool
 * (`releaseLockOf`); a slot it was filling is taken back after FILL_TIMEOUT_MS.
 */

/** The shared memory, made once by the pool and passed to each thread (SharedArrayBuffers are shared, not copied). */
export interface DecodedTilesMemory {
  /** The lock word, then per slot its key (source hash ×2, level, index) and generation. */
  ints: SharedArrayBuffer;
  /** The use clock, then per slot when it was last used and when its fill began. */
  floats: SharedArrayBuffer;
  /** The slots lie in `pixels` from `pixelsAt` on: a WebAssembly memory's, so the resizer copies from them (`resample.ts`). */
  pixels: SharedArrayBuffer;
  pixelsAt: number;
  slotBytes: number;
}

/** A pyramid's identity in the table: 64 bits of the SHA-256 of its key. */
export interface SourceId { a: number; b: number }

/** A tile read from a slot (at byte `at` of the pixels' buffer): valid if `unchanged(tile)` after its pixels were copied. */
export interface SharedTile { at: number; slot: number; generation: number }

/** 256 × 256 RGB: the tiles of every pyramid Wenyuan builds. A larger tile is decoded privately each time. */
export const DEFAULT_SLOT_BYTES = 256 * 256 * 3;
const INTS_PER_SLOT = 5;
const HEADER_INTS = 4;
const LOCK = 0;
/** A fill that has not finished in this long belongs to a thread that died: its slot is taken back. */
export const FILL_TIMEOUT_MS = 10_000;
/** Spins before sleeping on the lock: it is held for microseconds. */
const SPINS = 64;

/** How many slots `bytes` hold. */
export const slotsIn = (bytes: number, slotBytes = DEFAULT_SLOT_BYTES) => Math.max(0, Math.floor(bytes / slotBytes));

/** The table for `slotsIn(bytes)` slots, whose pixels lie in `pixels` from `pixelsAt` (a buffer of their own by default). */
export function allocateDecodedTiles(bytes: number, slotBytes = DEFAULT_SLOT_BYTES, pixels?: { buffer: SharedArrayBuffer; at: number }): DecodedTilesMemory {
  const slots = slotsIn(bytes, slotBytes);
  if (pixels && pixels.at + slots * slotBytes > pixels.buffer.byteLength) throw new RangeError('decoded tiles: the slots lie outside their buffer');
  const ints = new SharedArrayBuffer((HEADER_INTS + slots * INTS_PER_SLOT) * 4);
  const view = new Int32Array(ints);
  for (let s = 0; s < slots; s++) clearKey(view, s);
  return { ints, floats: new SharedArrayBuffer((1 + slots * 2) * 8), pixels: pixels?.buffer ?? new SharedArrayBuffer(slots * slotBytes), pixelsAt: pixels?.at ?? 0, slotBytes };
}

/** Lets go of the lock if the thread whose `owner` token holds it died there (called by the pool on a thread's exit). */
export function releaseLockOf(memory: DecodedTilesMemory, owner: number): void {
  const ints = new Int32Array(memory.ints);
  if (Atomics.compareExchange(ints, LOCK, owner, 0) === owner) Atomics.notify(ints, LOCK);
}

/** The lock token of a thread: its threadId + 1 (the main thread is 0, and 0 means "free"). */
export const lockOwner = (threadId: number) => threadId + 1;

function keyAt(slot: number): number {
  return HEADER_INTS + slot * INTS_PER_SLOT;
}

function clearKey(ints: Int32Array, slot: number): void {
  const k = keyAt(slot);
  ints[k] = 0;
  ints[k + 1] = 0;
  ints[k + 2] = -1;
  ints[k + 3] = -1;
}

export class DecodedTiles {
  readonly slots: number;
  readonly slotBytes: number;
  readonly stats = { hits: 0, misses: 0, retries: 0 };
  private readonly ints: Int32Array;
  private readonly floats: Float64Array;
  private readonly pixels: SharedArrayBuffer;
  private readonly pixelsAt: number;

  /** `owner`: this thread's lock token (`lockOwner(threadId)`). */
  constructor(
    memory: DecodedTilesMemory,
    private readonly owner: number,
    private readonly fillTimeoutMs = FILL_TIMEOUT_MS,
  ) {
    this.ints = new Int32Array(memory.ints);
    this.floats = new Float64Array(memory.floats);
    this.pixels = memory.pixels;
    this.pixelsAt = memory.pixelsAt;
    this.slotBytes = memory.slotBytes;
    this.slots = (this.ints.length - HEADER_INTS) / INTS_PER_SLOT;
  }

  /**
   * The tile (source, level, index), decoding it with `decode(into)` into a free slot on a miss.
   * Null when it has no slot: larger than a slot, no memory, or every slot being filled; the caller
   * decodes it privately. `decode` may throw: the slot is then freed and the error passes on.
   */
  get(source: SourceId, level: number, index: number, bytes: number, decode: (into: Buffer) => void): SharedTile | null {
    if (bytes > this.slotBytes || this.slots === 0) return null;
    const ints = this.ints, floats = this.floats;
    let claimed = -1, generation = 0;
    this.lock();
    try {
      let victim = -1, oldest = Infinity;
      const staleBefore = Date.now() - this.fillTimeoutMs;
      for (let s = 0; s < this.slots; s++) {
        const k = keyAt(s);
        const g = ints[k + 4]!;
        if (ints[k] === source.a && ints[k + 1] === source.b && ints[k + 2] === level && ints[k + 3] === index) {
          if (g & 1) {
            if (floats[2 + 2 * s]! >= staleBefore) return null; // another thread is decoding it this moment
            victim = s; // a thread that died decoding it: decode it here
            break;
          }
          floats[1 + 2 * s] = ++floats[0]!;
          this.stats.hits++;
          return { at: this.pixelsAt + s * this.slotBytes, slot: s, generation: g };
        }
        // Free slots and the least recently used; a fill that never finished counts as free.
        const used = g & 1 ? (floats[2 + 2 * s]! < staleBefore ? -1 : Infinity) : floats[1 + 2 * s]!;
        if (used < oldest) {
          oldest = used;
          victim = s;
        }
      }
      this.stats.misses++;
      if (victim < 0) return null;
      const k = keyAt(victim);
      ints[k] = source.a;
      ints[k + 1] = source.b;
      ints[k + 2] = level;
      ints[k + 3] = index;
      // Odd: being filled. +1 from even, +2 from a dead thread's odd, so readers of what it held see a change.
      generation = ints[k + 4]! + (ints[k + 4]! & 1 ? 2 : 1);
      ints[k + 4] = generation;
      floats[1 + 2 * victim] = ++floats[0]!;
      floats[2 + 2 * victim] = Date.now();
      claimed = victim;
    } finally {
      this.unlock();
    }
    const at = this.pixelsAt + claimed * this.slotBytes;
    let ok = false;
    try {
      decode(Buffer.from(this.pixels, at, bytes));
      ok = true;
    } finally {
      this.lock();
      const k = keyAt(claimed);
      // Still ours (not taken back as stale, nor forgotten meanwhile: a forgotten key reads as free).
      if (ints[k + 4] === generation) {
        if (!ok) clearKey(ints, claimed);
        ints[k + 4] = generation + 1;
      }
      this.unlock();
    }
    return { at, slot: claimed, generation: generation + 1 };
  }

  /** Whether `tile`'s slot still holds what it held when read: call after copying its pixels. */
  unchanged(tile: SharedTile): boolean {
    if (Atomics.load(this.ints, keyAt(tile.slot) + 4) === tile.generation) return true;
    this.stats.retries++;
    return false;
  }

  /** A tile's pixels as bytes (copying from shared memory in JavaScript is slow: the renderer copies in WebAssembly). */
  pixelsOf(tile: SharedTile): Uint8Array {
    return new Uint8Array(this.pixels, tile.at, this.slotBytes);
  }

  /** Drops every tile of `source` (its pyramid was rebuilt or found broken). */
  forget(source: SourceId): void {
    const ints = this.ints;
    this.lock();
    try {
      for (let s = 0; s < this.slots; s++) {
        const k = keyAt(s);
        if (ints[k] !== source.a || ints[k + 1] !== source.b || ints[k + 2]! < 0) continue;
        clearKey(ints, s);
        // A stable slot changes generation so a reader mid-copy notices; a fill in progress ends as free.
        if (!(ints[k + 4]! & 1)) ints[k + 4] = ints[k + 4]! + 2;
        this.floats[1 + 2 * s] = 0;
      }
    } finally {
      this.unlock();
    }
  }

  /** How many slots hold a tile (for tests). */
  get filled(): number {
    let n = 0;
    for (let s = 0; s < this.slots; s++) if (this.ints[keyAt(s) + 2]! >= 0) n++;
    return n;
  }

  private lock(): void {
    for (let spins = 0; ; spins++) {
      const held = Atomics.compareExchange(this.ints, LOCK, 0, this.owner);
      if (held === 0) return;
      if (held === this.owner) throw new Error('DecodedTiles: the lock is not reentrant');
      if (spins >= SPINS) Atomics.wait(this.ints, LOCK, held, 1);
    }
  }

  private unlock(): void {
    Atomics.store(this.ints, LOCK, 0);
    Atomics.notify(this.ints, LOCK, 1);
  }
}

import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import type { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { startThread } from '../../platform/threads.js';
import { allocateDecodedTiles, DecodedTiles, lockOwner, releaseLockOf, type DecodedTilesMemory, type SharedTile } from './decoded-tiles.js';

const SLOT = 1024;
const source = { a: 1, b: 2 };
const other = { a: 3, b: 4 };
const fillWith = (value: number) => (into: Buffer) => into.fill(value);
/** A tile's first byte. */
const first = (tiles: DecodedTiles, tile: SharedTile | null) => (tile ? tiles.pixelsOf(tile)[0] : undefined);
const WORKER = new URL('../../../test/fixtures/decoded-tiles.worker.ts', import.meta.url);

function thread(memory: DecodedTilesMemory, data: Record<string, unknown>): Worker {
  return startThread(WORKER, { workerData: { memory, ...data } });
}

describe('decoded tiles shared by the render threads', () => {
  it('decodes a tile once, then reads it; the least recently used leaves first', () => {
    const tiles = new DecodedTiles(allocateDecodedTiles(3 * SLOT, SLOT), lockOwner(0));
    let decodes = 0;
    const get = (index: number) => tiles.get(source, 0, index, SLOT, (into) => (decodes++, into.fill(index)));
    expect(first(tiles, get(1))).toBe(1);
    expect(first(tiles, get(1))).toBe(1);
    expect(decodes).toBe(1);
    get(2);
    get(3);
    get(1); // 2 is now the least recently used
    get(4);
    expect(decodes).toBe(4);
    get(1);
    get(3);
    expect(decodes).toBe(4);
    get(2);
    expect(decodes).toBe(5);
    expect(tiles.stats).toMatchObject({ hits: 4, misses: 5 });
  });

  it('keys a tile by source, level and index', () => {
    const tiles = new DecodedTiles(allocateDecodedTiles(4 * SLOT, SLOT), lockOwner(0));
    tiles.get(source, 0, 1, SLOT, fillWith(10));
    tiles.get(source, 1, 1, SLOT, fillWith(11));
    tiles.get(other, 0, 1, SLOT, fillWith(12));
    expect([first(tiles, tiles.get(source, 0, 1, SLOT, fillWith(0))), first(tiles, tiles.get(source, 1, 1, SLOT, fillWith(0))), first(tiles, tiles.get(other, 0, 1, SLOT, fillWith(0)))]).toEqual([10, 11, 12]);
  });

  it('forgets one source and says so to a reader mid-copy', () => {
    const tiles = new DecodedTiles(allocateDecodedTiles(4 * SLOT, SLOT), lockOwner(0));
    const read = tiles.get(source, 0, 1, SLOT, fillWith(1))!;
    tiles.get(other, 0, 1, SLOT, fillWith(2));
    tiles.forget(source);
    expect(tiles.unchanged(read)).toBe(false);
    expect(tiles.filled).toBe(1);
    let decoded = false;
    tiles.get(source, 0, 1, SLOT, (into) => ((decoded = true), into.fill(3)));
    expect(decoded).toBe(true);
  });

  it('says a slot changed when it was taken for another tile after it was read', () => {
    const tiles = new DecodedTiles(allocateDecodedTiles(SLOT, SLOT), lockOwner(0));
    const read = tiles.get(source, 0, 1, SLOT, fillWith(1))!;
    expect(tiles.unchanged(read)).toBe(true);
    tiles.get(source, 0, 2, SLOT, fillWith(2));
    expect(tiles.unchanged(read)).toBe(false);
  });

  it('frees the slot of a decode that throws, and leaves larger tiles and no memory to the caller', () => {
    const tiles = new DecodedTiles(allocateDecodedTiles(2 * SLOT, SLOT), lockOwner(0));
    expect(() => tiles.get(source, 0, 1, SLOT, () => { throw new Error('corrupt tile'); })).toThrow('corrupt tile');
    expect(tiles.filled).toBe(0);
    expect(first(tiles, tiles.get(source, 0, 1, SLOT, fillWith(5)))).toBe(5);
    expect(tiles.get(source, 0, 2, SLOT + 1, fillWith(5))).toBeNull();
    expect(new DecodedTiles(allocateDecodedTiles(SLOT - 1, SLOT), lockOwner(0)).get(source, 0, 1, 10, fillWith(5))).toBeNull();
  });

  it('never hands out a torn tile to threads that read and evict the same slots at once', async () => {
    // 8 slots for 24 tiles: threads take slots from under each other all the time.
    const memory = allocateDecodedTiles(8 * 4096, 4096);
    const workers = [1, 2, 3].map((seed) => thread(memory, { mode: 'hammer', rounds: 20_000, tiles: 24, seed }));
    const results = await Promise.all(workers.map(async (w) => (await once(w, 'message'))[0] as { checked: number; torn: number; hits: number; misses: number; retries: number }));
    await Promise.all(workers.map((w) => w.terminate()));
    for (const r of results) {
      expect(r.torn).toBe(0);
      expect(r.checked).toBeGreaterThan(10_000);
      expect(r.hits).toBeGreaterThan(1_000);
    }
  }, 60_000);

  it('goes on when a thread died holding the lock (released by the pool) or in the middle of a decode', async () => {
    const memory = allocateDecodedTiles(2 * SLOT, SLOT);
    const holder = thread(memory, { mode: 'die-holding-lock' });
    const owner = lockOwner(holder.threadId);
    await once(holder, 'exit');
    expect(new Int32Array(memory.ints)[0]).toBe(owner);
    releaseLockOf(memory, owner);
    const tiles = new DecodedTiles(memory, lockOwner(0), 50);
    expect(first(tiles, tiles.get(source, 0, 1, SLOT, fillWith(1)))).toBe(1);

    const filler = thread(memory, { mode: 'die-filling' });
    await once(filler, 'exit');
    // Tile 7 is being "decoded" by a thread that is gone: read privately until the fill is stale, then taken back.
    expect(tiles.get(source, 0, 7, SLOT, fillWith(7))).toBeNull();
    await delay(80);
    expect(first(tiles, tiles.get(source, 0, 7, SLOT, fillWith(7)))).toBe(7);
    expect(first(tiles, tiles.get(source, 0, 7, SLOT, fillWith(0)))).toBe(7);
  }, 30_000);
});

import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashLeaf, verifyConsistency, verifyInclusion } from './merkle.js';
import { LeafNodeReader, consistencyProof, inclusionProof, rootAt } from './merkle-proof.js';
import {
  TILE_WIDTH,
  NodeCache,
  TileNodeReader,
  TilePathError,
  type Tile,
  appendLeaves,
  entriesPath,
  locateNode,
  parseTilePath,
  partialTileWidth,
  rightEdgeTiles,
  tilePath,
  tileWidth,
  tilesRead,
} from './tiles.js';

/** Small seeded PRNG, so a failing shape can be replayed. */
function prng(seed: number): (k: number) => number {
  let s = seed >>> 0;
  return (k) => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s % k;
  };
}

describe('tile paths', () => {
  it('encodes indices in three-digit groups as in the spec', () => {
    expect(tilePath({ level: 0, index: 1234067, width: 256 })).toBe('tile/0/x001/x234/067');
    expect(tilePath({ level: 2, index: 1234067, width: 17 })).toBe('tile/2/x001/x234/067.p/17');
    expect(entriesPath(1234067)).toBe('tile/entries/x001/x234/067');
    expect(entriesPath(5, 1)).toBe('tile/entries/005.p/1');
    expect(tilePath({ level: 63, index: 0, width: 256 })).toBe('tile/63/000');
    expect(tilePath({ level: 1, index: 999, width: 255 })).toBe('tile/1/999.p/255');
    expect(tilePath({ level: 1, index: 1000, width: 256 })).toBe('tile/1/x001/000');
    expect(tilePath({ level: 1, index: 1_000_000, width: 256 })).toBe('tile/1/x001/x000/000');
    expect(tilePath({ level: 0, index: Number.MAX_SAFE_INTEGER, width: 256 })).toBe('tile/0/x009/x007/x199/x254/x740/991');
    expect(() => tilePath({ level: 0, index: 0, width: 0 })).toThrow(RangeError);
    expect(() => tilePath({ level: 64, index: 0, width: 256 })).toThrow(RangeError);
    expect(() => entriesPath(-1)).toThrow(RangeError);
  });

  it('parses what it encodes', () => {
    const rand = prng(7);
    for (let i = 0; i < 2000; i++) {
      const index = i < 1000 ? i * 997 : rand(2 ** 30) * 2 ** rand(23) + rand(1000);
      const width = rand(3) === 0 ? 256 : 1 + rand(255);
      const level = rand(64);
      expect(parseTilePath(tilePath({ level, index, width }))).toEqual({ level, index, width });
      expect(parseTilePath(entriesPath(index, width))).toEqual({ level: 'entries', index, width });
    }
    expect(parseTilePath('tile/0/x001/x234/067.p/17')).toEqual({ level: 0, index: 1234067, width: 17 });
    expect(parseTilePath('tile/entries/000')).toEqual({ level: 'entries', index: 0, width: 256 });
  });

  it('rejects every non-canonical or malformed path', () => {
    const bad = [
      '', '/tile/0/000', 'tile', 'tile/0', 'tile/0/', 'tile//000', 'tiles/0/000', 'Tile/0/000',
      'tile/00/000', 'tile/01/000', 'tile/64/000', 'tile/-1/000', 'tile/+1/000', 'tile/1.0/000', 'tile/data/000',
      'tile/0/0', 'tile/0/00', 'tile/0/0000', 'tile/0/x000', 'tile/0/x001', 'tile/0/001/002', 'tile/0/001/x002',
      'tile/0/x000/001', 'tile/0/x000/x001/002', 'tile/0/X001/000', 'tile/0/x01/000', 'tile/0/x0001/000', 'tile/0/000/',
      'tile/0/000.p', 'tile/0/000.p/', 'tile/0/000.p/0', 'tile/0/000.p/256', 'tile/0/000.p/017', 'tile/0/000.p/1/2',
      'tile/0/000.P/5', 'tile/0/000.p/+5', 'tile/0/000.p/5 ', 'tile/0/.p/5', 'tile/0/x001.p/000', 'tile/0/000.q/5',
      'tile/0/000?x=1', 'tile/0/000#a', 'tile/0/../000', 'tile/0/ 12', 'tile/0/١٢٣', 'tile/entries', 'tile/entries/',
      'tile/entries/00', 'tile/entries/000.p/256', 'tile/0/x009/x007/x199/x254/x740/992', 'tile/0/x999/x999/x999/x999/x999/999',
      'tile/0/x001/x000/x000/x000/x000/x000/000', `tile/0/${'x001/'.repeat(30)}000`,
    ];
    for (const p of bad) expect(() => parseTilePath(p), JSON.stringify(p)).toThrow(TilePathError);
    expect(() => parseTilePath('tile/00/000')).toThrow('tile path "tile/00/000": level "00" must be "entries" or 0‥63 without leading zeros');
    expect(() => parseTilePath('tile/0/000.p/256')).toThrow('partial width "256" must be 1‥255 without leading zeros');
    expect(() => parseTilePath('tile/0/x000/001')).toThrow('index must not start with x000 (leading zeros)');
  });
});

describe('tile layout', () => {
  it('has the widths of the spec examples (sizes 70,000 and 256)', () => {
    expect(tileWidth(0, 272, 70_000)).toBe(256); // 273 full level-0 tiles: 0‥272
    expect(tileWidth(0, 273, 70_000)).toBe(112);
    expect(tileWidth(0, 274, 70_000)).toBe(0);
    expect([tileWidth(1, 0, 70_000), tileWidth(1, 1, 70_000), tileWidth(2, 0, 70_000), tileWidth(3, 0, 70_000)]).toEqual([256, 17, 1, 0]);
    expect([0, 1, 2, 3].map((l) => partialTileWidth(l, 70_000))).toEqual([112, 17, 1, 0]);
    expect([tileWidth(0, 0, 256), partialTileWidth(0, 256), tileWidth(1, 0, 256)]).toEqual([256, 0, 1]);
  });

  it('locates nodes inside tiles', () => {
    expect(locateNode(0, 1234567)).toEqual({ tileLevel: 0, tileIndex: 4822, subLevel: 0, first: 135, count: 1 });
    expect(locateNode(3, 40)).toEqual({ tileLevel: 0, tileIndex: 1, subLevel: 3, first: 64, count: 8 });
    expect(locateNode(7, 3)).toEqual({ tileLevel: 0, tileIndex: 1, subLevel: 7, first: 128, count: 128 });
    expect(locateNode(8, 5)).toEqual({ tileLevel: 1, tileIndex: 0, subLevel: 0, first: 5, count: 1 });
    expect(locateNode(17, 1)).toEqual({ tileLevel: 2, tileIndex: 0, subLevel: 1, first: 2, count: 2 });
  });
});

describe('appending leaves to tiles', () => {
  const MAX = 65_537;
  const all = Array.from({ length: MAX + 1000 }, (_, i) => hashLeaf(Buffer.from(`tiles leaf ${i}`)));
  const full = new LeafNodeReader(all);

  const builds = new Map<string, Map<string, Buffer>>();

  /** Appends the first `size` leaves in random batches, checking each returned root; returns the stored tiles (memoised). */
  function build(size: number, seed: number): Map<string, Buffer> {
    const done = builds.get(`${size}/${seed}`);
    if (done) return done;
    const rand = prng(seed);
    const store = new Map<string, Buffer>();
    const readTile = (l: number, i: number) => store.get(`${l}/${i}`);
    for (let n = 0; n < size; ) {
      const batch = Math.min(size - n, [1, 1 + rand(8), 1 + rand(300), 1 + rand(5000)][rand(4)] as number);
      const result = appendLeaves(n, all.slice(n, n + batch), readTile);
      n += batch;
      expect(result.treeSize).toBe(n);
      expect(result.root.equals(rootAt(n, full)), `root after ${n}`).toBe(true);
      for (const t of result.tiles) {
        expect(t.width).toBe(tileWidth(t.level, t.index, n));
        store.set(`${t.level}/${t.index}`, t.hashes);
      }
    }
    builds.set(`${size}/${seed}`, store);
    return store;
  }

  function checkTiles(store: Map<string, Buffer>, size: number): void {
    for (const [key, bytes] of store) {
      const [level, index] = key.split('/').map(Number) as [number, number];
      expect(bytes.length / 32, key).toBe(tileWidth(level, index, size));
      for (let i = 0; i < bytes.length / 32; i++) {
        // Spec: hash i of tile n at level l is MTH(D[(n·256 + i)·256^l : (n·256 + i + 1)·256^l]).
        expect(bytes.subarray(i * 32, i * 32 + 32).equals(full.node(8 * level, index * TILE_WIDTH + i)), `${key}#${i}`).toBe(true);
      }
    }
    for (let level = 0; TILE_WIDTH ** level <= size; level++) {
      const count = Math.ceil(Math.floor(size / TILE_WIDTH ** level) / TILE_WIDTH);
      for (let i = 0; i < count; i++) expect(store.has(`${level}/${i}`), `tile ${level}/${i} of size ${size}`).toBe(true);
    }
  }

  function checkProofs(store: Map<string, Buffer>, size: number, seed: number, samples: number): void {
    const tiles = new TileNodeReader((l, i) => store.get(`${l}/${i}`));
    const rand = prng(seed);
    const sizes = [size, 1, Math.min(size, 256), Math.min(size, 257), ...Array.from({ length: samples }, () => 1 + rand(size))];
    for (const n of sizes) {
      const root = rootAt(n, tiles);
      expect(root.equals(rootAt(n, full)), `root ${n}`).toBe(true);
      for (const m of [0, n - 1, rand(n)]) {
        const proof = inclusionProof(m, n, tiles);
        expect(proof).toEqual(inclusionProof(m, n, full));
        verifyInclusion(all[m] as Buffer, m, n, proof, root);
      }
      const m = 1 + rand(n);
      const proof = consistencyProof(m, n, tiles);
      expect(proof).toEqual(consistencyProof(m, n, full));
      verifyConsistency(m, n, rootAt(m, full), root, proof);
    }
  }

  for (const [size, seed] of [[1, 1], [255, 2], [256, 3], [257, 4], [65_535, 5], [65_536, 6], [65_537, 7], [4_321, 8], [66_000, 9]] as const) {
    it(`builds a tree of ${size} leaves in random batches whose tiles give the same roots and proofs`, () => {
      const store = build(size, seed);
      checkTiles(store, size);
      checkProofs(store, size, seed, size < 300 ? size : 60);
    });
  }

  it('serves every size of a small tree exactly', () => {
    const store = build(600, 10);
    checkProofs(store, 600, 11, 0);
    const tiles = new TileNodeReader((l, i) => store.get(`${l}/${i}`));
    for (let n = 1; n <= 600; n++) {
      expect(rootAt(n, tiles).equals(rootAt(n, full))).toBe(true);
      const m = 1 + ((n * 7919) % n);
      expect(consistencyProof(m, n, tiles)).toEqual(consistencyProof(m, n, full));
    }
  });

  it('appends nothing, needs the right-edge tiles, and says when one is missing', () => {
    const store = build(300, 12);
    const readTile = (l: number, i: number) => store.get(`${l}/${i}`);
    const none = appendLeaves(300, [], readTile);
    expect(none.tiles).toEqual([]);
    expect(none.root.equals(rootAt(300, full))).toBe(true);
    expect(() => appendLeaves(300, [all[300] as Buffer], () => undefined)).toThrow('right-edge tile 0/1 should have 44 hashes, the store has none');
    expect(() => appendLeaves(300, [Buffer.alloc(31)], readTile)).toThrow('leaf hash 0 is 31 bytes, not 32');
    const one: Tile[] = appendLeaves(255, [all[255] as Buffer], readTile).tiles;
    expect(one.map((t) => [t.level, t.index, t.width])).toEqual([[0, 0, 256], [1, 0, 1]]);
    const reader = new TileNodeReader((l, i) => (l === 0 && i === 1 ? store.get('0/1')?.subarray(0, 320) : store.get(`${l}/${i}`)));
    expect(() => reader.node(0, 299)).toThrow('tile 0/1 has 10 hashes, node 0/299 needs 44');
    expect(() => new TileNodeReader(() => undefined).node(9, 0)).toThrow('tile 1/0 is missing (needed for node 9/0)');
  });

  it('names the right-edge tiles, which are all a root or an append needs', () => {
    expect(rightEdgeTiles(70_000)).toEqual([{ level: 0, index: 273, width: 112 }, { level: 1, index: 1, width: 17 }, { level: 2, index: 0, width: 1 }]);
    expect(rightEdgeTiles(256)).toEqual([{ level: 1, index: 0, width: 1 }]);
    expect(rightEdgeTiles(0)).toEqual([]);
    const store = build(66_000, 9);
    const edge = new Map(rightEdgeTiles(66_000).map((t) => [`${t.level}/${t.index}`, store.get(`${t.level}/${t.index}`)]));
    const readEdge = (l: number, i: number) => edge.get(`${l}/${i}`);
    expect(rootAt(66_000, new TileNodeReader(readEdge)).equals(rootAt(66_000, full))).toBe(true);
    expect(appendLeaves(66_000, all.slice(66_000, 66_500), readEdge).root.equals(rootAt(66_500, full))).toBe(true);
    expect(tilesRead((r) => rootAt(66_000, r)).sort((a, b) => a.level - b.level)).toEqual(rightEdgeTiles(66_000));
  });

  it('gives the same proofs through a small, always-evicting NodeCache', () => {
    const size = 65_537;
    const store = build(size, 16);
    const cache = new NodeCache(50);
    const cached = new TileNodeReader((l, i) => store.get(`${l}/${i}`), cache);
    const rand = prng(17);
    for (let k = 0; k < 300; k++) {
      const n = 1 + rand(size);
      const m = rand(n);
      expect(inclusionProof(m, n, cached)).toEqual(inclusionProof(m, n, full));
      expect(consistencyProof(m + 1, n, cached)).toEqual(consistencyProof(m + 1, n, full));
      expect(rootAt(n, cached).equals(rootAt(n, full))).toBe(true);
    }
    inclusionProof(0, 65_536, cached)[15]?.fill(0); // node 15/1, from the cache: callers own what they get
    expect(inclusionProof(0, 65_536, cached)).toEqual(inclusionProof(0, 65_536, full));
  });

  it('lists the tiles a proof reads, so they can be fetched first', () => {
    const size = 65_537;
    const store = build(size, 7);
    const needed = tilesRead((r) => {
      inclusionProof(12_345, size, r);
      consistencyProof(40_000, size, r);
    });
    const narrowed = new Map(needed.map((t) => [`${t.level}/${t.index}`, store.get(`${t.level}/${t.index}`)?.subarray(0, t.width * 32)]));
    const reader = new TileNodeReader((l, i) => narrowed.get(`${l}/${i}`));
    expect(inclusionProof(12_345, size, reader)).toEqual(inclusionProof(12_345, size, full));
    expect(consistencyProof(40_000, size, reader)).toEqual(consistencyProof(40_000, size, full));
    expect(needed.length).toBeLessThanOrEqual(8);
  });
});

describe('micro-benchmark (prints figures, asserts nothing about time)', () => {
  it('generates proofs for a 10,000,000-leaf tree from tiles in a Map', () => {
    const size = 10_000_000;
    // Proof generation does the same work whatever the hash values, so tiles share random bytes.
    const pool = Array.from({ length: 64 }, () => randomBytes(TILE_WIDTH * 32));
    const store = new Map<string, Buffer>();
    for (let level = 0; TILE_WIDTH ** level <= size; level++) {
      const hashes = Math.floor(size / TILE_WIDTH ** level);
      for (let i = 0; i * TILE_WIDTH < hashes; i++) {
        store.set(`${level}/${i}`, (pool[i % pool.length] as Buffer).subarray(0, tileWidth(level, i, size) * 32));
      }
    }
    const readTile = (l: number, i: number) => store.get(`${l}/${i}`);
    const rand = prng(14);
    const time = (f: () => void): number => {
      const t = performance.now();
      f();
      return performance.now() - t;
    };
    const runs = 400;
    const sample = (f: () => void) => Array.from({ length: runs }, () => time(f)).sort((a, b) => a - b);
    const pct = (xs: number[], p: number): string => `${(xs[Math.floor(xs.length * p)] as number).toFixed(3)} ms`;
    const line = (name: string, xs: number[]) => `${name} p50 ${pct(xs, 0.5)} p99 ${pct(xs, 0.99)}`;
    for (const [name, reader] of [['uncached', new TileNodeReader(readTile)], ['NodeCache', new TileNodeReader(readTile, new NodeCache())]] as const) {
      sample(() => inclusionProof(rand(size), size, reader)); // warm-up (and fills the cache)
      const incl = sample(() => inclusionProof(rand(size), size, reader));
      const cons = sample(() => consistencyProof(1 + rand(size - 1), size, reader));
      const root = sample(() => rootAt(size, reader));
      console.log(`[bench] tree of ${size} (${store.size} tiles in a Map), ${name}: ${line('inclusion', incl)}; ${line('consistency', cons)}; ${line('root', root)}`);
      expect(incl).toHaveLength(runs);
    }
  });
});

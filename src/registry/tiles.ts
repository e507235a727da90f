/**
 * C2SP tlog-tiles layout (https://c2sp.org/tlog-tiles): tiles of height 8 and width 256, their
 * paths, the pure part of appending leaves, and a NodeReader over stored tiles.
 */
import { HASH_SIZE, hashPairInto } from './merkle.js';
import { type NodeReader, rootAt } from './merkle-proof.js';

/** Merkle levels covered by one tile. */
export const TILE_HEIGHT = 8;
/** Hashes in a full tile (and entries in a full entry bundle). */
export const TILE_WIDTH = 256;
/** Highest tile level a path may name (the spec's bound). */
export const MAX_TILE_LEVEL = 63;

/** A tile: tile level, index within that level, and width (1‥255 partial, 256 full). */
export interface TileRef {
  level: number;
  index: number;
  width: number;
}

/** A tile with its content: `width` concatenated 32-byte hashes. */
export interface Tile extends TileRef {
  hashes: Buffer;
}

/** Returns the stored bytes of a tile (full, or the widest partial one), or undefined if there is none. */
export type ReadTile = (level: number, index: number) => Uint8Array | undefined;

/** Where a Merkle node lives: its tile, the sub-level inside it, and the run of tile hashes it covers. */
export interface NodeLocation {
  tileLevel: number;
  tileIndex: number;
  /** Merkle level minus 8·tileLevel: how many levels to hash up inside the tile (0 = stored as is). */
  subLevel: number;
  /** Position in the tile of the first hash the node covers. */
  first: number;
  /** Number of tile hashes the node covers: 2^subLevel. */
  count: number;
}

/** Locates Merkle node (level, index), the perfect subtree of 2^level leaves starting at leaf index·2^level. */
export function locateNode(level: number, index: number): NodeLocation {
  const tileLevel = Math.floor(level / TILE_HEIGHT);
  const subLevel = level - tileLevel * TILE_HEIGHT;
  const count = 2 ** subLevel;
  const base = index * count; // index among the hashes at Merkle level 8·tileLevel
  return { tileLevel, tileIndex: Math.floor(base / TILE_WIDTH), subLevel, first: base % TILE_WIDTH, count };
}

/** Hash of the perfect subtree over `count` (a power of two) tile hashes starting at position `first`. */
export function nodeFromTile(tile: Uint8Array, first: number, count: number): Buffer {
  if (!Number.isInteger(first) || first < 0 || !Number.isInteger(count) || count < 1 || count > TILE_WIDTH || (count & (count - 1)) !== 0) {
    throw new RangeError(`nodeFromTile needs a position ≥ 0 and a power of two up to ${TILE_WIDTH}, got ${first} and ${count}`);
  }
  const end = (first + count) * HASH_SIZE;
  if (tile.length < end) throw new RangeError(`tile has ${Math.floor(tile.length / HASH_SIZE)} hashes, the node needs ${first + count}`);
  if (count === 1) return Buffer.from(tile.subarray(first * HASH_SIZE, end)); // a copy, so the tile is not retained
  // Hash pairwise, row by row, into one work buffer: result i overwrites bytes the next pairs no longer need.
  const work = Buffer.allocUnsafe((count / 2) * HASH_SIZE);
  let src: Uint8Array = tile;
  let base = first * HASH_SIZE;
  for (let n = count; n > 1; n /= 2) {
    for (let i = 0; i < n / 2; i++) hashPairInto(src, base + i * 2 * HASH_SIZE, work, i * HASH_SIZE);
    src = work;
    base = 0;
  }
  return Buffer.from(work.subarray(0, HASH_SIZE)); // a copy, so the work buffer is not retained
}

/** Width of tile (level, index) in a tree of `treeSize` leaves: 0 if it does not exist yet, 256 if full. */
export function tileWidth(level: number, index: number, treeSize: number): number {
  const hashes = Math.floor(treeSize / TILE_WIDTH ** level); // complete hashes at Merkle level 8·level
  return Math.max(0, Math.min(TILE_WIDTH, hashes - index * TILE_WIDTH));
}

/** Width of the rightmost, partial tile at a level for a tree size (spec: floor(s / 256^l) mod 256); 0 if none. */
export function partialTileWidth(level: number, treeSize: number): number {
  return Math.floor(treeSize / TILE_WIDTH ** level) % TILE_WIDTH;
}

/** Bounded LRU of hashed-up nodes, shareable by readers over one log: a complete node never changes in an append-only log. */
export class NodeCache {
  private readonly nodes = new Map<string, Buffer>();

  constructor(readonly capacity = 50_000) {}

  /** The cached hash of a node key, now most recently used. */
  get(key: string): Buffer | undefined {
    const h = this.nodes.get(key);
    if (h !== undefined) {
      this.nodes.delete(key);
      this.nodes.set(key, h);
    }
    return h;
  }

  /** Remembers a node hash, forgetting the least recently used beyond capacity. */
  set(key: string, h: Buffer): void {
    this.nodes.delete(key);
    this.nodes.set(key, h);
    if (this.nodes.size > this.capacity) this.nodes.delete(this.nodes.keys().next().value as string);
  }
}

// Nodes cheaper than this many tile hashes are recomputed rather than cached.
const CACHE_FROM = 8;

/** NodeReader over stored tiles; a node is hashed up from its tile (at most 255 hashes), or taken from an optional cache. */
export class TileNodeReader implements NodeReader {
  constructor(
    private readonly readTile: ReadTile,
    private readonly cache?: NodeCache,
  ) {}

  /** Hash of Merkle node (level, index); throws RangeError if its tile is missing or too narrow. */
  node(level: number, index: number): Buffer {
    const at = locateNode(level, index);
    const tile = this.readTile(at.tileLevel, at.tileIndex);
    if (tile === undefined) {
      throw new RangeError(`tile ${at.tileLevel}/${at.tileIndex} is missing (needed for node ${level}/${index})`);
    }
    if (tile.length % HASH_SIZE !== 0 || tile.length > TILE_WIDTH * HASH_SIZE) {
      throw new RangeError(`tile ${at.tileLevel}/${at.tileIndex} is ${tile.length} bytes, not a multiple of ${HASH_SIZE} up to ${TILE_WIDTH * HASH_SIZE}`);
    }
    if (tile.length < (at.first + at.count) * HASH_SIZE) {
      throw new RangeError(`tile ${at.tileLevel}/${at.tileIndex} has ${tile.length / HASH_SIZE} hashes, node ${level}/${index} needs ${at.first + at.count}`);
    }
    // Only nodes of partial (right-edge) tiles are cached: every proof at the latest size shares them.
    // Nodes of full tiles are either in a pyramid (levels above 0) or, at level 0, spread over millions
    // of tiles with little reuse; caching those churned the heap and made garbage collection the
    // proofs' tail latency.
    const key = this.cache && at.count >= CACHE_FROM && tile.length < TILE_WIDTH * HASH_SIZE ? `${level}/${index}` : undefined;
    const cached = key === undefined ? undefined : this.cache?.get(key);
    if (cached !== undefined) return Buffer.from(cached); // a copy: callers may change what they get
    const h = nodeFromTile(tile, at.first, at.count);
    if (key !== undefined) this.cache?.set(key, Buffer.from(h));
    return h;
  }
}

/** The tiles (with the width each must at least have) that a computation reads: a dry run over zero hashes, so async stores can prefetch them. */
export function tilesRead(compute: (reader: NodeReader) => unknown): TileRef[] {
  const seen = new Map<string, TileRef>();
  const zero = Buffer.alloc(HASH_SIZE);
  compute({
    node(level, index) {
      const at = locateNode(level, index);
      const key = `${at.tileLevel}/${at.tileIndex}`;
      const width = Math.max(seen.get(key)?.width ?? 0, at.first + at.count);
      seen.set(key, { level: at.tileLevel, index: at.tileIndex, width });
      return zero;
    },
  });
  return [...seen.values()];
}

/** Result of appending leaves: the new size and root, and every tile that changed (write them together). */
export interface TileAppend {
  treeSize: number;
  root: Buffer;
  tiles: Tile[];
}

/**
 * Appends leaf hashes to a tree of `treeSize` leaves: returns each tile that gains hashes (full or
 * partial, whole bytes), including higher-level tiles that gain the root of a newly full tile.
 * `readTile` is only asked for the current right-edge partial tiles (one per level at most).
 */
export function appendLeaves(treeSize: number, leafHashes: readonly Uint8Array[], readTile: ReadTile): TileAppend {
  if (!Number.isSafeInteger(treeSize) || treeSize < 0) throw new RangeError(`tree size ${treeSize} is not an integer between 0 and 2^53 − 1`);
  const newSize = treeSize + leafHashes.length;
  if (!Number.isSafeInteger(newSize)) throw new RangeError(`tree size ${newSize} would exceed 2^53 − 1`);
  for (const [i, h] of leafHashes.entries()) {
    if (h.length !== HASH_SIZE) throw new RangeError(`leaf hash ${i} is ${h.length} bytes, not ${HASH_SIZE}`);
  }
  const tiles: Tile[] = [];
  let incoming: readonly Uint8Array[] = leafHashes;
  for (let level = 0; incoming.length > 0; level++) {
    let index = Math.floor(treeSize / TILE_WIDTH ** (level + 1));
    let width = partialTileWidth(level, treeSize);
    let kept = edgeBytes(readTile, level, index, width);
    const completed: Buffer[] = []; // roots of tiles that became full: hashes for the level above
    for (let i = 0; i < incoming.length; ) {
      const take = Math.min(TILE_WIDTH - width, incoming.length - i);
      const bytes = Buffer.allocUnsafe((width + take) * HASH_SIZE);
      kept.copy(bytes);
      for (let j = 0; j < take; j++) bytes.set(incoming[i + j] as Uint8Array, (width + j) * HASH_SIZE);
      i += take;
      width += take;
      tiles.push({ level, index, width, hashes: bytes });
      if (width === TILE_WIDTH) {
        completed.push(nodeFromTile(bytes, 0, TILE_WIDTH));
        index++;
        width = 0;
        kept = Buffer.alloc(0);
      }
    }
    incoming = completed;
  }
  const written = new Map(tiles.map((t) => [`${t.level}/${t.index}`, t.hashes]));
  const root = rootAt(newSize, new TileNodeReader((l, i) => written.get(`${l}/${i}`) ?? readTile(l, i)));
  return { treeSize: newSize, root, tiles };
}

/** The right-edge partial tiles of a tree (one per level at most): all that appendLeaves and rootAt read, to fetch first. */
export function rightEdgeTiles(treeSize: number): TileRef[] {
  const edge: TileRef[] = [];
  for (let level = 0; TILE_WIDTH ** level <= treeSize; level++) {
    const width = partialTileWidth(level, treeSize);
    if (width > 0) edge.push({ level, index: Math.floor(treeSize / TILE_WIDTH ** (level + 1)), width });
  }
  return edge;
}

function edgeBytes(readTile: ReadTile, level: number, index: number, width: number): Buffer {
  if (width === 0) return Buffer.alloc(0);
  const stored = readTile(level, index);
  const need = width * HASH_SIZE;
  if (stored === undefined || stored.length < need) {
    throw new RangeError(`right-edge tile ${level}/${index} should have ${width} hashes, the store has ${stored === undefined ? 'none' : stored.length / HASH_SIZE}`);
  }
  return Buffer.from(stored.subarray(0, need));
}

/** A tile or entry-bundle path that does not follow the spec exactly. */
export class TilePathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TilePathError';
  }
}

/** A parsed path: a Merkle tile, or an entry bundle (`level` is 'entries'). */
export interface TilePath {
  level: number | 'entries';
  index: number;
  width: number;
}

/** Tile path `tile/<L>/<N>[.p/<W>]`, e.g. level 0, index 1234067, width 17 → `tile/0/x001/x234/067.p/17`. */
export function tilePath(tile: TileRef): string {
  if (!Number.isInteger(tile.level) || tile.level < 0 || tile.level > MAX_TILE_LEVEL) {
    throw new RangeError(`tile level ${tile.level} is not an integer from 0 to ${MAX_TILE_LEVEL}`);
  }
  return `tile/${tile.level}/${indexPath(tile.index, tile.width)}`;
}

/** Entry bundle path `tile/entries/<N>[.p/<W>]`. */
export function entriesPath(index: number, width: number = TILE_WIDTH): string {
  return `tile/entries/${indexPath(index, width)}`;
}

function indexPath(index: number, width: number): string {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`tile index ${index} is not an integer between 0 and 2^53 − 1`);
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) throw new RangeError(`tile width ${width} is not from 1 to ${TILE_WIDTH}`);
  let path = String(index % 1000).padStart(3, '0');
  for (let rest = Math.floor(index / 1000); rest > 0; rest = Math.floor(rest / 1000)) {
    path = `x${String(rest % 1000).padStart(3, '0')}/${path}`;
  }
  return width === TILE_WIDTH ? path : `${path}.p/${width}`;
}

const LEVEL = /^(?:0|[1-9][0-9]?)$/;
const WIDTH = /^[1-9][0-9]{0,2}$/;
const GROUP = /^x[0-9]{3}$/;
const LAST_GROUP = /^[0-9]{3}$/;
const MAX_GROUPS = 6; // 2^53 − 1 has 16 digits

/** Parses `tile/<L>/<N>[.p/<W>]` or `tile/entries/<N>[.p/<W>]` (no leading slash), accepting only the canonical form. */
export function parseTilePath(path: string): TilePath {
  const shown = path.length > 80 ? `${path.slice(0, 80)}…` : path;
  const fail = (why: string): TilePathError => new TilePathError(`tile path "${shown}": ${why}`);
  if (path.length > 80) throw fail('is too long');
  const parts = path.split('/');
  if (parts[0] !== 'tile' || parts.length < 3) throw fail('must look like tile/<level>/<index> or tile/entries/<index>');
  const levelPart = parts[1] as string;
  let level: number | 'entries';
  if (levelPart === 'entries') level = 'entries';
  else if (LEVEL.test(levelPart) && Number(levelPart) <= MAX_TILE_LEVEL) level = Number(levelPart);
  else throw fail(`level "${levelPart}" must be "entries" or 0‥${MAX_TILE_LEVEL} without leading zeros`);

  const groups = parts.slice(2);
  let width = TILE_WIDTH;
  const beforeLast = groups[groups.length - 2];
  if (beforeLast?.endsWith('.p')) {
    const w = groups.pop() as string;
    if (!WIDTH.test(w) || Number(w) >= TILE_WIDTH) throw fail(`partial width "${w}" must be 1‥255 without leading zeros`);
    width = Number(w);
    groups[groups.length - 1] = beforeLast.slice(0, -2);
  }
  if (groups.length > MAX_GROUPS) throw fail(`index has ${groups.length} groups, at most ${MAX_GROUPS} fit below 2^53`);
  let index = 0;
  for (const [i, g] of groups.entries()) {
    const isLast = i === groups.length - 1;
    if (!(isLast ? LAST_GROUP : GROUP).test(g)) {
      throw fail(`index group "${g}" must be ${isLast ? 'three digits' : '"x" and three digits'}`);
    }
    index = index * 1000 + Number(isLast ? g : g.slice(1));
  }
  if (groups.length > 1 && groups[0] === 'x000') throw fail('index must not start with x000 (leading zeros)');
  if (!Number.isSafeInteger(index)) throw fail('index is above 2^53 − 1');
  // Belt and braces: only the one canonical spelling of each resource is accepted.
  const canonical = level === 'entries' ? entriesPath(index, width) : tilePath({ level, index, width });
  if (canonical !== path) throw fail(`is not canonical, expected "${canonical}"`);
  return { level, index, width };
}

/**
 * A render thread of `tile-region-pool.ts`: keeps its pyramids' files open and their stored-tile
 * indexes in memory (decoded tiles are in memory shared by all the threads), and answers one
 * request at a time.
 */
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { ImageRequest } from './image-api.js';
import type { PyramidInfo } from './pyramid.js';
import { readStoredPages, type StoredPage } from './stored-tiles.js';
import { TileRegionRenderer, type RenderMemory, type TileRegionSource } from './tile-region.js';

/**
 * What the pool sends. A pyramid is named once per thread (`know`), then by its key alone; a render
 * carries its region and size as six numbers (x, y, width, height, answer width, answer height): the
 * rest of a request this renderer takes is fixed (jpg, colour, unturned). Structured-cloning the
 * whole request and pyramid description each time cost ~25 µs a render across both threads.
 */
export type TileRegionMessage =
  | { type: 'know'; key: string; file: string; info: PyramidInfo }
  | { type: 'render'; id: number; key: string; region: [number, number, number, number, number, number] }
  | { type: 'forget'; key: string }
  | { type: 'forget-all-known' };

/** The request a render message stands for. */
export function requestOf(region: readonly number[]): ImageRequest {
  const [x, y, width, height, outWidth, outHeight] = region as [number, number, number, number, number, number];
  return { region: { x, y, width, height }, size: { width: outWidth, height: outHeight }, rotation: { degrees: 0, mirror: false }, quality: 'default', format: 'jpg' };
}

export type TileRegionAnswer = { id: number; jpeg: Uint8Array } | { id: number; error: string };

/** Files kept open (a pyramid each); the least recently used is closed beyond this. */
const OPEN_FILES = 32;

const { memory, area, idleCloseMs } = workerData as { memory: RenderMemory; area: number; idleCloseMs: number };
const renderer = new TileRegionRenderer(memory, area);
/** Pyramids the pool has named: their files and descriptions, by key. */
const known = new Map<string, { file: string; info: PyramidInfo }>();
/** Open pyramids by key, least recently used first (a Map keeps insertion order), with when each was last read. */
const sources = new Map<string, { source: Promise<TileRegionSource>; usedAt: number }>();

// A pyramid rebuilt by another process gets a new key and its old file is deleted; the old key is
// never asked for again, so its open file (and the disk space it holds) is let go when idle.
setInterval(
  () => {
    const now = Date.now();
    for (const [key, { usedAt }] of sources) {
      if (now - usedAt < idleCloseMs) break;
      close(key, false);
    }
  },
  Math.max(50, Math.min(60_000, idleCloseMs / 2)),
).unref();

async function open(key: string, file: string, info: PyramidInfo): Promise<TileRegionSource> {
  const pages: StoredPage[] | null = await readStoredPages(file);
  if (!pages) throw new Error(`${file} has no stored JPEG tiles`);
  return { key, fd: fs.openSync(file, 'r'), info, pages };
}

/** Closes a pyramid's file; `dropTiles` also drops its decoded tiles, which the other threads share (rebuilt or broken, not merely idle). */
function close(key: string, dropTiles: boolean): void {
  const entry = sources.get(key);
  sources.delete(key);
  if (dropTiles) renderer.forget(key);
  void entry?.source.then((s) => fs.closeSync(s.fd), () => undefined);
}

async function sourceOf(key: string): Promise<TileRegionSource> {
  let source = sources.get(key)?.source;
  if (source) {
    sources.delete(key);
  } else {
    const named = known.get(key);
    if (!named) throw new Error(`no pyramid known as ${key}`);
    const opening = (source = open(key, named.file, named.info));
    opening.catch(() => {
      if (sources.get(key)?.source === opening) sources.delete(key);
    });
  }
  sources.set(key, { source, usedAt: Date.now() });
  for (const oldest of sources.keys()) {
    if (sources.size <= OPEN_FILES) break;
    close(oldest, false);
  }
  return source;
}

parentPort!.on('message', (message: TileRegionMessage) => {
  if (message.type === 'know') {
    known.set(message.key, { file: message.file, info: message.info });
    return;
  }
  if (message.type === 'forget-all-known') {
    known.clear();
    return;
  }
  if (message.type === 'forget') {
    known.delete(message.key);
    close(message.key, true);
    return;
  }
  const { id } = message;
  sourceOf(message.key)
    .then((source) => {
      // A buffer of its own, moved rather than copied (the encoder's may share a larger one).
      const jpeg = new Uint8Array(renderer.render(source, requestOf(message.region)));
      parentPort!.postMessage({ id, jpeg } satisfies TileRegionAnswer, [jpeg.buffer]);
    })
    .catch((error: unknown) => {
      // A file that no longer reads as indexed: closed, so the next request opens it afresh.
      close(message.key, true);
      parentPort!.postMessage({ id, error: String((error as Error)?.message ?? error) } satisfies TileRegionAnswer);
    });
});

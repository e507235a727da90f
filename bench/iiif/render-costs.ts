// Where one IIIF tile render's time goes, stage by stage, in this process (no HTTP): CPU ms per
// call (all threads, process.cpuUsage) and wall ms, for an aligned 256 px tile of level 0 and of a
// small level and for an unaligned region scaled to 256 px, read from a pyramid as
// src/publish/iiif/image-render.ts reads it. A guide to what to change, not a measurement to compare.
// Run: node --import tsx bench/iiif/render-costs.ts [pyramid.tif] [calls=300]
//   without a file, builds the 12,000 × 8,000 kodak mosaic's pyramid (buildPyramid) in a temp dir first.
import fs from 'node:fs';
import sharp from 'sharp';
import { openPyramid } from '../../src/publish/iiif/pyramid.js';
import { renderImageRequest } from '../../src/publish/iiif/image-render.js';
import { chooseLevel } from '../../src/publish/iiif/render-plan.js';
import { benchPyramid } from './mosaic.js';
import { readStoredPages, readStoredTile } from '../../src/publish/iiif/stored-tiles.js';
import { TileRegionRenderer } from '../../src/publish/iiif/tile-region.js';

sharp.cache(false); // as the server runs it
const [fileArg, callsArg] = process.argv.slice(2);
const file = await benchPyramid(fileArg, 'wenyuan-bench-iiif-costs-');
const calls = Number(callsArg ?? 300);
const info = await openPyramid(file);
const last = info.levels.length - 1;

async function cost(name: string, op: (i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 20; i++) await op(i); // warm
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) await op(i);
  const wall = (performance.now() - t0) / calls;
  const cpu = process.cpuUsage(cpu0);
  console.log(`${name.padEnd(64)} CPU ${((cpu.user + cpu.system) / 1000 / calls).toFixed(2).padStart(5)} ms (system ${(cpu.system / 1000 / calls).toFixed(2)})  wall ${wall.toFixed(2)} ms`);
}

const tileAt = (i: number) => ({ left: 256 * (i % 40), top: 256 * (Math.floor(i / 40) % 30), width: 256, height: 256 });
const base = { rotation: { degrees: 0, mirror: false }, quality: 'default', format: 'jpg' } as const;
console.log(`${file}: ${info.width}×${info.height}, ${info.levels.length} levels; sharp.concurrency() = ${sharp.concurrency()}, libvips ${sharp.versions.vips}; ${calls} calls each, one at a time`);
await cost('open level 0 (metadata only)', () => sharp(file, { page: 0 }).metadata());
await cost(`open level ${last} (metadata only)`, () => sharp(file, { page: last }).metadata());
await cost('level 0 tile: open + decode (raw)', (i) => sharp(file, { page: 0, sequentialRead: false, limitInputPixels: false }).extract(tileAt(i)).raw().toBuffer());
await cost('level 0 tile: open + decode + JPEG q85 (what a cold tile costs)', (i) => sharp(file, { page: 0, sequentialRead: false, limitInputPixels: false }).extract(tileAt(i)).jpeg({ quality: 85 }).toBuffer());
await cost('level 0 tile: renderImageRequest (with the decode budget)', (i) => {
  const t = tileAt(i);
  return renderImageRequest({ kind: 'pyramid', file, info }, { ...base, region: { x: t.left, y: t.top, width: 256, height: 256 }, size: { width: 256, height: 256 } });
});
const pixels = await sharp(file, { page: 0, limitInputPixels: false }).extract(tileAt(0)).raw().toBuffer();
await cost('JPEG q85 encode of 256×256 raw pixels alone', () => sharp(pixels, { raw: { width: 256, height: 256, channels: 3 } }).jpeg({ quality: 85 }).toBuffer());
const jpeg = await sharp(pixels, { raw: { width: 256, height: 256, channels: 3 } }).jpeg({ quality: 89 }).toBuffer();
await cost('JPEG decode of one 256×256 q89 tile alone', () => sharp(jpeg).raw().toBuffer());
let seed = 7;
const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
await cost('unaligned region (300–5300 px) → 256 px: renderImageRequest', () => {
  const w = 300 + Math.floor(random() * 5000), h = Math.max(1, Math.round(w * (0.5 + random() * 0.5)));
  const x = Math.floor(random() * (info.width - w)), y = Math.floor(random() * (info.height - h));
  return renderImageRequest({ kind: 'pyramid', file, info }, { ...base, region: { x, y, width: w, height: h }, size: { width: 256, height: Math.max(1, Math.round((256 * h) / w)) } });
});

// The same unaligned reads without the renderer's exact-region arithmetic, by resize kernel: what
// the kernel costs (iipsrv interpolates bilinearly by default).
for (const kernel of ['lanczos3', 'linear'] as const) {
  seed = 7;
  await cost(`unaligned region → 256 px: level read + resize (${kernel}) + JPEG q85`, () => {
    const w = 300 + Math.floor(random() * 5000), h = Math.max(1, Math.round(w * (0.5 + random() * 0.5)));
    const x = Math.floor(random() * (info.width - w)), y = Math.floor(random() * (info.height - h));
    const size = { width: 256, height: Math.max(1, Math.round((256 * h) / w)) };
    const { level, rect } = chooseLevel(info, { region: { x, y, width: w, height: h }, size });
    return sharp(file, { page: level.page, sequentialRead: false, limitInputPixels: false })
      .extract({ left: rect.x, top: rect.y, width: rect.width, height: rect.height })
      .resize(size.width, size.height, { fit: 'fill', kernel })
      .jpeg({ quality: 85 })
      .toBuffer();
  });
}

// An exact tile as the server sends it (src/publish/iiif/stored-tiles.ts): its stored JPEG bytes,
// no decode, no encode. Edge tiles are padded in the file, so only interior tiles go this way.
const pages = (await readStoredPages(file))!;
const tileOf = (i: number) => ({ page: pages[0]!, index: (Math.floor(i / 40) % 30) * Math.ceil(pages[0]!.width / pages[0]!.tileWidth) + (i % 40) });
await cost('level 0 tile: stored JPEG bytes sent as they are', (i) => readStoredTile(file, tileOf(i)));
// The stored tile is the same picture: compare it with libvips' decode of the same tile.
const spliced = await readStoredTile(file, { page: pages[0]!, index: 2 * Math.ceil(pages[0]!.width / pages[0]!.tileWidth) + 3 });
const [a, b] = await Promise.all([sharp(spliced).raw().toBuffer(), sharp(file, { page: 0 }).extract({ left: 768, top: 512, width: 256, height: 256 }).raw().toBuffer()]);
let diff = 0;
for (let i = 0; i < a.length; i++) diff += Math.abs(a[i]! - b[i]!);
console.log(`stored tile ${spliced.length} bytes, mean |difference| from libvips' decode ${(diff / a.length).toFixed(2)} per sample, ${a.length === b.length ? 'same size' : 'SIZE DIFFERS'}`);

// The same unaligned regions as the server renders them now (src/publish/iiif/tile-region.ts, in a
// render thread there; here in this one): stored tiles decoded by libjpeg-turbo, with none kept and
// with 48 MiB kept (one of two threads' share of the default 96), resized by the WebAssembly Lanczos-3,
// encoded by libjpeg-turbo.
const fd = fs.openSync(file, 'r');
for (const keptMb of [0, 48]) {
  const renderer = new TileRegionRenderer(keptMb * 1024 * 1024);
  const source = { key: 'bench', fd, info, pages };
  seed = 7;
  await cost(`unaligned region → 256 px: stored tiles outside sharp, ${keptMb} MiB of tiles kept`, async () => {
    const w = 300 + Math.floor(random() * 5000), h = Math.max(1, Math.round(w * (0.5 + random() * 0.5)));
    const x = Math.floor(random() * (info.width - w)), y = Math.floor(random() * (info.height - h));
    return renderer.render(source, { ...base, region: { x, y, width: w, height: h }, size: { width: 256, height: Math.max(1, Math.round((256 * h) / w)) } });
  });
}
fs.closeSync(fd);

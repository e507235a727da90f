// The unaligned regions of bench/iiif.ts through the render threads alone (TileRegionPool: two
// threads, 8 requests in flight, no HTTP): CPU of all threads per answer, and of the main thread
// (from /proc, Linux), for a quick A/B of a change to the render path. Three rounds of distinct regions.
// Run: node --import tsx bench/iiif/region-pool.ts [pyramid.tif] [answers per round = 4000]
//   without a file, builds the 12,000 × 8,000 kodak mosaic's pyramid in a temp dir first.
import { parseImageRequest } from '../../src/publish/iiif/image-request.js';
import { openPyramid } from '../../src/publish/iiif/pyramid.js';
import { TileRegionPool } from '../../src/publish/iiif/tile-region-pool.js';
import { benchPyramid } from './mosaic.js';
import { cpuMs } from './services.js';
import { seededRandom, unalignedPaths } from './urls.js';

const [fileArg, countArg] = process.argv.slice(2);
const file = await benchPyramid(fileArg, 'wenyuan-bench-region-pool-');
const N = Number(countArg ?? 4000);
const info = await openPyramid(file);
const limits = { maxWidth: info.width, maxHeight: info.height, maxArea: info.width * info.height };
const requests = unalignedPaths(info.width, info.height, 3 * N, seededRandom(42)).map((p) => {
  const [region, size, rotation, qualityFormat] = p.split('/') as [string, string, string, string];
  return parseImageRequest({ region, size, rotation, qualityFormat }, info, limits);
});
const pool = new TileRegionPool(96 * 1024 * 1024, 2);
pool.warm();
await pool.render('bench', file, info, requests[0]!);
for (let round = 0; round < 3; round++) {
  const list = requests.slice(round * N, (round + 1) * N);
  let next = 0;
  const cpu0 = process.cpuUsage(), main0 = cpuMs(process.pid, process.pid), t0 = performance.now();
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < list.length) await pool.render('bench', file, info, list[next++]!);
  }));
  const cpu = process.cpuUsage(cpu0), wall = performance.now() - t0;
  console.log(`round ${round + 1}: ${((N / wall) * 1000).toFixed(0)} answers/s, CPU ${((cpu.user + cpu.system) / 1000 / N).toFixed(3)} ms an answer (main thread ${((cpuMs(process.pid, process.pid) - main0) / N).toFixed(3)})`);
}
await pool.close();

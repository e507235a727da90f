/**
 * The protect threads' two kinds of work, one at a time on this thread, over the shared images: the
 * public mark as the display job asks for it (display-sized pixels in, JPEG q85 4:2:0 out) and the
 * fingerprint of the original file (PDQ with crops, ISCC); then the mark alone on a 2048 × 1365
 * display copy, per megapixel. CPU per image, by round (the first rounds warm the JIT).
 * Run: node --import tsx bench/protect/stages.ts [rounds=3]
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import sharp from 'sharp';
import { fingerprintImage } from '../../src/protect/fingerprint.js';
import { embedWatermark, type RawImage } from '../../src/protect/watermark/embed.js';
import { listFiles, machine, SHARED_DATA } from '../support.js';

const rounds = Number(process.argv[2] ?? 3);
const files = listFiles(path.join(SHARED_DATA, 'images'), ['.jpg', '.jpeg', '.png', '.tif', '.tiff', '.webp']).filter((f) => !f.includes('_corrupt'));
const key = createHash('sha256').update('bench key').digest();
const payload = Uint8Array.from([1, 2, 3, 4, 5, 6]);
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const display: RawImage[] = [];
for (const file of files) {
  const decoded = await sharp(file).autoOrient().resize(2048, 2048, { fit: 'inside', withoutEnlargement: true }).raw().toBuffer({ resolveWithObject: true }).catch(() => null);
  if (decoded) display.push({ data: decoded.data, width: decoded.info.width, height: decoded.info.height, channels: decoded.info.channels });
}
const big = await sharp(files.find((f) => f.endsWith('kodim05.png'))!).resize(2048, 1365, { fit: 'fill' }).raw().toBuffer({ resolveWithObject: true });
const bigMp = (big.info.width * big.info.height) / 1e6;

console.log(`machine: ${machine()}; ${files.length} images`);
for (let round = 1; round <= rounds; round++) {
  let start = cpuMs();
  for (const p of display) {
    await embedWatermark({ ...p, data: Buffer.from(p.data) }, { key, payload, format: 'jpeg', quality: 85, chromaSubsampling: '4:2:0', maxPixels: 50_000_000 }).catch(() => null);
  }
  const mark = (cpuMs() - start) / display.length;
  start = cpuMs();
  for (const file of files) await fingerprintImage(file, { maxPixels: 50_000_000, name: 'A title' }).catch(() => null);
  const fingerprint = (cpuMs() - start) / files.length;
  start = cpuMs();
  for (let i = 0; i < 4; i++) await embedWatermark({ data: Buffer.from(big.data), width: big.info.width, height: big.info.height, channels: 3 }, { key, payload, format: 'raw', maxPixels: 50_000_000 });
  const alone = (cpuMs() - start) / 4 / bigMp;
  console.log(`round ${round}: public mark ${mark.toFixed(1)} ms CPU/image, fingerprint ${fingerprint.toFixed(1)} ms CPU/image; the mark alone on 2048 × 1365: ${alone.toFixed(0)} ms CPU/MP`);
}

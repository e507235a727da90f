/**
 * The fixed attack suite for image protection benchmarks (watermark and fingerprint): each entry is a
 * deterministic `(image) => Promise<Buffer>` built on sharp. Geometry follows Stirmark habits: rotations
 * keep the original canvas size (corners filled black), crops cut the same share from every side.
 */
import sharp from 'sharp';
import type { Sharp } from 'sharp';

export interface Transform { name: string; apply: (image: Buffer) => Promise<Buffer> }

async function size(image: Buffer): Promise<{ width: number; height: number }> {
  const m = await sharp(image).metadata();
  return { width: m.autoOrient?.width ?? m.width, height: m.autoOrient?.height ?? m.height };
}

const png = (s: Sharp) => s.png().toBuffer();

function jpeg(quality: number): Transform {
  return { name: `jpeg${quality}`, apply: (b) => sharp(b).flatten().jpeg({ quality }).toBuffer() };
}

function resize(percent: number): Transform {
  return {
    name: `resize${percent}`,
    apply: async (b) => { const { width } = await size(b); return png(sharp(b).resize(Math.max(1, Math.round((width * percent) / 100)))); },
  };
}

function crop(percent: number): Transform {
  return {
    name: `crop${percent}`,
    apply: async (b) => {
      const { width, height } = await size(b);
      const dx = Math.round((width * percent) / 100), dy = Math.round((height * percent) / 100);
      return png(sharp(b).extract({ left: dx, top: dy, width: width - 2 * dx, height: height - 2 * dy }));
    },
  };
}

/**
 * An off-centre crop, as people really crop: each side cut by its own share, 0–`maxPercent` %, drawn
 * from a seeded generator fed by the image's size (the same image always gets the same crop).
 */
function cropUneven(maxPercent: number): Transform {
  return {
    name: `crop-uneven${maxPercent}`,
    apply: async (b) => {
      const { width, height } = await size(b);
      const next = uniform01(width * 7919 + height);
      const cut = () => next() * (maxPercent / 100);
      const left = Math.round(width * cut()), right = Math.round(width * cut());
      const top = Math.round(height * cut()), bottom = Math.round(height * cut());
      return png(sharp(b).extract({ left, top, width: width - left - right, height: height - top - bottom }));
    },
  };
}

function rotate(deg: number): Transform {
  return {
    name: `rot${deg > 0 ? '+' : ''}${deg}`,
    apply: async (b) => {
      const { width, height } = await size(b);
      const r = await sharp(b).rotate(deg, { background: '#000000' }).toBuffer({ resolveWithObject: true });
      const left = Math.floor((r.info.width - width) / 2), top = Math.floor((r.info.height - height) / 2);
      return png(sharp(r.data).extract({ left, top, width, height }));
    },
  };
}

/** Apply f to every colour sample (alpha untouched) of the raw pixels. */
async function perSample(b: Buffer, f: (v: number, i: number) => number): Promise<Buffer> {
  const { data, info } = await sharp(b).raw().toBuffer({ resolveWithObject: true });
  const ch = info.channels, colour = ch === 2 || ch === 4 ? ch - 1 : ch;
  for (let i = 0; i < data.length; i++) if (i % ch < colour) data[i] = Math.max(0, Math.min(255, Math.round(f(data[i]!, i))));
  return png(sharp(data, { raw: { width: info.width, height: info.height, channels: ch } }));
}

/** A seeded uniform generator in [0, 1) (mulberry32). */
function uniform01(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Seeded Gaussian noise (mulberry32 + Box–Muller), so every run sees the same noise. */
function gaussian(seed: number): () => number {
  const uniform = uniform01(seed);
  return () => Math.sqrt(-2 * Math.log(uniform() + 1e-12)) * Math.cos(2 * Math.PI * uniform());
}

const textSvg = (w: number, h: number) => Buffer.from(
  `<svg width="${w}" height="${h}" xmlns="http://www.w3.org/2000/svg">` +
  `<text x="50%" y="45%" text-anchor="middle" font-family="sans-serif" font-weight="bold" font-size="${Math.round(h / 9)}" fill="white" stroke="black" stroke-width="2">© Wenyuan sample</text>` +
  `<text x="5%" y="92%" font-family="sans-serif" font-size="${Math.round(h / 18)}" fill="yellow">photo 2024 · archive copy</text></svg>`);

/** The suite, in report order. */
export const TRANSFORMS: Transform[] = [
  { name: 'none', apply: async (b) => b },
  jpeg(90), jpeg(70), jpeg(50), jpeg(30),
  resize(75), resize(50), resize(25),
  crop(5), crop(10), crop(20), cropUneven(10),
  { name: 'rot90', apply: (b) => png(sharp(b).rotate(90)) },
  { name: 'rot180', apply: (b) => png(sharp(b).rotate(180)) },
  { name: 'mirror', apply: (b) => png(sharp(b).flop()) },
  rotate(2), rotate(-2), rotate(5), rotate(-5),
  { name: 'bright+20', apply: (b) => perSample(b, (v) => v * 1.2) },
  { name: 'bright-20', apply: (b) => perSample(b, (v) => v * 0.8) },
  { name: 'contrast+20', apply: (b) => perSample(b, (v) => 128 + (v - 128) * 1.2) },
  { name: 'contrast-20', apply: (b) => perSample(b, (v) => 128 + (v - 128) * 0.8) },
  { name: 'gamma0.7', apply: (b) => perSample(b, (v) => 255 * (v / 255) ** 0.7) },
  { name: 'blur1', apply: (b) => png(sharp(b).blur(1)) },
  { name: 'noise5', apply: (b) => { const g = gaussian(12345); return perSample(b, (v) => v + 5 * g()); } },
  { name: 'grayscale', apply: (b) => png(sharp(b).greyscale()) },
  {
    name: 'text',
    apply: async (b) => { const { width, height } = await size(b); return png(sharp(b).composite([{ input: textSvg(width, height) }])); },
  },
  {
    name: 'screenshot',
    apply: async (b) => {
      const { width, height } = await size(b);
      const pad = { top: Math.round(height * 0.12), bottom: Math.round(height * 0.05), left: Math.round(width * 0.08), right: Math.round(width * 0.08) };
      return png(sharp(b).flatten({ background: '#ffffff' }).extend({ ...pad, background: '#f0f0f0' }));
    },
  },
];

/** ISCC codes of image files: SDK-equivalent normalisation, robustness, streaming and errors. */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors.js';
import { decodeBase32, isccDecompose } from './codec.js';
import { genDataCode } from './data-code.js';
import { genImageCode } from './image-code.js';
import { fileDataAndInstance, imageFilePixels, isccForImageFile } from './image-file.js';
import { genInstanceCode } from './instance-code.js';
import { genIsccCode } from './iscc-code.js';
import { genMetaCode } from './meta-code.js';

const SHARED = path.resolve(process.cwd(), '../shared/data');
const shared = (file: string): string => path.join(SHARED, file);
const hasShared = existsSync(shared('images/MANIFEST.csv')) && existsSync(shared('pdq-vectors'));

/** Bits that differ between the bodies of two units of the same type and length. */
function hamming(a: string, b: string): number {
  const x = decodeBase32(a.replace('ISCC:', '')).subarray(2);
  const y = decodeBase32(b.replace('ISCC:', '')).subarray(2);
  let bits = 0;
  x.forEach((v, i) => {
    let d = v ^ y[i]!;
    while (d) {
      bits += d & 1;
      d >>= 1;
    }
  });
  return bits;
}

/** A smooth synthetic scene (gradients, a disc, stripes) as raw RGB, deterministic. */
function syntheticRgb(width: number, height: number, phase = 0): Buffer {
  const out = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const disc = (x - width * 0.6) ** 2 + (y - height * 0.4) ** 2 < (width * 0.2) ** 2;
      out[i] = disc ? 230 : (x * 255) / width;
      out[i + 1] = Math.round(128 + 100 * Math.sin((x + phase) / 23) * Math.cos(y / 31));
      out[i + 2] = disc ? 40 : (y * 255) / height;
    }
  }
  return out;
}

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'iscc-image-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function writeSynthetic(name: string, format: 'png' | 'jpeg', quality = 80, phase = 0): Promise<string> {
  const file = path.join(dir, name);
  const img = sharp(syntheticRgb(600, 400, phase), { raw: { width: 600, height: 400, channels: 3 } });
  await (format === 'png' ? img.png() : img.jpeg({ quality })).toFile(file);
  return file;
}

/**
 * Pixels from iscc-sdk's exact steps (ImageOps.exif_transpose, white fill, border trim,
 * convert("L"), resize((32, 32), BICUBIC)) run in Pillow 9.4 on these shared files: the SHA-256
 * of the 1024 bytes, and the 256-bit Image-Code of them. Ours must be identical, bit for bit.
 */
const PILLOW_REFERENCE: readonly (readonly [string, string, string, string])[] = [
  ['images/kodak/kodim04.png', 'RGB', '9cd611e2cd6ae25d3c8a131a76ce798fb4695c5b6a734d7dc2b4922cd018c191', 'ISCC:EEDZ7ZNQ5PBZCBMGH3FGBVUHEMHS7ZNQ5PBZCB4XKLFGBVUPEMHS7JI'],
  ['images/skimage/camera.png', 'L', '000000038a6b5324593a3d2ec3e88a7129a16a0b3048881363c0c1ec3ef69285', 'ISCC:EED374OBYBBU5DF4P3ZYFAEHTUMXZ6OBYBBU5DF6WPZYFAGHTUMXZZQ'],
  ['images/skimage/rocket.jpg', 'RGB + ICC', '4ebd865ee880e9b61da52ede76b5556d0b8304f83a7397a9870bb1e5a7c71807', 'ISCC:EED4ANY35QN6KETHQFXCPWBXZISM6NYT5QM6KETHTRXCPWBTZISM6OA'],
  ['pdq-vectors/data/reg-test-input/pen-and-coaster.png', 'RGBA + ICC', '99522bd7c4592ad3f13cd025a47f4d0314252c5eaba0ab6bf0f2859247c63f64', 'ISCC:EED3PT6SETMTBQ6CN6P2ISFTMCD4NT6SETMTBQ7DNSP3ISFTMCD4NWI'],
  ['pdq-vectors/data/reg-test-input/exif-rotn/exif-rotn-6.jpg', 'EXIF 6', '45e74e59e4db58c0e7a51170151e7f1655e68b263a1250c2e53e130e99935828', 'ISCC:EEDZTS64S5XICWNAGKL3QL64AOZ4JSW4S5XICWNATWK3QL64AOZUAPY'],
  ['pdq-vectors/data/reg-test-input/exif-rotn/exif-rotn-8.jpg', 'EXIF 8', '2726eee1f707e3668cf68bf5cc5929f776ae54d6c057e1be627c38b98631b6eb', 'ISCC:EED2FWGDXZ4Y2MSJISYZM7HTHJSJHWGDXZ4Y2MSJUKYZM7HTHJSJGRA'],
  ['images/wesnoth/portraits/dm__garard-large.png', 'RGBA', '225f5273400012136d05ca10cf48015be15ee57a2e51b5eb52a4ca9b1911f07a', 'ISCC:EEDYKSR5WVBLK6RWBKKXUYUFNP2WYSR5GFBLK6RWOOKXQYUFNLSWZZQ'],
  ['images/wesnoth/portraits/trolls__troll.png', 'P + tRNS', '205d93a10a79bf20fbf0643d4d0a3479b229bcbd5a44f0daf408d1fae0a4409f', 'ISCC:EED2VS6VRKF2LED4KWLKWFA6JIR73S6VRKF2LEL4SGLKWFA6JIR72YY'],
];

describe.skipIf(!hasShared)('image normalisation equals iscc-sdk (Pillow) on shared images', () => {
  for (const [file, kind, sha256, code] of PILLOW_REFERENCE) {
    it(`${file} (${kind})`, async () => {
      const pixels = await imageFilePixels(shared(file));
      expect(createHash('sha256').update(pixels).digest('hex')).toBe(sha256);
      expect(genImageCode(pixels, 256).iscc).toBe(code);
    });
  }
});

describe('isccForImageFile', () => {
  it('gives close Image-Codes for a PNG and its JPEG re-encoding, and distinct Data/Instance-Codes', async () => {
    const png = await isccForImageFile(await writeSynthetic('scene.png', 'png'));
    const jpg = await isccForImageFile(await writeSynthetic('scene.jpg', 'jpeg', 70));
    const other = await isccForImageFile(await writeSynthetic('other.png', 'png', 80, 200));
    expect(hamming(png.content, jpg.content)).toBeLessThanOrEqual(4);
    expect(hamming(png.content, other.content)).toBeGreaterThan(10);
    expect(png.instance).not.toBe(jpg.instance);
    expect(png.data).not.toBe(jpg.data);
  });

  it.skipIf(!hasShared)('gives close Image-Codes for a Kodak PNG and its JPEG re-encoding', async () => {
    const source = shared('images/kodak/kodim01.png');
    const jpegFile = path.join(dir, 'kodim01.jpg');
    await sharp(source).jpeg({ quality: 75 }).toFile(jpegFile);
    const [a, b] = await Promise.all([isccForImageFile(source), isccForImageFile(jpegFile)]);
    expect(hamming(a.content, b.content)).toBeLessThanOrEqual(4);
  });

  it('applies EXIF orientation: pixels stored rotated and tagged to display upright give the same code', async () => {
    const upright = await writeSynthetic('upright.jpg', 'jpeg', 90);
    const raw = { raw: { width: 600, height: 400, channels: 3 as const } };
    const codes: string[] = [];
    // Orientation 6 displays the stored pixels turned 90° clockwise, 8 counter-clockwise, 3 by 180°.
    for (const [orientation, stored] of [
      [6, 270],
      [8, 90],
      [3, 180],
    ] as const) {
      const file = path.join(dir, `rot-${orientation}.jpg`);
      await sharp(await sharp(syntheticRgb(600, 400), raw).rotate(stored).png().toBuffer())
        .jpeg({ quality: 90 })
        .withMetadata({ orientation })
        .toFile(file);
      codes.push((await isccForImageFile(file)).content);
    }
    const reference = (await isccForImageFile(upright)).content;
    for (const code of codes) expect(hamming(reference, code)).toBeLessThanOrEqual(4);
  });

  it('fills transparency with white and trims a uniform border', async () => {
    const w = 300;
    const h = 200;
    const rgb = syntheticRgb(w, h);
    // The same scene with a 40 px transparent (black underneath) margin around it.
    const framed = Buffer.alloc((w + 80) * (h + 80) * 4);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const o = ((y + 40) * (w + 80) + x + 40) * 4;
        rgb.copy(framed, o, (y * w + x) * 3, (y * w + x) * 3 + 3);
        framed[o + 3] = 255;
      }
    }
    const plain = path.join(dir, 'plain.png');
    const transparent = path.join(dir, 'transparent.png');
    await sharp(rgb, { raw: { width: w, height: h, channels: 3 } }).png().toFile(plain);
    await sharp(framed, { raw: { width: w + 80, height: h + 80, channels: 4 } }).png().toFile(transparent);
    expect(await imageFilePixels(transparent)).toEqual(await imageFilePixels(plain));
  });

  it('composes Meta-, Image-, Data- and Instance-Code into the ISCC-CODE', async () => {
    const file = await writeSynthetic('meta.png', 'png');
    const bytes = new Uint8Array(readFileSync(file));
    const result = await isccForImageFile(file, { name: 'Autumn Mountains', description: 'hanging scroll' });
    expect(result.meta).toBe(genMetaCode('Autumn Mountains', 'hanging scroll').iscc);
    expect(result.data).toBe(genDataCode(bytes).iscc);
    expect(result.instance).toBe(genInstanceCode(bytes).iscc);
    expect(result.iscc).toBe(genIsccCode([result.meta!, result.content, result.data, result.instance]).iscc);
    expect(result.iscc.startsWith('ISCC:KE')).toBe(true); // ISCC-CODE, image sub type
    expect(isccDecompose(result.iscc)).toHaveLength(4);

    const noName = await isccForImageFile(file);
    expect(noName.meta).toBeUndefined();
    expect(noName.iscc).toBe(genIsccCode([result.content, result.data, result.instance]).iscc);
  });

  it('streams Data- and Instance-Code across read chunks exactly as hashing the whole file', async () => {
    const file = path.join(dir, 'big.bin');
    const bytes = new Uint8Array(3 * 1024 * 1024 + 12345);
    let s = 9;
    for (let i = 0; i < bytes.length; i++) bytes[i] = (s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 24;
    await writeFile(file, bytes);
    expect(await fileDataAndInstance(file, 128)).toEqual({ data: genDataCode(bytes, 128).iscc, instance: genInstanceCode(bytes, 128).iscc });
  });
});

describe('isccForImageFile errors', () => {
  async function codeOf(promise: Promise<unknown>): Promise<[string, string]> {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    return [(error as AppError).code, (error as AppError).message];
  }

  it('refuses a truncated JPEG as corrupt_file', async () => {
    const whole = readFileSync(await writeSynthetic('whole.jpg', 'jpeg'));
    const truncated = path.join(dir, 'truncated.jpg');
    await writeFile(truncated, whole.subarray(0, Math.floor(whole.length / 2)));
    const [code, message] = await codeOf(isccForImageFile(truncated));
    expect(code).toBe('corrupt_file');
    expect(message).toMatch(/corrupt, truncated or not an image/);
  });

  it('refuses a file that is not an image as corrupt_file', async () => {
    const text = path.join(dir, 'notes.txt');
    await writeFile(text, 'not an image');
    expect((await codeOf(isccForImageFile(text)))[0]).toBe('corrupt_file');
  });

  it('refuses an image over the pixel limit as image_too_large', async () => {
    const file = await writeSynthetic('limit.png', 'png');
    expect((await codeOf(isccForImageFile(file, { maxPixels: 1000 })))[0]).toBe('image_too_large');
  });

  it('reports a missing file as not_found', async () => {
    expect((await codeOf(isccForImageFile(path.join(dir, 'missing.png'))))[0]).toBe('not_found');
  });
});

import { describe, expect, it } from 'vitest';
import { seededRandom as random } from '../../test/support/seeded-random.js';
import { encodeSnapshot, SnapshotDecoder, SnapshotError, snapshotBytes, type IndexColumns } from './fingerprint-snapshot.js';
import { HammingIndex } from './hamming-index.js';

/** Columns of `images` images with 1–5 codes each, built through a HammingIndex as the index builds them. */
function columnsOf(images: number, seed: number, coversVersion = 2 ** 40 + 3): { columns: IndexColumns; codes: Uint8Array[] } {
  const next = random(seed);
  const index = new HammingIndex();
  const codes: Uint8Array[] = [];
  const fractions = [0, 0.05, 0.1, 0.15, 0.2];
  const cropOfCode: number[] = [];
  const imageStarts: number[] = [];
  const imageHashes = new Uint8Array(images * 32);
  for (let i = 0; i < images; i++) {
    imageStarts.push(index.size);
    imageHashes.set(Uint8Array.from({ length: 32 }, () => Math.floor(next() * 256)), i * 32);
    const n = 1 + Math.floor(next() * 5);
    for (let c = 0; c < n; c++) {
      const code = Uint8Array.from({ length: 32 }, () => Math.floor(next() * 256));
      codes.push(code);
      index.add(code);
      cropOfCode.push(c % fractions.length);
    }
  }
  return {
    codes,
    columns: { coversVersion, codes: index.size, words: index.codeWords, cropOfCode: Uint8Array.from(cropOfCode), images, imageStarts: Uint32Array.from(imageStarts), imageHashes, fractions },
  };
}

function concat(parts: Iterable<Uint8Array>): Buffer {
  return Buffer.concat([...parts]);
}

/** Decodes `bytes` pushed in pieces of `piece` bytes. */
function decode(bytes: Uint8Array, piece: number): IndexColumns {
  const decoder = new SnapshotDecoder((codes) => codes / 8);
  for (let at = 0; at < bytes.length; at += piece) decoder.push(bytes.subarray(at, at + piece));
  return decoder.finish();
}

function failure(fn: () => unknown): SnapshotError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SnapshotError) return error;
    throw error;
  }
  throw new Error('expected a SnapshotError');
}

describe('fingerprint index snapshot format', () => {
  it('round-trips every column and the covered version, whatever the part and piece sizes', () => {
    const { columns, codes } = columnsOf(300, 1);
    const whole = concat(encodeSnapshot(columns));
    expect(whole.length).toBe(snapshotBytes(columns.codes, columns.images, columns.fractions.length));
    // Small parts split every section across parts; pieces of 7 bytes split them again.
    expect(concat(encodeSnapshot(columns, 1000)).equals(whole)).toBe(true);
    for (const piece of [7, 4096, whole.length]) {
      const back = decode(whole, piece);
      expect(back.coversVersion).toBe(2 ** 40 + 3);
      expect([back.codes, back.images]).toEqual([columns.codes, columns.images]);
      expect(back.fractions).toEqual([0, 0.05, 0.1, 0.15, 0.2]);
      expect(back.words.subarray(0, back.codes * 8)).toEqual(columns.words);
      expect(back.cropOfCode.subarray(0, back.codes)).toEqual(columns.cropOfCode);
      expect(back.imageStarts.subarray(0, back.images)).toEqual(columns.imageStarts);
      expect(back.imageHashes.subarray(0, back.images * 32)).toEqual(columns.imageHashes);
      // Room to grow, as asked for.
      expect(back.cropOfCode.length).toBeGreaterThan(back.codes);
    }
    // The adopted words search as the codes themselves do.
    const back = decode(whole, 65536);
    const index = HammingIndex.adopt(back.words, back.codes);
    expect(index.size).toBe(codes.length);
    expect(index.search(codes[123]!, 0)).toEqual([{ position: 123, distance: 0 }]);
    index.add(codes[5]!);
    expect(index.search(codes[5]!, 0).map((m) => m.position)).toEqual([5, codes.length]);
  });

  it('round-trips an empty index', () => {
    const empty: IndexColumns = { coversVersion: 0, codes: 0, words: new Uint32Array(0), cropOfCode: new Uint8Array(0), images: 0, imageStarts: new Uint32Array(0), imageHashes: new Uint8Array(0), fractions: [] };
    const back = decode(concat(encodeSnapshot(empty)), 5);
    expect([back.codes, back.images, back.coversVersion, back.fractions]).toEqual([0, 0, 0, []]);
  });

  it('detects a changed byte anywhere, a short or long snapshot, and another format', () => {
    const { columns } = columnsOf(50, 2);
    const whole = concat(encodeSnapshot(columns));
    const codesAt = 64;
    const startsAt = codesAt + columns.codes * 32;
    const hashesAt = startsAt + columns.images * 4;
    const cropsAt = hashesAt + columns.images * 32 + columns.fractions.length * 8;
    // The covered version, a code, an image start, an image hash, a crop index, the checksum itself.
    for (const at of [17, codesAt + 100, startsAt + 8, hashesAt + 40, cropsAt + 3, whole.length - 1]) {
      const bad = Buffer.from(whole);
      bad[at]! ^= 0x10;
      expect(failure(() => decode(bad, 1000)).reason, `byte ${at}`).toBe('corrupt');
    }
    expect(failure(() => decode(whole.subarray(0, whole.length - 1), 1000)).message).toMatch(/ends early/);
    expect(failure(() => decode(Buffer.concat([whole, Buffer.from([0])]), 1000)).message).toMatch(/longer/);
    expect(failure(() => decode(whole.subarray(0, 30), 1000)).message).toMatch(/ends early/);
    const magic = Buffer.from(whole);
    magic[0] = 0x58;
    expect(failure(() => decode(magic, 1000)).message).toMatch(/magic/);
    const newer = Buffer.from(whole);
    newer.writeUInt32LE(2, 8);
    expect(failure(() => decode(newer, 1000)).reason).toBe('format');
    // Counts that cannot be right are refused before anything is allocated for them.
    const huge = Buffer.from(whole);
    huge.writeUInt32LE(columns.codes + 1, 28);
    expect(failure(() => decode(huge, 1000)).reason).toBe('corrupt');
  });
});

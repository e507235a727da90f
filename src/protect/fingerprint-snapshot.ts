/**
 * The binary snapshot of the fingerprint index (fingerprint-index.ts): every code in insertion
 * order with the image and crop it belongs to, and the fingerprint change version it covers, so a
 * process can load the index with a few large reads instead of decoding every fingerprint row.
 *
 * Layout (integers little-endian):
 *
 *   header, 64 bytes: magic "WYFPSNAP", format u32 (1), header length u32 (64), covered change
 *     version u64, codes n u32, images m u32, crop fractions k u32, bytes per code u32 (32), zeros
 *   codes:        n × 8 u32, each word the big-endian value of 4 code bytes (HammingIndex's layout)
 *   image starts: m × u32, the first code of each image (strictly increasing from 0; an image owns
 *                 the codes up to the next one's start)
 *   image hashes: m × 32 bytes, the sha256 of each image
 *   fractions:    k × f64, the distinct crop fractions (0 = the whole image)
 *   crop of code: n × u8, index into the fractions
 *   checksum:     32 bytes, sha256 of everything before it
 *
 * A decoder writes each section straight into the typed array the index keeps, so loading a
 * million codes allocates a handful of arrays and no object per code.
 */
import { createHash } from 'node:crypto';
import { endianness } from 'node:os';

export const SNAPSHOT_FORMAT = 1;
const MAGIC = Buffer.from('WYFPSNAP', 'latin1');
const HEADER_BYTES = 64;
const CHECKSUM_BYTES = 32;
const CODE_BYTES = 32;
const WORDS = CODE_BYTES / 4;
const HASH_BYTES = 32;
/** Crop indexes are one byte each. */
export const MAX_FRACTIONS = 256;
const LITTLE_ENDIAN = endianness() === 'LE';

/** The index's columns, as FingerprintIndex holds them; arrays may be longer than the counts (room to grow). */
export interface IndexColumns {
  /** The fingerprint change version the columns are complete up to. */
  coversVersion: number;
  codes: number;
  words: Uint32Array;
  cropOfCode: Uint8Array;
  images: number;
  imageStarts: Uint32Array;
  imageHashes: Uint8Array;
  fractions: number[];
}

/** Why a snapshot cannot be used: another format (written by another release) or damaged bytes. */
export class SnapshotError extends Error {
  constructor(readonly reason: 'format' | 'corrupt', message: string) {
    super(message);
  }
}

/** Bytes of the snapshot of `codes` codes over `images` images and `fractions` crop fractions. */
export function snapshotBytes(codes: number, images: number, fractions: number): number {
  return HEADER_BYTES + codes * CODE_BYTES + images * (4 + HASH_BYTES) + fractions * 8 + codes + CHECKSUM_BYTES;
}

/** Little-endian bytes of a typed array (a view on little-endian hosts, a swapped copy otherwise). */
function littleEndianBytes(array: Uint32Array | Float64Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  const out = new Uint8Array(array.byteLength);
  const view = new DataView(out.buffer);
  array.forEach((v, i) => (array instanceof Float64Array ? view.setFloat64(i * 8, v, true) : view.setUint32(i * 4, v, true)));
  return out;
}

/** The snapshot of `columns` in parts of `partBytes` (the last one shorter), checksum included. */
export function* encodeSnapshot(columns: IndexColumns, partBytes = 1 << 20): Generator<Buffer> {
  const { codes, images, fractions } = columns;
  if (fractions.length > MAX_FRACTIONS) throw new RangeError(`a snapshot holds at most ${MAX_FRACTIONS} crop fractions, got ${fractions.length}`);
  const header = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(header, 0);
  header.writeUInt32LE(SNAPSHOT_FORMAT, 8);
  header.writeUInt32LE(HEADER_BYTES, 12);
  header.writeBigUInt64LE(BigInt(columns.coversVersion), 16);
  header.writeUInt32LE(codes, 24);
  header.writeUInt32LE(images, 28);
  header.writeUInt32LE(fractions.length, 32);
  header.writeUInt32LE(CODE_BYTES, 36);
  const sections: Uint8Array[] = [
    header,
    littleEndianBytes(columns.words.subarray(0, codes * WORDS)),
    littleEndianBytes(columns.imageStarts.subarray(0, images)),
    columns.imageHashes.subarray(0, images * HASH_BYTES),
    littleEndianBytes(Float64Array.from(fractions)),
    columns.cropOfCode.subarray(0, codes),
  ];
  const hash = createHash('sha256');
  let part = Buffer.allocUnsafe(partBytes);
  let filled = 0;
  // The sections, then their checksum, cut into parts of partBytes.
  const chunks = function* () {
    for (const section of sections) {
      hash.update(section);
      yield section;
    }
    yield hash.digest();
  };
  for (const chunk of chunks()) {
    for (let at = 0; at < chunk.length; ) {
      const n = Math.min(partBytes - filled, chunk.length - at);
      part.set(chunk.subarray(at, at + n), filled);
      filled += n;
      at += n;
      if (filled === partBytes) {
        yield part;
        part = Buffer.allocUnsafe(partBytes);
        filled = 0;
      }
    }
  }
  if (filled > 0) yield part.subarray(0, filled);
}

/**
 * Reads a snapshot pushed in parts of any size. `spare` is how many codes (and images) of room to
 * allocate beyond the snapshot's, so codes added after loading do not copy the arrays at once.
 */
export class SnapshotDecoder {
  private readonly hash = createHash('sha256');
  private readonly header = Buffer.alloc(HEADER_BYTES);
  private readonly checksum = Buffer.alloc(CHECKSUM_BYTES);
  private columns: IndexColumns | null = null;
  private fractionBytes: Uint8Array | null = null;
  /** Where each pushed byte goes, in order: header, the sections, checksum. */
  private targets: Uint8Array[] = [this.header];
  private target = 0;
  private offset = 0;

  constructor(private readonly spare: (codes: number) => number = () => 0) {}

  /** Takes the next bytes of the snapshot. */
  push(chunk: Uint8Array): void {
    for (let at = 0; at < chunk.length; ) {
      const target = this.targets[this.target];
      if (!target) throw new SnapshotError('corrupt', 'snapshot is longer than its header says');
      const n = Math.min(target.length - this.offset, chunk.length - at);
      const bytes = chunk.subarray(at, at + n);
      target.set(bytes, this.offset);
      if (target !== this.checksum) this.hash.update(bytes);
      this.offset += n;
      at += n;
      if (this.offset === target.length) this.next();
    }
  }

  private next(): void {
    this.offset = 0;
    this.target++;
    if (this.target === 1) this.allocate();
    // Zero-length sections (an empty index) are passed over at once.
    while (this.targets[this.target]?.length === 0) this.target++;
  }

  /** Reads the header and allocates the arrays the sections are written into. */
  private allocate(): void {
    const h = this.header;
    if (!h.subarray(0, 8).equals(MAGIC)) throw new SnapshotError('corrupt', 'not a fingerprint index snapshot (bad magic)');
    const format = h.readUInt32LE(8);
    if (format !== SNAPSHOT_FORMAT) throw new SnapshotError('format', `snapshot format ${format}, this release reads ${SNAPSHOT_FORMAT}`);
    if (h.readUInt32LE(12) !== HEADER_BYTES || h.readUInt32LE(36) !== CODE_BYTES) throw new SnapshotError('corrupt', 'snapshot header has wrong sizes');
    const codes = h.readUInt32LE(24);
    const images = h.readUInt32LE(28);
    const fractions = h.readUInt32LE(32);
    if (images > codes || fractions > MAX_FRACTIONS || (codes > 0 && (images === 0 || fractions === 0))) throw new SnapshotError('corrupt', `snapshot header counts are inconsistent (${codes} codes, ${images} images, ${fractions} fractions)`);
    const room = Math.max(0, Math.ceil(this.spare(codes)));
    const columns: IndexColumns = {
      coversVersion: Number(h.readBigUInt64LE(16)),
      codes,
      words: new Uint32Array((codes + room) * WORDS),
      cropOfCode: new Uint8Array(codes + room),
      images,
      imageStarts: new Uint32Array(images + room),
      imageHashes: new Uint8Array((images + room) * HASH_BYTES),
      fractions: [],
    };
    this.columns = columns;
    this.fractionBytes = new Uint8Array(fractions * 8);
    this.targets = [
      this.header,
      new Uint8Array(columns.words.buffer, 0, codes * CODE_BYTES),
      new Uint8Array(columns.imageStarts.buffer, 0, images * 4),
      columns.imageHashes.subarray(0, images * HASH_BYTES),
      this.fractionBytes,
      columns.cropOfCode.subarray(0, codes),
      this.checksum,
    ];
  }

  /** The decoded columns, once every byte has been pushed and checks out; throws SnapshotError otherwise. */
  finish(): IndexColumns {
    const columns = this.columns;
    if (!columns || this.target < this.targets.length) throw new SnapshotError('corrupt', 'snapshot ends early');
    if (!this.hash.digest().equals(this.checksum)) throw new SnapshotError('corrupt', 'snapshot checksum does not match');
    if (!LITTLE_ENDIAN) {
      swapWords(columns.words, columns.codes * WORDS);
      swapWords(columns.imageStarts, columns.images);
    }
    const view = new DataView(this.fractionBytes!.buffer);
    for (let i = 0; i < this.fractionBytes!.length / 8; i++) columns.fractions.push(view.getFloat64(i * 8, true));
    // The checksum catches damage; these catch a writer's bug, which would map codes to wrong images.
    if (!columns.fractions.every((f) => f >= 0 && f < 0.5)) throw new SnapshotError('corrupt', 'snapshot has a crop fraction out of range');
    for (let i = 0; i < columns.images; i++) {
      const start = columns.imageStarts[i]!;
      if (i === 0 ? start !== 0 : start <= columns.imageStarts[i - 1]! || start >= columns.codes) throw new SnapshotError('corrupt', 'snapshot image starts are out of order');
    }
    for (let i = 0; i < columns.codes; i++) if (columns.cropOfCode[i]! >= columns.fractions.length) throw new SnapshotError('corrupt', 'snapshot crop index out of range');
    return columns;
  }
}

function swapWords(array: Uint32Array, count: number): void {
  for (let i = 0; i < count; i++) {
    const v = array[i]!;
    array[i] = (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;
  }
}

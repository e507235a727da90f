/**
 * Rows of an uncompressed libvips image file (`.v`, written by sharp's `toFile`), read a block at a
 * time: a frame too large to hold in memory (196 MP is 588 MB of RGB) is still read exactly.
 */
import fs from 'node:fs';
import type { PixelRows } from './image-normalize.js';

const HEADER_BYTES = 64;
const MAGIC_LE = 0x08f2a6b6; // as read little-endian from a file written on a little-endian machine
const MAGIC_BE = 0xb6a6f208;
const BLOCK_BYTES = 4 * 1024 * 1024;

/** Opens `file` for reading rows; the caller closes the returned descriptor. */
export function vipsFileRows(file: string): PixelRows & { close(): void } {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(HEADER_BYTES);
    if (fs.readSync(fd, head, 0, HEADER_BYTES, 0) !== HEADER_BYTES) throw new Error('the decoded copy has no header');
    const magic = head.readUInt32LE(0);
    if (magic !== MAGIC_LE && magic !== MAGIC_BE) throw new Error('the decoded copy is not a libvips image');
    const int = (at: number) => (magic === MAGIC_LE ? head.readInt32LE(at) : head.readInt32BE(at));
    const [width, height, bands, format, coding] = [int(4), int(8), int(12), int(20), int(24)];
    // BandFmt 0 = unsigned char, Coding 0 = none: plain interleaved 8-bit samples.
    if (format !== 0 || coding !== 0 || (bands !== 3 && bands !== 4) || width < 1 || height < 1) {
      throw new Error(`the decoded copy is ${bands} bands of format ${format} (coding ${coding}), expected 8-bit RGB or RGBA`);
    }
    const stride = width * bands;
    const blockRows = Math.max(1, Math.floor(BLOCK_BYTES / stride));
    const block = Buffer.alloc(blockRows * stride);
    let first = -1;
    let rows = 0;
    return {
      width,
      height,
      channels: bands,
      row(y: number): Uint8Array {
        if (y < first || y >= first + rows) {
          first = Math.floor(y / blockRows) * blockRows;
          rows = Math.min(blockRows, height - first);
          const want = rows * stride;
          let got = 0;
          while (got < want) {
            const n = fs.readSync(fd, block, got, want - got, HEADER_BYTES + first * stride + got);
            if (n === 0) throw new Error('the decoded copy is shorter than its header says');
            got += n;
          }
        }
        return block.subarray((y - first) * stride, (y - first + 1) * stride);
      },
      close: () => fs.closeSync(fd),
    };
  } catch (error) {
    fs.closeSync(fd);
    throw error;
  }
}

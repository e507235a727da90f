/** Data-Code: a similarity hash of raw bytes (MinHash over xxHash32s of content-defined chunks). */
import { CdcStreamChunker } from './cdc.js';
import { encodeComponent, MT, ST_NONE } from './codec.js';
import { xxh32 } from './hashers.js';
import { algMinhash256 } from './minhash.js';

export interface DataCodeResult {
  iscc: string;
}

/** Incremental Data-Hash: push the bytes in pieces of any size, then take the digest or code. */
export class DataHasher {
  private readonly chunker = new CdcStreamChunker();
  private readonly features: number[] = [];
  private finished = false;
  private readonly onChunk = (chunk: Uint8Array): void => {
    this.features.push(xxh32(chunk));
  };

  /** Adds the next bytes of the stream. */
  push(data: Uint8Array): void {
    if (this.finished) throw new Error('DataHasher: push after digest');
    this.chunker.push(data, this.onChunk);
  }

  /** The 256-bit Data-Hash; ends the stream. */
  digest(): Uint8Array {
    if (!this.finished) {
      this.chunker.finish(this.onChunk);
      // Empty input hashes as one empty chunk.
      if (this.features.length === 0) this.features.push(xxh32(new Uint8Array(0)));
      this.finished = true;
    }
    return algMinhash256(this.features);
  }

  /** The Data-Code unit (without `ISCC:`) of `bits` length; ends the stream. */
  code(bits = 64): string {
    return encodeComponent(MT.DATA, ST_NONE, 0, bits, this.digest());
  }
}

/** Data-Code of bytes held in memory. */
export function genDataCode(data: Uint8Array, bits = 64): DataCodeResult {
  const hasher = new DataHasher();
  hasher.push(data);
  return { iscc: 'ISCC:' + hasher.code(bits) };
}

/** Data-Code of a stream of byte chunks (e.g. a file read stream), in bounded memory. */
export async function genDataCodeFromStream(stream: AsyncIterable<Uint8Array>, bits = 64): Promise<DataCodeResult> {
  const hasher = new DataHasher();
  for await (const chunk of stream) hasher.push(chunk);
  return { iscc: 'ISCC:' + hasher.code(bits) };
}

/** Instance-Code: a BLAKE3 checksum of the bytes, with their multihash and size. */
import type { IHasher } from 'hash-wasm';
import { encodeComponent, MT, ST_NONE } from './codec.js';
import { blake3, createBlake3Hasher, multihashBlake3 } from './hashers.js';

export interface InstanceCodeResult {
  iscc: string;
  /** Multihash (`1e20` + BLAKE3 digest) as hex. */
  datahash: string;
  /** Number of bytes hashed. */
  filesize: number;
}

function result(digest: Uint8Array, filesize: number, bits: number): InstanceCodeResult {
  return {
    iscc: 'ISCC:' + encodeComponent(MT.INSTANCE, ST_NONE, 0, bits, digest),
    datahash: multihashBlake3(digest),
    filesize,
  };
}

/** Instance-Code of bytes held in memory. */
export function genInstanceCode(data: Uint8Array, bits = 64): InstanceCodeResult {
  return result(blake3(data), data.length, bits);
}

/** Incremental Instance-Hash for streams; each hasher owns its own BLAKE3 state. */
export class InstanceHasher {
  private filesize = 0;
  private constructor(private readonly hasher: IHasher) {}

  /** Creates a hasher (loads a BLAKE3 instance). */
  static async create(): Promise<InstanceHasher> {
    return new InstanceHasher((await createBlake3Hasher()).init());
  }

  /** Adds the next bytes of the stream. */
  push(data: Uint8Array): void {
    this.filesize += data.length;
    this.hasher.update(data);
  }

  /** The Instance-Code result; ends the stream. */
  result(bits = 64): InstanceCodeResult {
    return result(this.hasher.digest('binary'), this.filesize, bits);
  }
}

/** Instance-Code of a stream of byte chunks, in bounded memory. */
export async function genInstanceCodeFromStream(stream: AsyncIterable<Uint8Array>, bits = 64): Promise<InstanceCodeResult> {
  const hasher = await InstanceHasher.create();
  for await (const chunk of stream) hasher.push(chunk);
  return hasher.result(bits);
}

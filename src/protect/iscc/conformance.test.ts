/**
 * ISO 24138 conformance: every vector of iscc-core's data.json (shared/data/iscc-vectors), with
 * every output field it gives.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  genAudioCode,
  genDataCode,
  genImageCode,
  genInstanceCode,
  genIsccCode,
  genMetaCode,
  genMixedCode,
  genTextCode,
  genVideoCode,
  type JsonValue,
  type MetaInput,
} from './index.js';

const VECTORS = path.resolve(process.cwd(), '../shared/data/iscc-vectors/data.json');
const STREAM_PREFIX = 'stream:';

interface Vector {
  inputs: JsonValue[];
  outputs: Record<string, JsonValue>;
}
type Suite = Record<string, Vector>;

/** Decodes a `stream:<hex>` input: the exact 7-character prefix, then hex. */
function streamBytes(input: JsonValue): Uint8Array {
  if (typeof input !== 'string' || !input.startsWith(STREAM_PREFIX)) throw new Error(`not a stream input: ${String(input)}`);
  return new Uint8Array(Buffer.from(input.slice(STREAM_PREFIX.length), 'hex'));
}

const num = (v: JsonValue | undefined): number => v as number;
const strs = (v: JsonValue | undefined): string[] => v as string[];

const GENERATORS: Record<string, (inputs: JsonValue[]) => object> = {
  gen_meta_code_v0: ([name, description, meta, bits]) =>
    genMetaCode(name as string, description as string | null, meta as MetaInput | null, num(bits)),
  gen_text_code_v0: ([text, bits]) => genTextCode(text as string, num(bits)),
  gen_image_code_v0: ([pixels, bits]) => genImageCode(pixels as number[], num(bits)),
  gen_audio_code_v0: ([cv, bits]) => genAudioCode(cv as number[], num(bits)),
  gen_video_code_v0: ([sigs, bits]) => genVideoCode(sigs as number[][], num(bits)),
  gen_mixed_code_v0: ([codes, bits]) => genMixedCode(strs(codes), num(bits)),
  gen_data_code_v0: ([stream, bits]) => genDataCode(streamBytes(stream!), num(bits)),
  gen_instance_code_v0: ([stream, bits]) => genInstanceCode(streamBytes(stream!), num(bits)),
  gen_iscc_code_v0: ([codes]) => genIsccCode(strs(codes)),
};

const data = existsSync(VECTORS) ? (JSON.parse(readFileSync(VECTORS, 'utf8')) as Record<string, Suite>) : null;
const suites = data ? Object.entries(data).filter(([name]) => !name.startsWith('_')) : [];

describe.skipIf(!data)('ISCC conformance vectors (iscc-core data.json)', () => {
  it('has all 50 vectors and a generator for every function', () => {
    expect(suites.reduce((n, [, suite]) => n + Object.keys(suite).length, 0)).toBe(50);
    for (const [fn] of suites) expect(GENERATORS[fn], fn).toBeDefined();
  });

  for (const [fn, suite] of suites) {
    describe(fn, () => {
      for (const [name, vector] of Object.entries(suite)) {
        it(name, () => {
          const result = GENERATORS[fn]!(vector.inputs) as Record<string, unknown>;
          // Every field the vector gives must match, and we emit no field it does not give.
          expect(result).toEqual(vector.outputs);
        });
      }
    });
  }
});

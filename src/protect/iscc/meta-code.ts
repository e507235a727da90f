/**
 * Meta-Code: a similarity hash of a work's name and description, or of its name and extended
 * metadata (a JSON object, canonicalised with RFC 8785, or a `data:` URL).
 */
import { AppError } from '../../platform/errors.js';
import { encodeComponent, MT, ST_NONE } from './codec.js';
import { buildDataUrl, parseDataUrl } from './data-url.js';
import { blake3, multihashBlake3 } from './hashers.js';
import { jcsCanonicalBytes, type JsonValue } from './jcs.js';
import { algSimhash } from './simhash.js';
import { pyStrip, slidingWindow, slidingWindowBytes, textClean, textCollapse, textRemoveNewlines, textTrim } from './text-normalize.js';

/** Conformance-critical limits and window sizes of ISO 24138 Meta-Codes. */
export const META_TRIM_NAME = 128;
export const META_TRIM_DESCRIPTION = 4096;
export const META_TRIM_META = 128_000;
const NGRAM_TEXT = 3;
const NGRAM_BYTES = 4;

export type MetaInput = string | { [key: string]: JsonValue };

export interface MetaCodeResult {
  iscc: string;
  /** The normalised name. */
  name: string;
  /** The normalised description, when not empty. */
  description?: string;
  /** The metadata as a `data:` URL, when given. */
  meta?: string;
  /** Multihash (`1e20` + BLAKE3) hex of the metadata payload, or of name and description. */
  metahash: string;
}

/** Normalises a name: cleaned, on one line, cut to 128 UTF-8 bytes. */
export function normalizeName(name: string): string {
  return textTrim(textRemoveNewlines(textClean(name)), META_TRIM_NAME);
}

/** Normalises a description: cleaned (newlines kept), cut to 4096 UTF-8 bytes. */
export function normalizeDescription(description: string): string {
  return textTrim(textClean(description), META_TRIM_DESCRIPTION);
}

function textSimhash(text: string): Uint8Array {
  const ngrams = slidingWindow(Array.from(textCollapse(text)), NGRAM_TEXT);
  return algSimhash(ngrams.map((g) => blake3(Buffer.from(g, 'utf8'))));
}

/**
 * The 256-bit Meta-Hash: the SimHash of the name's character trigrams, or, with non-empty
 * `extra` (text: trigrams; bytes: 4-byte windows), the first halves of both SimHashes
 * interleaved in 32-bit chunks.
 */
export function softHashMetaV0(name: string, extra?: string | Uint8Array | null): Uint8Array {
  const nameHash = textSimhash(name);
  if (extra === undefined || extra === null || extra.length === 0) return nameHash;
  const extraHash =
    typeof extra === 'string' ? textSimhash(extra) : algSimhash(slidingWindowBytes(extra, NGRAM_BYTES).map((w) => blake3(w)));
  const out = new Uint8Array(32);
  for (let i = 0; i < 4; i++) {
    out.set(nameHash.subarray(i * 4, i * 4 + 4), i * 8);
    out.set(extraHash.subarray(i * 4, i * 4 + 4), i * 8 + 4);
  }
  return out;
}

function isEmptyMeta(meta: MetaInput | null | undefined): boolean {
  if (meta === null || meta === undefined) return true;
  return typeof meta === 'string' ? meta === '' : Object.keys(meta).length === 0;
}

/** Meta-Code (ISO 24138 v0) of a name, optional description and optional extended metadata. */
export function genMetaCode(name: string, description?: string | null, meta?: MetaInput | null, bits = 64): MetaCodeResult {
  const normName = normalizeName(name ?? '');
  if (!normName) throw new AppError('invalid_input', 'a Meta-Code needs a name that is not empty after normalisation', { key: 'iscc.name_empty' });
  const normDescription = normalizeDescription(description ?? '');

  let digest: Uint8Array;
  let metahash: string;
  let metaUrl: string | undefined;
  if (!isEmptyMeta(meta)) {
    let payload: Uint8Array;
    if (typeof meta === 'string') {
      payload = parseDataUrl(meta).data;
      metaUrl = meta;
    } else {
      const object = meta as { [key: string]: JsonValue };
      payload = jcsCanonicalBytes(object);
      metaUrl = buildDataUrl('@context' in object ? 'application/ld+json' : 'application/json', payload);
    }
    if (payload.length > META_TRIM_META) {
      throw new AppError('invalid_input', `meta payload is ${payload.length} bytes, above the limit of ${META_TRIM_META} bytes`, { key: 'iscc.meta_too_large', params: { size: payload.length, max: META_TRIM_META } });
    }
    digest = softHashMetaV0(normName, payload);
    metahash = multihashBlake3(blake3(payload));
  } else {
    digest = softHashMetaV0(normName, normDescription);
    const joined = pyStrip(`${normName} ${normDescription}`);
    metahash = multihashBlake3(blake3(Buffer.from(joined, 'utf8')));
  }

  const result: MetaCodeResult = { iscc: 'ISCC:' + encodeComponent(MT.META, ST_NONE, 0, bits, digest), name: normName, metahash };
  if (normDescription) result.description = normDescription;
  if (metaUrl) result.meta = metaUrl;
  return result;
}

/** Text-Code: a similarity hash of plain text (MinHash over xxHash32s of 13-character n-grams). */
import { encodeComponent, MT, ST_CC } from './codec.js';
import { xxh32 } from './hashers.js';
import { algMinhash256 } from './minhash.js';
import { slidingWindow, textCollapse } from './text-normalize.js';

const TEXT_NGRAM_SIZE = 13;

export interface TextCodeResult {
  iscc: string;
  /** Number of code points of the collapsed text. */
  characters: number;
}

/** 256-bit Text-Hash of already collapsed text. */
export function softHashTextV0(collapsed: string): Uint8Array {
  const ngrams = slidingWindow(Array.from(collapsed), TEXT_NGRAM_SIZE);
  return algMinhash256(ngrams.map((g) => xxh32(Buffer.from(g, 'utf8'))));
}

/** Text-Code (ISO 24138 v0) of plain text (markup should be stripped beforehand). */
export function genTextCode(text: string, bits = 64): TextCodeResult {
  const collapsed = textCollapse(text);
  const digest = softHashTextV0(collapsed);
  return { iscc: 'ISCC:' + encodeComponent(MT.CONTENT, ST_CC.TEXT, 0, bits, digest), characters: Array.from(collapsed).length };
}

/** ISCC (ISO 24138) code generation: the public API. */
export {
  MT,
  ST_CC,
  ST_ISCC,
  ST_NONE,
  decodeBase32,
  decodeHeader,
  encodeBase32,
  encodeComponent,
  encodeHeader,
  isccClean,
  isccDecompose,
  type IsccHeader,
} from './codec.js';
export { algSimhash } from './simhash.js';
export { algMinhash, algMinhash256, algMinhash64, algMinhashCompress } from './minhash.js';
export { algCdcChunks, algCdcOffset, algCdcParams, CdcStreamChunker, DATA_AVG_CHUNK_SIZE } from './cdc.js';
export { algDct } from './dct.js';
export { blake3, multihashBlake3, xxh32 } from './hashers.js';
export { jcsCanonicalBytes, jcsCanonicalize, type JsonValue } from './jcs.js';
export { buildDataUrl, parseDataUrl, type ParsedDataUrl } from './data-url.js';
export { textClean, textCollapse, textRemoveNewlines, textTrim } from './text-normalize.js';
export { genMetaCode, normalizeDescription, normalizeName, softHashMetaV0, type MetaCodeResult, type MetaInput } from './meta-code.js';
export { genTextCode, softHashTextV0, type TextCodeResult } from './text-code.js';
export { genImageCode, softHashImageV0, type ImageCodeResult } from './image-code.js';
export { genAudioCode, softHashAudioV0, type AudioCodeResult } from './audio-code.js';
export { algWtaHash, genVideoCode, softHashVideoV0, type VideoCodeResult } from './video-code.js';
export { genMixedCode, softHashCodesV0, type MixedCodeResult } from './mixed-code.js';
export { DataHasher, genDataCode, genDataCodeFromStream, type DataCodeResult } from './data-code.js';
export { genInstanceCode, genInstanceCodeFromStream, InstanceHasher, type InstanceCodeResult } from './instance-code.js';
export { genIsccCode, type IsccCodeResult } from './iscc-code.js';
export { normalizeImagePixels, type RawPixels } from './image-normalize.js';
export {
  DEFAULT_MAX_PIXELS,
  fileDataAndInstance,
  imageFilePixels,
  isccForImageFile,
  type ImageFileIscc,
  type ImageFileIsccOptions,
} from './image-file.js';

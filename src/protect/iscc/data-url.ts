/** `data:` URLs (RFC 2397) for Meta-Code metadata: parse to bytes, build from bytes. */
import { AppError } from '../../platform/errors.js';

export interface ParsedDataUrl {
  /** Media type with its parameters, e.g. `application/json;charset=utf-8` (may be empty). */
  mediaType: string;
  data: Uint8Array;
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** Decodes a `data:` URL's payload (base64 or percent-encoded). */
export function parseDataUrl(url: string): ParsedDataUrl {
  const comma = url.indexOf(',');
  if (!/^data:/i.test(url) || comma < 0) {
    throw new AppError('invalid_input', 'meta must be a data: URL like "data:application/json;base64,eyJ..." or a JSON object', { key: 'iscc.meta_invalid' });
  }
  let header = url.slice(5, comma);
  const payload = url.slice(comma + 1);
  const isBase64 = /;base64$/i.test(header);
  if (isBase64) header = header.slice(0, -7);
  if (!isBase64) return { mediaType: header, data: new Uint8Array(Buffer.from(decodeURIComponentBytes(payload))) };
  const compact = payload.replace(/\s+/g, '');
  if (!BASE64.test(compact)) throw new AppError('invalid_input', 'meta data: URL has invalid base64 after ";base64,"', { key: 'iscc.meta_invalid' });
  return { mediaType: header, data: new Uint8Array(Buffer.from(compact, 'base64')) };
}

/** Percent-decodes to bytes (a `%xx` may be any byte, not only UTF-8). */
function decodeURIComponentBytes(text: string): Uint8Array {
  const out: number[] = [];
  const utf8 = Buffer.from(text, 'utf8');
  for (let i = 0; i < utf8.length; i++) {
    const b = utf8[i]!;
    const hex = b === 0x25 ? utf8.subarray(i + 1, i + 3).toString('latin1') : '';
    if (/^[0-9a-fA-F]{2}$/.test(hex)) {
      out.push(parseInt(hex, 16));
      i += 2;
    } else out.push(b);
  }
  return new Uint8Array(out);
}

/** A base64 `data:` URL of bytes with the given media type. */
export function buildDataUrl(mediaType: string, data: Uint8Array): string {
  return `data:${mediaType};base64,${Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64')}`;
}

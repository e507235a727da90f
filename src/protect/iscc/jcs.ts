/**
 * JSON Canonicalization Scheme (RFC 8785), small enough to own: RFC 8785 defines its number
 * form as ECMAScript's `Number.prototype.toString` and its string escaping as `JSON.stringify`'s,
 * so JavaScript already formats both; what is left is sorting keys by UTF-16 code units (the
 * default `Array.prototype.sort` order) and refusing what JSON cannot carry.
 */
import { AppError } from '../../platform/errors.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

const LONE_SURROGATE = /\p{Cs}/u;

function serialise(value: JsonValue, path: string): string {
  if (value === null || typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new AppError('invalid_input', `${path}: ${value} cannot be written as JSON`, { key: 'iscc.json_value', params: { path } });
    return JSON.stringify(value); // "-0" becomes "0", as RFC 8785 requires
  }
  if (typeof value === 'string') {
    if (LONE_SURROGATE.test(value)) throw new AppError('invalid_input', `${path}: string holds an unpaired surrogate`, { key: 'iscc.json_value', params: { path } });
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v, i) => serialise(v, `${path}[${i}]`)).join(',')}]`;
  if (typeof value === 'object') {
    const keys = Object.keys(value).filter((k) => value[k] !== undefined).sort();
    return `{${keys.map((k) => `${serialise(k, path)}:${serialise(value[k]!, `${path}.${k}`)}`).join(',')}}`;
  }
  throw new AppError('invalid_input', `${path}: a ${typeof value} cannot be written as JSON`, { key: 'iscc.json_value', params: { path } });
}

/** The RFC 8785 canonical JSON text of a value. */
export function jcsCanonicalize(value: JsonValue): string {
  return serialise(value, '$');
}

/** The RFC 8785 canonical JSON of a value as UTF-8 bytes. */
export function jcsCanonicalBytes(value: JsonValue): Uint8Array {
  return new Uint8Array(Buffer.from(jcsCanonicalize(value), 'utf8'));
}

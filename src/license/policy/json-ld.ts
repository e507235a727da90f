// Small readers for compact JSON-LD as people write it: one value for a one-element array, IRIs as
// strings or node objects, value objects for literals.
import type { IssueSink, Party } from './policy.schema.js';

export type Json = Record<string, unknown>;

/** True for a plain JSON object. */
export const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** JSON-LD lets one value stand for a one-element array. */
export const asArray = (value: unknown): unknown[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]);

/** The members of an array or of a JSON-LD list object (`{"@list": [...]}`). */
export const listOf = (value: unknown): unknown[] => (isObject(value) && Array.isArray(value['@list']) ? value['@list'] : asArray(value));

/** The value a JSON-LD value object (`{"@value": "120.00", "@type": "xsd:decimal"}`) or node reference stands for. */
export const plain = (value: unknown): unknown => (isObject(value) ? (value['@value'] ?? value['@id'] ?? value) : value);

/** The IRI of a JSON-LD node written as a string or as `{"@id": …}` / `{"uid": …}`. */
export const iriOf = (value: unknown): string | null =>
  typeof value === 'string' ? value : isObject(value) ? (typeof value['@id'] === 'string' ? value['@id'] : typeof value.uid === 'string' ? value.uid : null) : null;

/** A party given as an IRI or as `{"uid": …, "@type": "Party"}`. */
export function parseParty(value: unknown, path: string, report: IssueSink): Party | undefined {
  if (value === undefined) return undefined;
  const uid = iriOf(value);
  if (!uid) {
    report(path, 'bad_party', `"${path}" must be an IRI or an object with a "uid"`);
    return undefined;
  }
  const name = isObject(value) && typeof value.name === 'string' ? value.name : undefined;
  return name ? { uid, name } : { uid };
}

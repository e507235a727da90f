// RFC 8785 JSON Canonicalization Scheme. ECMAScript's own number and string serialisation is what the RFC
// specifies, so JSON.stringify does the leaves; this adds key sorting (by UTF-16 code units) and rejects
// what I-JSON cannot carry.

/** RFC 8785 (JCS) canonical JSON, for hashing Agreements into the transparency log. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} is not a JSON number`);
    return JSON.stringify(value);
  }
  if (typeof value === 'string') {
    if (/\p{Cs}/u.test(value)) throw new TypeError('canonicalJson: lone surrogate in a string');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  if (typeof value === 'object') {
    // Default sort compares UTF-16 code units, which is the order RFC 8785 §3.2.3 requires.
    const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined).sort();
    return `{${keys.map((k) => `${canonicalJson(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  throw new TypeError(`canonicalJson: a ${typeof value} is not JSON`);
}

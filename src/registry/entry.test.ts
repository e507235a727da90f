import { describe, expect, it } from 'vitest';
import { decodeEntry, encodeEntry, EntryFormatError, type RegistryEntry } from './entry.js';

const entry: RegistryEntry = {
  contentSha256: 'a'.repeat(64),
  registrant: `ed25519:${'0123456789abcdef'.repeat(2)}`,
  role: 'author',
  termsSha256: null,
  fingerprints: ['pdq:' + 'f'.repeat(64)],
  acceptedAt: 1_795_360_000,
};

describe('registry entry encoding', () => {
  it('encodes to the documented canonical text and decodes back', () => {
    const bytes = encodeEntry(entry);
    expect(new TextDecoder().decode(bytes)).toBe(
      `wenyuan.registry.entry/v1\ncontent sha256:${'a'.repeat(64)}\nregistrant ed25519:${'0123456789abcdef'.repeat(2)}\nrole author\nterms none\nfingerprint pdq:${'f'.repeat(64)}\naccepted 1795360000\n`,
    );
    expect(decodeEntry(bytes)).toEqual(entry);
    const withTerms = { ...entry, termsSha256: 'b'.repeat(64), fingerprints: [] };
    expect(decodeEntry(encodeEntry(withTerms))).toEqual(withTerms);
  });

  it.each([
    ['no final newline', (t: string) => t.slice(0, -1), /end with a newline/],
    ['wrong header', (t: string) => t.replace('entry/v1', 'entry/v2'), /line 1/],
    ['upper-case hash', (t: string) => t.replace('a'.repeat(64), 'A'.repeat(64)), /lower-case sha256/],
    ['lines swapped', (t: string) => t.replace(/(role author)\n(terms none)/, '$2\n$1'), /expected "role/],
    ['extra line', (t: string) => t + 'note hello\n', /unexpected/],
    ['leading zero time', (t: string) => t.replace('accepted 1795360000', 'accepted 01795360000'), /leading zeros/],
    ['unknown role', (t: string) => t.replace('role author', 'role thief'), /role must be/],
    ['CRLF', (t: string) => t.replaceAll('\n', '\r\n'), /./],
  ])('rejects %s', (_name, mutate, message) => {
    const text = mutate(new TextDecoder().decode(encodeEntry(entry)));
    expect(() => decodeEntry(new TextEncoder().encode(text))).toThrow(EntryFormatError);
    expect(() => decodeEntry(new TextEncoder().encode(text))).toThrow(message);
  });

  it('refuses to encode invalid fields', () => {
    expect(() => encodeEntry({ ...entry, registrant: 'bob' })).toThrow(/registrant/);
    expect(() => encodeEntry({ ...entry, acceptedAt: -1 })).toThrow(/accepted/);
    expect(() => encodeEntry({ ...entry, fingerprints: ['bad fingerprint'] })).toThrow(/fingerprint/);
  });
});

import { describe, expect, it } from 'vitest';
import { commitmentsOf, commitTo, openingMismatch, type EntryOpening } from './commitment.js';
import { nodeCrypto } from './crypto-node.js';
import { decodeEntry, encodeEntry, EntryFormatError, type EntryInput } from './entry.js';

const entry: EntryInput = {
  contentSha256: 'a'.repeat(64),
  registrant: `ed25519:${'0123456789abcdef'.repeat(2)}`,
  role: 'author',
  termsSha256: null,
  fingerprints: ['pdq:' + 'f'.repeat(64)],
  acceptedAt: 1_795_360_000,
};
const v1 = { version: 1, registrationId: null, workId: null, sealed: null };
const text = (e: EntryInput) => new TextDecoder().decode(encodeEntry(e));
const decodeText = (t: string) => decodeEntry(new TextEncoder().encode(t));

const opening: EntryOpening = { salt: '5a'.repeat(32), contentSha256: 'a'.repeat(64), termsSha256: 'b'.repeat(64), fingerprints: ['pdq:' + 'f'.repeat(64), 'iscc:KEC'] };

describe('registry entry encoding', () => {
  it('encodes version 1 to the documented canonical text and decodes back', () => {
    expect(text(entry)).toBe(
      `wenyuan.registry.entry/v1\ncontent sha256:${'a'.repeat(64)}\nregistrant ed25519:${'0123456789abcdef'.repeat(2)}\nrole author\nterms none\nfingerprint pdq:${'f'.repeat(64)}\naccepted 1795360000\n`,
    );
    expect(decodeEntry(encodeEntry(entry))).toEqual({ ...entry, ...v1 });
    const withTerms = { ...entry, termsSha256: 'b'.repeat(64), fingerprints: [] };
    expect(decodeEntry(encodeEntry(withTerms))).toEqual({ ...withTerms, ...v1 });
  });

  it('encodes version 2 with the registration and work it binds, and decodes back', () => {
    const v2 = { ...entry, registrationId: '01jf3kabcdefghjkmnpqrstvwx', workId: '01jf2zabcdefghjkmnpqrstvwx' };
    expect(text(v2)).toBe(
      `wenyuan.registry.entry/v2\nregistration 01jf3kabcdefghjkmnpqrstvwx\nwork 01jf2zabcdefghjkmnpqrstvwx\ncontent sha256:${'a'.repeat(64)}\nregistrant ed25519:${'0123456789abcdef'.repeat(2)}\nrole author\nterms none\nfingerprint pdq:${'f'.repeat(64)}\naccepted 1795360000\n`,
    );
    expect(decodeEntry(encodeEntry(v2))).toEqual({ ...v2, version: 2, sealed: null });
    const document = { ...v2, workId: null, fingerprints: [] };
    expect(text(document)).toContain('\nwork none\n');
    expect(decodeEntry(encodeEntry(document))).toEqual({ ...document, version: 2, sealed: null });
  });

  it('seals the hashes of a private entry: commitments only, which the salt opens', async () => {
    const sealed = await commitmentsOf(nodeCrypto, opening);
    const v2 = { ...entry, contentSha256: null, termsSha256: null, fingerprints: [], registrationId: 'r1', workId: 'w1', sealed };
    const t = text(v2);
    expect(t).toBe(
      `wenyuan.registry.entry/v2\nregistration r1\nwork w1\ncontent commit:${sealed.content}\nregistrant ed25519:${'0123456789abcdef'.repeat(2)}\nrole author\nterms commit:${sealed.terms}\nfingerprints commit:${sealed.fingerprints}\naccepted 1795360000\n`,
    );
    for (const secret of ['a'.repeat(64), 'b'.repeat(64), 'f'.repeat(64), 'KEC']) expect(t).not.toContain(secret);
    expect(decodeText(t)).toEqual({ ...v2, version: 2 });
    expect(await openingMismatch(nodeCrypto, sealed, opening)).toBeNull();
    expect(await openingMismatch(nodeCrypto, sealed, { ...opening, contentSha256: 'c'.repeat(64) })).toBe('content');
    expect(await openingMismatch(nodeCrypto, sealed, { ...opening, salt: '5b'.repeat(32) })).toBe('content');
    expect(await openingMismatch(nodeCrypto, sealed, { ...opening, fingerprints: opening.fingerprints.slice(0, 1) })).toBe('fingerprints');
    expect(await openingMismatch(nodeCrypto, sealed, { ...opening, fingerprints: [opening.fingerprints.join('\n')] })).toMatch(/fingerprints/);
    expect(await openingMismatch(nodeCrypto, sealed, { ...opening, termsSha256: null })).toMatch(/no(ne)?/);
    // Each field has its own domain: the same value under the same salt commits differently per field.
    const salt = new Uint8Array(32).fill(7);
    expect(await commitTo(nodeCrypto, salt, 'content', 'x')).not.toBe(await commitTo(nodeCrypto, salt, 'terms', 'x'));
  });

  it.each([
    ['no final newline', (t: string) => t.slice(0, -1), /end with a newline/],
    ['wrong header', (t: string) => t.replace('entry/v1', 'entry/v3'), /line 1/],
    ['upper-case hash', (t: string) => t.replace('a'.repeat(64), 'A'.repeat(64)), /lower-case sha256/],
    ['lines swapped', (t: string) => t.replace(/(role author)\n(terms none)/, '$2\n$1'), /expected "role/],
    ['extra line', (t: string) => t + 'note hello\n', /unexpected/],
    ['leading zero time', (t: string) => t.replace('accepted 1795360000', 'accepted 01795360000'), /leading zeros/],
    ['unknown role', (t: string) => t.replace('role author', 'role thief'), /role must be/],
    ['CRLF', (t: string) => t.replaceAll('\n', '\r\n'), /./],
    ['a version 1 entry with a commitment', (t: string) => t.replace('content sha256:', 'content commit:'), /content must be/],
    ['a version 1 header on a version 2 body', (t: string) => t.replace('content sha256', 'registration r1\nwork none\ncontent sha256'), /expected "content/],
  ])('rejects %s', (_name, mutate, message) => {
    const t = mutate(text(entry));
    expect(() => decodeText(t)).toThrow(EntryFormatError);
    expect(() => decodeText(t)).toThrow(message);
  });

  it.each([
    ['a sealed entry with a plain fingerprint', (t: string) => t.replace(/fingerprints commit:\S+/, `fingerprint pdq:${'f'.repeat(64)}`), /fingerprints/],
    ['a sealed entry with plain terms', (t: string) => t.replace(/terms commit:\S+/, `terms sha256:${'b'.repeat(64)}`), /terms/],
    ['a public entry with a committed fingerprint list', (t: string) => t.replace(/content commit:/, `content sha256:`), /./],
    ['a bad work id', (t: string) => t.replace('work w1', 'work w 1'), /work/],
    ['no work line', (t: string) => t.replace('work w1\n', ''), /expected "work/],
  ])('rejects version 2: %s', async (_name, mutate, message) => {
    const sealed = await commitmentsOf(nodeCrypto, opening);
    const t = mutate(text({ ...entry, contentSha256: null, termsSha256: null, fingerprints: [], registrationId: 'r1', workId: 'w1', sealed }));
    expect(() => decodeText(t)).toThrow(EntryFormatError);
    expect(() => decodeText(t)).toThrow(message);
  });

  it('refuses to encode invalid fields', () => {
    expect(() => encodeEntry({ ...entry, registrant: 'bob' })).toThrow(/registrant/);
    expect(() => encodeEntry({ ...entry, acceptedAt: -1 })).toThrow(/accepted/);
    expect(() => encodeEntry({ ...entry, fingerprints: ['bad fingerprint'] })).toThrow(/fingerprint/);
    expect(() => encodeEntry({ ...entry, workId: 'w1' })).toThrow(/version 2/);
    expect(() => encodeEntry({ ...entry, registrationId: 'r1' })).toThrow(/names its work/);
    expect(() => encodeEntry({ ...entry, registrationId: 'r1', workId: 'none' })).toThrow(/not "none"/);
    expect(() => encodeEntry({ ...entry, registrationId: 'r1', workId: null, sealed: { content: 'a'.repeat(64), terms: null, fingerprints: 'b'.repeat(64) } })).toThrow(/commitments instead/);
  });
});

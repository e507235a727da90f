import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from './base64.js';
import { nodeCrypto } from './crypto-node.js';
import {
  MAX_NOTE_BYTES, MAX_SIGNATURES, TlogError, computeKeyId, formatNote, formatSignatureLine, generateKey,
  parseNote, parseSignatureLines, parseSignerKey, parseVerifierKey, signNote, verifyNote,
  type NoteSignature, type NoteVerifier,
} from './signed-note.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const EXAMPLES = path.resolve(repoRoot, '../shared/data/registry-vectors/c2sp/examples');
const haveExamples = existsSync(EXAMPLES);
if (!haveExamples) console.warn(`C2SP example notes not found at ${EXAMPLES}: their tests are skipped`);
const example = (name: string) => readFileSync(path.join(EXAMPLES, name), 'utf8');

const SIG = 'Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=';
const TEXT = 'This is an example message.\n';
const NOTE = `${TEXT}\n— example.com/foo ${SIG}\n`;
const VKEY = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';

const rejects = async (promise: Promise<unknown>, code: string, message: string | RegExp) => {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(TlogError);
  expect((error as TlogError).code).toBe(code);
  if (typeof message === 'string') expect((error as TlogError).message).toBe(message);
  else expect((error as TlogError).message).toMatch(message);
};
const throwsSync = (fn: () => unknown, code: string, message: string) =>
  rejects(Promise.resolve().then(fn), code, message);

describe.skipIf(!haveExamples)('C2SP signed-note examples (../shared/data/registry-vectors)', () => {
  it('verifies example.com/foo with its vkey, and the files match the spec text', async () => {
    expect(example('signed-note-example-com-foo.note')).toBe(NOTE);
    const vkey = example('signed-note-example-com-foo.vkey').trim();
    const verifier = await parseVerifierKey(vkey, nodeCrypto);
    expect(verifier.verifierKey).toBe(vkey);
    const opened = await verifyNote(example('signed-note-example-com-foo.note'), [verifier]);
    expect(opened.text).toBe(TEXT);
    expect(opened.verifiedNames).toEqual(['example.com/foo']);
    expect(opened.verified[0]!.keyId).toBe(0x530d903a);
    expect(opened.unknown).toEqual([]);
  });

  it('parses the quasimodo note (UTF-8 text with an inner blank line) and rejects it without its key', async () => {
    const note = parseNote(example('signed-note-quasimodo.note'));
    expect(note.text).toBe('Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n');
    expect(note.signatures).toHaveLength(1);
    expect(note.signatures[0]).toMatchObject({ name: 'quasimodo.example/salvatore', keyId: 0x367ba04b });
    expect(formatNote(note)).toBe(example('signed-note-quasimodo.note'));
    const foo = await parseVerifierKey(VKEY, nodeCrypto);
    await rejects(verifyNote(example('signed-note-quasimodo.note'), [foo]), 'note_unverified',
      'no signature from a known key (known: example.com/foo)');
  });
});

describe('verifyNote', () => {
  it('fails after changing one byte of the text', async () => {
    const foo = await parseVerifierKey(VKEY, nodeCrypto);
    await rejects(verifyNote(NOTE.replace('example message', 'example massage'), [foo]), 'note_unverified',
      'signature by example.com/foo does not verify');
  });

  it('fails after changing one byte of the signature, or of its key ID', async () => {
    const foo = await parseVerifierKey(VKEY, nodeCrypto);
    const raw = decodeBase64(SIG)!;
    raw[40] = raw[40]! ^ 1;
    await rejects(verifyNote(NOTE.replace(SIG, encodeBase64(raw)), [foo]), 'note_unverified', 'signature by example.com/foo does not verify');
    const other = decodeBase64(SIG)!;
    other[0] = other[0]! ^ 1; // key ID no longer matches: an unknown key, so nothing verifies
    await rejects(verifyNote(NOTE.replace(SIG, encodeBase64(other)), [foo]), 'note_unverified', /^no signature from a known key/);
  });

  it('fails with another key of the same name (different key ID), or a forged verifier with the same ID', async () => {
    const pair = await generateKey('example.com/foo', nodeCrypto);
    const stranger = await parseVerifierKey(pair.verifierKey, nodeCrypto);
    expect(stranger.keyId).not.toBe(0x530d903a);
    await rejects(verifyNote(NOTE, [stranger]), 'note_unverified', 'no signature from a known key (known: example.com/foo)');
    const collide: NoteVerifier = { name: 'example.com/foo', keyId: 0x530d903a, verify: stranger.verify };
    await rejects(verifyNote(NOTE, [collide]), 'note_unverified', 'signature by example.com/foo does not verify');
  });

  it('ignores signatures by unknown keys, even with a known name or a known key ID', async () => {
    const foo = await parseVerifierKey(VKEY, nodeCrypto);
    const sameId = encodeBase64(Uint8Array.of(0x53, 0x0d, 0x90, 0x3a, ...new Uint8Array(64)));
    const note = `${NOTE}— example.com/bar ${sameId}\n— example.com/foo AAAAAAE=\n`;
    const opened = await verifyNote(note, [foo]);
    expect(opened.verifiedNames).toEqual(['example.com/foo']);
    expect(opened.unknown.map((s) => s.name)).toEqual(['example.com/bar', 'example.com/foo']);
  });

  it('applies requireAll, requireAny and quorum, naming what is missing', async () => {
    const keys = await Promise.all(['a.example/1', 'b.example/2', 'c.example/3'].map((n) => generateKey(n, nodeCrypto)));
    const signers = await Promise.all(keys.map((k) => parseSignerKey(k.signerKey, nodeCrypto)));
    const verifiers = await Promise.all(keys.map((k) => parseVerifierKey(k.verifierKey, nodeCrypto)));
    const note = await signNote('two of three\n', signers.slice(0, 2));
    expect((await verifyNote(note, verifiers, { quorum: 2, requireAll: ['a.example/1'] })).verifiedNames)
      .toEqual(['a.example/1', 'b.example/2']);
    await rejects(verifyNote(note, verifiers, { quorum: 3 }), 'note_unverified',
      'signatures from 2 of the required 3 keys verified (missing: c.example/3)');
    await rejects(verifyNote(note, verifiers, { requireAll: ['c.example/3'] }), 'note_unverified', 'no signature from key c.example/3');
    await rejects(verifyNote(note, verifiers, { requireAny: ['c.example/3'], role: 'log' }), 'note_unverified',
      'no signature from log key c.example/3');
  });

  it('rejects verifier lists and policies that cannot work', async () => {
    const foo = await parseVerifierKey(VKEY, nodeCrypto);
    await rejects(verifyNote(NOTE, []), 'policy_invalid', 'no verifier keys given');
    await rejects(verifyNote(NOTE, [foo, foo]), 'policy_invalid', 'two verifier keys share the name and key ID example.com/foo+530d903a');
    await rejects(verifyNote(NOTE, [foo], { quorum: 2 }), 'policy_invalid', 'quorum 2 must be a whole number from 1 to the 1 key names given');
    await rejects(verifyNote(NOTE, [foo], { requireAll: ['x'] }), 'policy_invalid', 'required key x is not among the verifier keys');
  });

  it('verifies every signature by a known key, including a repeated one', async () => {
    const foo = await parseVerifierKey(VKEY, nodeCrypto);
    const bad = decodeBase64(SIG)!;
    bad[10] = bad[10]! ^ 0x80;
    await rejects(verifyNote(`${NOTE}— example.com/foo ${encodeBase64(bad)}\n`, [foo]), 'note_unverified',
      'signature by example.com/foo does not verify');
  });
});

describe('keys', () => {
  // From the documentation of golang.org/x/mod/sumdb/note (BSD-3-Clause): the signer-key format we adopt.
  const GO_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
  const GO_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
  const GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
  const GO_NOTE = `${GO_TEXT}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

  it('reads Go note signer keys and signs exactly as Go does', async () => {
    const signer = await parseSignerKey(GO_SKEY, nodeCrypto);
    expect(signer.verifierKey).toBe(GO_VKEY);
    expect(await signNote(GO_TEXT, [signer])).toBe(GO_NOTE);
    expect((await verifyNote(GO_NOTE, [await parseVerifierKey(GO_VKEY, nodeCrypto)])).verifiedNames).toEqual(['PeterNeumann']);
  });

  it('computes key IDs as SHA-256(name ‖ 0x0A ‖ type ‖ key)[:4]', async () => {
    const key = decodeBase64('AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k')!.slice(1);
    expect(await computeKeyId('example.com/foo', 1, key, nodeCrypto)).toBe(0x530d903a);
  });

  it('round-trips generate → sign → format → parse → verify, with a Unicode name and text', async () => {
    const pair = await generateKey('文渊.example/登记册', nodeCrypto);
    expect(pair.signerKey).toMatch(/^PRIVATE\+KEY\+文渊\.example\/登记册\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
    const signer = await parseSignerKey(pair.signerKey, nodeCrypto);
    expect(signer.verifierKey).toBe(pair.verifierKey);
    const text = '《兰亭集序》\n永和九年，岁在癸丑 🖌\n\n暮春之初。\n';
    const note = await signNote(text, [signer]);
    const parsed = parseNote(note);
    expect(parsed.text).toBe(text);
    expect(formatNote(parsed)).toBe(note);
    const opened = await verifyNote(new TextEncoder().encode(note), [await parseVerifierKey(pair.verifierKey, nodeCrypto)]);
    expect(opened.verifiedNames).toEqual(['文渊.example/登记册']);
  });

  it('is deterministic for a given seed', async () => {
    const seed = new Uint8Array(32).fill(7);
    expect(await generateKey('x.example', nodeCrypto, { seed })).toEqual(await generateKey('x.example', nodeCrypto, { seed }));
  });

  it.each<[string, string]>([
    ['example.com/foo', 'verifier key must look like <name>+<8 hex key ID>+<base64 key>'],
    ['example.com/foo+530d903a', 'verifier key must look like <name>+<8 hex key ID>+<base64 key>'],
    ['+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k', 'verifier key: key name is empty'],
    ['example.com/f oo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k', 'verifier key: key name contains a space'],
    ['example.com/foo+530D903A+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k', 'verifier key for example.com/foo: key ID must be 8 lowercase hex digits'],
    ['example.com/foo+530d903+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k', 'verifier key for example.com/foo: key ID must be 8 lowercase hex digits'],
    ['example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2', 'verifier key for example.com/foo: key must be canonical base64 of a type byte and key bytes'],
    ['example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k', 'verifier key ID 530d903b for example.com/foo does not match its key (expected 530d903a)'],
    ['example.com/foo+530d903a+BOkyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k', 'verifier key for example.com/foo has signature type 0x04 (a tlog-cosignature/v1 witness key), expected 0x01 (an Ed25519 note key)'],
    ['example.com/foo+530d903a+AukyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k', 'verifier key for example.com/foo has signature type 0x02, expected 0x01 (an Ed25519 note key)'],
    ['example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv', 'verifier key for example.com/foo must hold 32 key bytes, not 29'],
  ])('rejects vkey %s', (vkey, message) => rejects(parseVerifierKey(vkey, nodeCrypto), 'key_malformed', message));

  it.each<[string, string]>([
    ['PRIVATE+KEYS+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz', 'signer key must start with PRIVATE+KEY+'],
    ['PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz', 'signer key must start with PRIVATE+KEY+'],
    ['PRIVATE+KEY+PeterNeumann+c74f20a4+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz', 'signer key ID c74f20a4 for PeterNeumann does not match its key (expected c74f20a3)'],
    ['PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKD', 'signer key for PeterNeumann: key must be canonical base64 of a type byte and key bytes'],
    ['PRIVATE+KEY+PeterNeumann+c74f20a3+BIEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz', 'signer key for PeterNeumann has signature type 0x04 (a tlog-cosignature/v1 witness key), expected 0x01 (an Ed25519 note key)'],
  ])('rejects signer key %#, never echoing the secret', async (skey, message) => {
    await rejects(parseSignerKey(skey, nodeCrypto), 'key_malformed', message);
  });

  it('rejects names it cannot use', async () => {
    await rejects(generateKey('a\u3000b', nodeCrypto), 'key_malformed', 'cannot generate a key: key name contains a space (U+3000)');
    await rejects(generateKey('a+b', nodeCrypto), 'key_malformed', 'cannot generate a key: key name contains a plus sign (U+002B)');
    await rejects(generateKey('x'.repeat(256), nodeCrypto), 'key_malformed', 'key name is longer than 255 bytes');
    await rejects(generateKey('ok', nodeCrypto, { type: 2 }), 'key_malformed', 'cannot generate keys of signature type 0x02');
  });
});

const sigLine = (name = 'example.com/foo', sig = SIG) => `— ${name} ${sig}\n`;
const line2 = (name: string) => `${TEXT}\n${sigLine()}${sigLine(name)}`;

describe('parseNote rejects malformed notes', () => {
  it.each<[string, string | Uint8Array, string]>([
    ['no blank line', `${TEXT}${sigLine()}`, 'note has no blank line between its text and its signatures'],
    ['unsigned text', 'a\nb\n', 'note has no blank line between its text and its signatures'],
    ['no signatures after the blank line', `${TEXT}\n`, 'note has no signature lines after its last blank line'],
    ['a blank line after the signatures', `${NOTE}\n`, 'note has no signature lines after its last blank line'],
    ['no final newline', NOTE.slice(0, -1), 'note must end with a newline'],
    ['CRLF line endings', NOTE.replaceAll('\n', '\r\n'), 'note line 1 ends in CR (U+000D): lines must end in LF alone'],
    ['a CR in the signatures', `${TEXT}\n— example.com/foo ${SIG}\r\n`, 'note line 3 ends in CR (U+000D): lines must end in LF alone'],
    ['a tab', `a\tb\n${NOTE}`, 'note line 1 contains control character U+0009; only newline is allowed'],
    ['a NUL', `a\n\0\n\n${sigLine()}`, 'note line 2 contains control character U+0000; only newline is allowed'],
    ['a lone surrogate', `a\ud800b\n\n${sigLine()}`, 'note line 1 is not valid Unicode (lone surrogate)'],
    ['invalid UTF-8', Uint8Array.of(0x61, 0xff, 0x0a, 0x0a), 'note is not valid UTF-8'],
    ['a hyphen for the em dash', `${TEXT}\n- example.com/foo ${SIG}\n`, 'signature line 1 must start with an em dash (U+2014) and a space'],
    ['an en dash', `${TEXT}\n– example.com/foo ${SIG}\n`, 'signature line 1 must start with an em dash (U+2014) and a space'],
    ['no space after the dash', `${TEXT}\n—example.com/foo ${SIG}\n`, 'signature line 1 must start with an em dash (U+2014) and a space'],
    ['no space before the signature', `${TEXT}\n— example.com/foo\n`, 'signature line 1 has no space between the key name and the signature'],
    ['a space in the name', line2('example.com/f oo'), 'signature line 2: key name contains a space'],
    ['an ideographic space in the name', line2('文渊\u3000日志'), 'signature line 2: key name contains a space (U+3000)'],
    ['a no-break space in the name', line2('a\u00a0b'), 'signature line 2: key name contains a space (U+00A0)'],
    ['a plus in the name', line2('a+b'), 'signature line 2: key name contains a plus sign (U+002B)'],
    ['an empty name', `${TEXT}\n—  ${SIG}\n`, 'signature line 1: key name is empty'],
    ['an empty signature', `${TEXT}\n— example.com/foo \n`, 'signature line 1: signature is empty'],
    ['non-base64', `${TEXT}\n— example.com/foo ${SIG.replace('U', '!')}\n`, 'signature line 1: signature is not canonical base64'],
    ['unpadded base64', `${TEXT}\n— example.com/foo ${SIG.slice(0, -1)}\n`, 'signature line 1: signature is not canonical base64'],
    ['non-canonical base64', `${TEXT}\n— example.com/foo ${SIG.replace('aQM=', 'aQN=')}\n`, 'signature line 1: signature is not canonical base64'],
    ['a signature of only a key ID', `${TEXT}\n— example.com/foo Uw2QOg==\n`, 'signature line 1: signature is shorter than 5 bytes (a 4-byte key ID, then the signature)'],
    ['101 signatures', `${TEXT}\n${sigLine().repeat(101)}`, 'more than 100 signatures'],
    ['more than 1 MiB', `${'x'.repeat(MAX_NOTE_BYTES)}\n\n${sigLine()}`, 'note is larger than 1048576 bytes'],
    ['more than 1 MiB of UTF-8', `${'文'.repeat(MAX_NOTE_BYTES / 3)}\n\n${sigLine()}`, 'note is larger than 1048576 bytes'],
  ])('%s', (_label, input, message) => throwsSync(() => parseNote(input), 'note_malformed', message));

  it('accepts 100 signatures, empty text lines and a signature-like line inside the text', () => {
    expect(parseNote(`${TEXT}\n${sigLine().repeat(MAX_SIGNATURES)}`).signatures).toHaveLength(100);
    const tricky = `a\n\n${sigLine()}\n— b.example/x AAAAAAE=\n`;
    expect(parseNote(tricky)).toMatchObject({ text: `a\n\n${sigLine()}`, signatures: [{ name: 'b.example/x', keyId: 0 }] });
    expect(parseNote(`\n\n${sigLine()}`).text).toBe('\n');
  });
});

describe('formatting and signing', () => {
  it('signNote rejects text that cannot be a note', async () => {
    const pair = await generateKey('a.example', nodeCrypto);
    const signer = await parseSignerKey(pair.signerKey, nodeCrypto);
    await rejects(signNote('no newline', [signer]), 'note_malformed', 'note text must end with a newline');
    await rejects(signNote('crlf\r\n', [signer]), 'note_malformed', 'note text line 1 ends in CR (U+000D): lines must end in LF alone');
    await rejects(signNote('ok\n', []), 'note_malformed', 'a note needs at least one signature');
  });

  it('formatSignatureLine and parseSignatureLines are inverses (a witness response body)', () => {
    const sigs: NoteSignature[] = [
      { name: 'w1.example', keyId: 0xffffffff, signature: Uint8Array.of(1, 2, 3) },
      { name: '见证.example', keyId: 0, signature: new Uint8Array(72) },
    ];
    const body = sigs.map(formatSignatureLine).join('');
    expect(parseSignatureLines(body)).toEqual(sigs);
    expect(() => formatSignatureLine({ name: 'a b', keyId: 1, signature: Uint8Array.of(1) })).toThrow('key name contains a space');
    expect(() => formatSignatureLine({ name: 'a', keyId: 2 ** 32, signature: Uint8Array.of(1) })).toThrow('32-bit unsigned integer');
    expect(() => parseSignatureLines(`${sigLine()}\n${sigLine()}`)).toThrow('signature line 2 is empty');
  });

  it('the Node crypto provider reports malformed keys and signatures as false', async () => {
    expect(await nodeCrypto.ed25519Verify(new Uint8Array(31), Uint8Array.of(1), new Uint8Array(64))).toBe(false);
    expect(await nodeCrypto.ed25519Verify(new Uint8Array(32), Uint8Array.of(1), new Uint8Array(63))).toBe(false);
    expect(await nodeCrypto.ed25519Verify(new Uint8Array(32).fill(0xff), Uint8Array.of(1), new Uint8Array(64))).toBe(false);
  });
});

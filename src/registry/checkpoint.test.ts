import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { encodeBase64, encodeHex } from './base64.js';
import { EMPTY_TREE_ROOT, formatCheckpoint, openCheckpoint, parseCheckpoint, signCheckpoint, type Checkpoint } from './checkpoint.js';
import { nodeCrypto } from './crypto-node.js';
import { TlogError, generateKey, parseNote, parseSignerKey, parseVerifierKey, signNote } from './signed-note.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const EXAMPLES = path.resolve(repoRoot, '../shared/data/registry-vectors/c2sp/examples');
const haveExamples = existsSync(EXAMPLES);
if (!haveExamples) console.warn(`C2SP example notes not found at ${EXAMPLES}: their tests are skipped`);

const ROOT = 'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=';
const BODY = `example.com/behind-the-sofa\n20852163\n${ROOT}\n`;

const rejects = async (promise: Promise<unknown>, code: string, message: string) => {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(TlogError);
  expect(error).toMatchObject({ code, message });
};

async function logKeys(name: string) {
  const pair = await generateKey(name, nodeCrypto);
  return { signer: await parseSignerKey(pair.signerKey, nodeCrypto), verifier: await parseVerifierKey(pair.verifierKey, nodeCrypto) };
}
const checkpoint = (over: Partial<Checkpoint> = {}): Checkpoint =>
  ({ origin: 'registry.example/log', size: 3, rootHash: new Uint8Array(32).fill(9), extensions: [], ...over });

describe.skipIf(!haveExamples)('C2SP tlog-checkpoint example (../shared/data/registry-vectors)', () => {
  it('parses origin, size and root hash, and formats back byte for byte', () => {
    const note = parseNote(readFileSync(path.join(EXAMPLES, 'tlog-checkpoint-behind-the-sofa.note'), 'utf8'));
    expect(note.text).toBe(BODY);
    expect(note.signatures[0]).toMatchObject({ name: 'example.com/behind-the-sofa', keyId: 0x033de0ae });
    const cp = parseCheckpoint(note.text);
    expect(cp.origin).toBe('example.com/behind-the-sofa');
    expect(cp.size).toBe(20852163);
    expect(encodeHex(cp.rootHash)).toBe('0ac5186a91863e8e1d90c808014aa89bf5da8e3ee1d9f07630f0378f68f1ab62');
    expect(cp.extensions).toEqual([]);
    expect(formatCheckpoint(cp)).toBe(note.text);
  });
});

describe('signCheckpoint and openCheckpoint', () => {
  it('round-trips with extension lines and returns every signature', async () => {
    const { signer, verifier } = await logKeys('registry.example/log');
    const cp = checkpoint({ extensions: ['ext 1', '扩展 2'] });
    const note = await signCheckpoint(cp, signer);
    expect(note).toBe(`registry.example/log\n3\n${encodeBase64(cp.rootHash)}\next 1\n扩展 2\n\n— registry.example/log ${note.split(' ').at(-1)}`);
    const opened = await openCheckpoint(note, verifier);
    expect(opened).toMatchObject({ origin: cp.origin, size: 3, rootHash: cp.rootHash, extensions: cp.extensions });
    expect(opened.verified).toHaveLength(1);
    expect(opened.signatures).toHaveLength(1);
  });

  it('accepts the empty tree only with the empty-tree root', async () => {
    const { signer, verifier } = await logKeys('registry.example/log');
    expect(encodeHex(EMPTY_TREE_ROOT)).toBe(encodeHex(await nodeCrypto.sha256(new Uint8Array(0))));
    const opened = await openCheckpoint(await signCheckpoint(checkpoint({ size: 0, rootHash: EMPTY_TREE_ROOT }), signer), verifier);
    expect(opened.size).toBe(0);
    await rejects(signCheckpoint(checkpoint({ size: 0 }), signer), 'checkpoint_malformed',
      'a checkpoint of size 0 must carry the empty-tree root (SHA-256 of the empty string)');
  });

  it('refuses to sign with a key named other than the origin', async () => {
    const { signer } = await logKeys('registry.example/other');
    await rejects(signCheckpoint(checkpoint(), signer), 'checkpoint_malformed',
      'log key name registry.example/other does not match the checkpoint origin registry.example/log');
  });

  it('rejects a tampered checkpoint, a missing log signature and a wrong origin', async () => {
    const { signer, verifier } = await logKeys('registry.example/log');
    const note = await signCheckpoint(checkpoint(), signer);
    await rejects(openCheckpoint(note.replace('\n3\n', '\n4\n'), verifier), 'note_unverified',
      'signature by registry.example/log does not verify');
    const stranger = await logKeys('registry.example/log');
    await rejects(openCheckpoint(note, stranger.verifier), 'note_unverified', 'no signature from log key registry.example/log');
    await rejects(openCheckpoint(note, verifier, { origin: 'registry.example/elsewhere' }), 'checkpoint_wrong_origin',
      'checkpoint origin registry.example/log is not the expected registry.example/elsewhere');
  });

  it('opens checkpoints signed by either key during a rotation', async () => {
    const old = await logKeys('registry.example/log');
    const next = await logKeys('registry.example/log');
    const note = await signCheckpoint(checkpoint(), old.signer);
    expect((await openCheckpoint(note, [next.verifier, old.verifier])).verified[0]!.keyId).toBe(old.verifier.keyId);
  });

  it('a signed note whose text is not a checkpoint is rejected after verification', async () => {
    const { signer, verifier } = await logKeys('registry.example/log');
    await rejects(openCheckpoint(await signNote('hello\n', [signer]), verifier), 'checkpoint_malformed',
      'checkpoint needs at least three lines: origin, tree size and root hash');
  });
});

describe('parseCheckpoint rejects malformed bodies', () => {
  const cp = (origin: string, size: string, root = ROOT, ...ext: string[]) => [origin, size, root, ...ext].join('\n') + '\n';
  it.each<[string, string, string]>([
    ['two lines', 'example.com/log\n1\n', 'checkpoint needs at least three lines: origin, tree size and root hash'],
    ['no final newline', BODY.slice(0, -1), 'checkpoint must end with a newline'],
    ['CRLF', BODY.replaceAll('\n', '\r\n'), 'checkpoint line 1 ends in CR (U+000D): lines must end in LF alone'],
    ['an empty origin', cp('', '1'), 'checkpoint origin line is empty'],
    ['a 256-byte origin', cp('o'.repeat(256), '1'), 'checkpoint origin is longer than 255 bytes'],
    ['a leading zero', cp('o', '01'), 'checkpoint tree size "01" must be a decimal number without leading zeros'],
    ['two zeros', cp('o', '00'), 'checkpoint tree size "00" must be a decimal number without leading zeros'],
    ['a sign', cp('o', '+1'), 'checkpoint tree size "+1" must be a decimal number without leading zeros'],
    ['a negative size', cp('o', '-1'), 'checkpoint tree size "-1" must be a decimal number without leading zeros'],
    ['a space', cp('o', ' 1'), 'checkpoint tree size " 1" must be a decimal number without leading zeros'],
    ['a fraction', cp('o', '1.0'), 'checkpoint tree size "1.0" must be a decimal number without leading zeros'],
    ['hex', cp('o', '0x10'), 'checkpoint tree size "0x10" must be a decimal number without leading zeros'],
    ['full-width digits', cp('o', '１２'), 'checkpoint tree size "１２" must be a decimal number without leading zeros'],
    ['an empty size', cp('o', ''), 'checkpoint tree size "" must be a decimal number without leading zeros'],
    ['2^53', cp('o', '9007199254740992'), 'checkpoint tree size 9007199254740992 is larger than 2^53 - 1'],
    ['2^64', cp('o', '18446744073709551616'), 'checkpoint tree size 18446744073709551616 is larger than 2^53 - 1'],
    ['a 31-byte root', cp('o', '1', encodeBase64(new Uint8Array(31))), 'checkpoint root hash must be the canonical base64 of 32 bytes'],
    ['an unpadded root', cp('o', '1', ROOT.slice(0, -1)), 'checkpoint root hash must be the canonical base64 of 32 bytes'],
    ['a non-canonical root', cp('o', '1', ROOT.replace('2I=', '2J=')), 'checkpoint root hash must be the canonical base64 of 32 bytes'],
    ['a URL-safe root', cp('o', '1', ROOT.replace('/', '_')), 'checkpoint root hash must be the canonical base64 of 32 bytes'],
    ['an empty extension line', cp('o', '1', ROOT, '', 'x'), 'checkpoint extension line 1 is empty'],
    ['a trailing blank line', `${BODY}\n`, 'checkpoint extension line 1 is empty'],
  ])('%s', (_label, text, message) => rejects(Promise.resolve().then(() => parseCheckpoint(text)), 'checkpoint_malformed', message));

  it('keeps the largest safe size and origins with spaces (clients must not assume the URL form)', () => {
    expect(parseCheckpoint(cp('o', '9007199254740991')).size).toBe(Number.MAX_SAFE_INTEGER);
    expect(parseCheckpoint(cp('My Log (2025)', '0')).origin).toBe('My Log (2025)');
  });

  it('formatCheckpoint refuses values that would not read back', () => {
    const bad: [Partial<Checkpoint>, string][] = [
      [{ origin: 'a\nb' }, 'checkpoint origin must be one line'],
      [{ origin: '' }, 'checkpoint origin line is empty'],
      [{ size: -1 }, 'checkpoint tree size -1 must be a whole number from 0 to 2^53 - 1'],
      [{ size: 1.5 }, 'checkpoint tree size 1.5 must be a whole number from 0 to 2^53 - 1'],
      [{ size: 2 ** 53 }, 'checkpoint tree size 9007199254740992 must be a whole number from 0 to 2^53 - 1'],
      [{ rootHash: new Uint8Array(33) }, 'checkpoint root hash must be 32 bytes, not 33'],
      [{ extensions: [''] }, 'checkpoint extension line 1 must be one non-empty line'],
      [{ extensions: ['a', 'b\nc'] }, 'checkpoint extension line 2 must be one non-empty line'],
      [{ origin: 'a\tb' }, 'checkpoint line 1 contains control character U+0009; only newline is allowed'],
    ];
    for (const [over, message] of bad) expect(() => formatCheckpoint(checkpoint(over))).toThrow(message);
  });
});

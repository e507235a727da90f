import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from './base64.js';
import { parseCheckpoint, signCheckpoint, type Checkpoint } from './checkpoint.js';
import {
  addCosignatures, cosignCheckpoint, cosignatureTimestamp, cosignedMessage, generateWitnessKey, parseWitnessSignerKey,
  parseWitnessVerifierKey, verifyCosignature, verifyCosignedCheckpoint, witnessPolicy, witnessVerifier,
} from './cosignature.js';
import { nodeCrypto } from './crypto-node.js';
import {
  TlogError, computeKeyId, formatNote, generateKey, parseNote, parseSignatureLines, parseSignerKey, parseVerifierKey, signNote,
} from './signed-note.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const EXAMPLES = path.resolve(repoRoot, '../shared/data/registry-vectors/c2sp/examples');
const haveExamples = existsSync(EXAMPLES);
if (!haveExamples) console.warn(`C2SP example notes not found at ${EXAMPLES}: their tests are skipped`);

const BODY = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
const NOW = 1_760_000_000;

const rejects = async (promise: Promise<unknown>, code: string, message: string | RegExp) => {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(TlogError);
  expect(error).toMatchObject({ code, message: typeof message === 'string' ? message : expect.stringMatching(message) });
};

async function witness(name: string) {
  const pair = await generateWitnessKey(name, nodeCrypto);
  return { signer: await parseWitnessSignerKey(pair.signerKey, nodeCrypto), verifier: await parseWitnessVerifierKey(pair.verifierKey, nodeCrypto) };
}
async function log() {
  const pair = await generateKey('registry.example/log', nodeCrypto);
  return { signer: await parseSignerKey(pair.signerKey, nodeCrypto), verifier: await parseVerifierKey(pair.verifierKey, nodeCrypto) };
}
const cp: Checkpoint = { origin: 'registry.example/log', size: 5, rootHash: new Uint8Array(32).fill(5), extensions: [] };

describe.skipIf(!haveExamples)('C2SP tlog-cosignature example (../shared/data/registry-vectors)', () => {
  it('parses the log signature and the witness cosignature with its timestamp', () => {
    const note = parseNote(readFileSync(path.join(EXAMPLES, 'tlog-cosignature-behind-the-sofa-with-witness.note'), 'utf8'));
    expect(note.text).toBe(BODY);
    expect(parseCheckpoint(note.text).size).toBe(20852163);
    const [logSig, cosig] = note.signatures;
    expect(logSig).toMatchObject({ name: 'example.com/behind-the-sofa', keyId: 0x033de0ae });
    expect(cosig).toMatchObject({ name: 'witness.example.com/w1', keyId: 0x8d66cf3f });
    expect(cosig!.signature).toHaveLength(72);
    expect(cosignatureTimestamp(cosig!)).toBe(1679315147);
  });
});

describe('cosignature/v1', () => {
  it('signs exactly the message the spec shows', () => {
    expect(new TextDecoder().decode(cosignedMessage(BODY, 1679315147)))
      .toBe(`cosignature/v1\ntime 1679315147\n${BODY}`);
    expect(() => cosignedMessage('not a checkpoint\n', 1)).toThrow('checkpoint needs at least three lines');
    expect(() => cosignedMessage(BODY, -1)).toThrow('cosignature time -1 must be a whole number of seconds');
    expect(() => cosignedMessage(BODY, 1.5)).toThrow('cosignature time 1.5 must be a whole number of seconds');
  });

  it('computes witness key IDs with type 0x04, distinct from the 0x01 ID of the same key', async () => {
    const { verifier } = await witness('witness.example/w1');
    expect(verifier.keyId).toBe(await computeKeyId('witness.example/w1', 0x04, verifier.publicKey, nodeCrypto));
    expect(verifier.keyId).not.toBe(await computeKeyId('witness.example/w1', 0x01, verifier.publicKey, nodeCrypto));
    expect(verifier.verifierKey).toMatch(/^witness\.example\/w1\+[0-9a-f]{8}\+B[A-P]/); // base64 of 0x04 ‖ …
    expect((await witnessVerifier('witness.example/w1', verifier.publicKey, nodeCrypto)).verifierKey).toBe(verifier.verifierKey);
  });

  it('round-trips cosign → line → verify, and fails on another checkpoint, time, or witness', async () => {
    const w1 = await witness('witness.example/w1');
    const w2 = await witness('witness.example/w2');
    const line = await cosignCheckpoint(BODY, w1.signer, NOW);
    expect(line).toMatch(/^— witness\.example\/w1 [A-Za-z0-9+/]{102}==\n$/);
    expect(await verifyCosignature(BODY, line, w1.verifier)).toEqual({ name: 'witness.example/w1', keyId: w1.verifier.keyId, timestamp: NOW });
    await rejects(verifyCosignature(BODY.replace('20852163', '20852164'), line, w1.verifier), 'note_unverified',
      'cosignature by witness.example/w1 does not verify');
    const sig = parseSignatureLines(line)[0]!;
    const later = sig.signature.slice();
    later[7]! += 1;
    await rejects(verifyCosignature(BODY, { ...sig, signature: later }, w1.verifier), 'note_unverified',
      'cosignature by witness.example/w1 does not verify');
    await rejects(verifyCosignature(BODY, line, w2.verifier), 'note_unverified',
      /^cosignature is by witness\.example\/w1\+[0-9a-f]{8}, not by witness key witness\.example\/w2\+[0-9a-f]{8}$/);
  });

  it('rejects malformed cosignatures precisely', async () => {
    const w1 = await witness('witness.example/w1');
    const line = await cosignCheckpoint(BODY, w1.signer, NOW);
    const sig = parseSignatureLines(line)[0]!;
    expect(() => cosignatureTimestamp({ ...sig, signature: sig.signature.subarray(8) }))
      .toThrow('cosignature by witness.example/w1 must hold 72 bytes after the key ID (8-byte time, 64-byte signature), not 64');
    const huge = sig.signature.slice();
    huge.fill(0xff, 0, 8);
    expect(() => cosignatureTimestamp({ ...sig, signature: huge })).toThrow('has a timestamp beyond 2^53 - 1');
    expect(await w1.verifier.verify(new TextEncoder().encode(BODY), huge)).toBe(false);
    await rejects(verifyCosignature(BODY, line + line, w1.verifier), 'cosignature_malformed', 'expected one cosignature line, got 2');
    await rejects(cosignCheckpoint(BODY, w1.signer, 0), 'cosignature_malformed', 'cosignature time must not be 0');
    await rejects(cosignCheckpoint('hello\n', w1.signer, NOW), 'checkpoint_malformed',
      'checkpoint needs at least three lines: origin, tree size and root hash');
  });

  it('keeps witness keys and note keys apart', async () => {
    const w1 = await generateWitnessKey('witness.example/w1', nodeCrypto);
    await rejects(parseVerifierKey(w1.verifierKey, nodeCrypto), 'key_malformed',
      'verifier key for witness.example/w1 has signature type 0x04 (a tlog-cosignature/v1 witness key), expected 0x01 (an Ed25519 note key)');
    await rejects(parseSignerKey(w1.signerKey, nodeCrypto), 'key_malformed',
      'signer key for witness.example/w1 has signature type 0x04 (a tlog-cosignature/v1 witness key), expected 0x01 (an Ed25519 note key)');
    await rejects(parseWitnessVerifierKey('example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k', nodeCrypto), 'key_malformed',
      'verifier key for example.com/foo has signature type 0x01 (an Ed25519 note key), expected 0x04 (a tlog-cosignature/v1 witness key)');
    const signer = await parseWitnessSignerKey(w1.signerKey, nodeCrypto);
    // @ts-expect-error a witness key cannot sign arbitrary notes (it could forge cosignatures)
    await expect(signNote('x\n', [signer])).rejects.toThrow();
  });
});

describe('witness policies', () => {
  async function setup() {
    const l = await log();
    const ws = await Promise.all(['w1', 'w2', 'w3'].map((n) => witness(`witness.example/${n}`)));
    const note = await signCheckpoint(cp, l.signer);
    const text = parseNote(note).text;
    const lines = await Promise.all(ws.map((w, i) => cosignCheckpoint(text, w.signer, NOW - i)));
    return { l, ws, note, text, lines, policy: witnessPolicy(ws.map((w) => w.verifier), 2) };
  }

  it('accepts k of n cosignatures and reports their times', async () => {
    const { l, note, lines, policy } = await setup();
    const cosigned = note + lines[0] + lines[2];
    const result = await verifyCosignedCheckpoint(cosigned, l.verifier, policy);
    expect(result.size).toBe(5);
    expect(result.cosignatures.map((c) => [c.name, c.timestamp])).toEqual([['witness.example/w1', NOW], ['witness.example/w3', NOW - 2]]);
  });

  it('names the missing witnesses when the quorum is not met', async () => {
    const { l, note, lines, policy } = await setup();
    await rejects(verifyCosignedCheckpoint(note + lines[1], l.verifier, policy), 'note_unverified',
      'checkpoint is cosigned by 1 of the 2 witnesses required (missing: witness.example/w1, witness.example/w3)');
    await rejects(verifyCosignedCheckpoint(note + lines[1] + lines[1], l.verifier, policy), 'note_unverified',
      'checkpoint is cosigned by 1 of the 2 witnesses required (missing: witness.example/w1, witness.example/w3)');
  });

  it('ignores unknown witnesses but rejects a bad cosignature by a known one', async () => {
    const { l, ws, note, text, lines, policy } = await setup();
    const stranger = await witness('witness.example/stranger');
    const extra = await cosignCheckpoint(text, stranger.signer, NOW);
    expect((await verifyCosignedCheckpoint(note + extra + lines[0] + lines[1], l.verifier, policy)).cosignatures).toHaveLength(2);
    const forged = await cosignCheckpoint(text.replace('\n5\n', '\n6\n'), ws[1]!.signer, NOW);
    await rejects(verifyCosignedCheckpoint(note + lines[0] + forged, l.verifier, policy), 'note_unverified',
      'signature by witness.example/w2 does not verify');
  });

  it('requires the log signature whatever the witnesses say', async () => {
    const { note, lines, policy } = await setup();
    const other = await log();
    await rejects(verifyCosignedCheckpoint(note + lines[0] + lines[1], other.verifier, policy), 'note_unverified',
      'no signature from log key registry.example/log');
  });

  it('does not count cosignatures dated in the future when given the time', async () => {
    const { l, ws, note, text, lines, policy } = await setup();
    const future = await cosignCheckpoint(text, ws[1]!.signer, NOW + 3600);
    await rejects(verifyCosignedCheckpoint(note + lines[0] + future, l.verifier, policy, { now: NOW }), 'note_unverified',
      'checkpoint is cosigned by 1 of the 2 witnesses required (missing: witness.example/w2, witness.example/w3)');
    expect((await verifyCosignedCheckpoint(note + lines[0] + future, l.verifier, policy, { now: NOW, maxClockSkewSeconds: 3600 }))
      .cosignatures).toHaveLength(2);
  });

  it('rejects policies that cannot be meant', async () => {
    const { l, ws } = await setup();
    const verifiers = ws.map((w) => w.verifier);
    expect(() => witnessPolicy(verifiers, 4)).toThrow('witness quorum 4 must be a whole number from 0 to the 3 witnesses given');
    const twin = await witnessVerifier('witness.example/twin', ws[0]!.verifier.publicKey, nodeCrypto);
    expect(() => witnessPolicy([...verifiers, twin], 2)).toThrow('witnesses witness.example/w1 and witness.example/twin share one public key');
    // @ts-expect-error a note key is not a witness key
    expect(() => witnessPolicy([l.verifier], 1)).toThrow('registry.example/log is not a cosignature/v1 witness key');
    const named = await witness('registry.example/log');
    await rejects(verifyCosignedCheckpoint('x', l.verifier, witnessPolicy([named.verifier], 0)), 'policy_invalid',
      'registry.example/log is both a log key and a witness');
  });

  it('quorum 0 needs only the log signature', async () => {
    const { l, note } = await setup();
    expect((await verifyCosignedCheckpoint(note, l.verifier, witnessPolicy([], 0))).cosignatures).toEqual([]);
  });
});

describe('addCosignatures', () => {
  it('adds verified lines from known witnesses, replaces older ones, drops unknown ones', async () => {
    const l = await log();
    const w1 = await witness('witness.example/w1');
    const w2 = await witness('witness.example/w2');
    const stranger = await witness('witness.example/stranger');
    const note = await signCheckpoint(cp, l.signer);
    const text = parseNote(note).text;
    const first = await addCosignatures(note, await cosignCheckpoint(text, w1.signer, NOW), [w1.verifier, w2.verifier]);
    const body = (await cosignCheckpoint(text, w1.signer, NOW + 1)) + (await cosignCheckpoint(text, w2.signer, NOW))
      + (await cosignCheckpoint(text, stranger.signer, NOW));
    const merged = await addCosignatures(first, body, [w1.verifier, w2.verifier]);
    const sigs = parseNote(merged).signatures;
    expect(sigs.map((s) => s.name)).toEqual(['registry.example/log', 'witness.example/w1', 'witness.example/w2']);
    expect(cosignatureTimestamp(sigs[1]!)).toBe(NOW + 1);
    expect(formatNote(parseNote(merged))).toBe(merged);
    const wrong = await cosignCheckpoint(text.replace('\n5\n', '\n7\n'), w2.signer, NOW);
    await rejects(addCosignatures(note, wrong, [w2.verifier]), 'note_unverified', 'cosignature by witness.example/w2 does not verify');
    await rejects(addCosignatures(note, 'garbage', [w2.verifier]), 'cosignature_malformed', 'note must end with a newline');
  });
});

describe('base64 of cosignature blobs', () => {
  it('re-encodes the example blob identically', () => {
    const b64 = 'jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==';
    expect(encodeBase64(decodeBase64(b64)!)).toBe(b64);
  });
});

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { encodeBase64, encodeHex } from './base64.js';
import { signCheckpoint } from './checkpoint.js';
import { cosignCheckpoint, generateWitnessKey, parseWitnessSignerKey, parseWitnessVerifierKey, witnessPolicy } from './cosignature.js';
import { nodeCrypto } from './crypto-node.js';
import { TlogError, generateKey, parseNote, parseSignerKey, parseVerifierKey } from './signed-note.js';
import {
  MAX_TLOG_PROOF_BYTES, TLOG_PROOF_HEADER, formatTlogProof, parseTlogProof, verifyTlogProof, type InclusionVerifier, type TlogProof,
} from './tlog-proof.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const VECTORS = path.resolve(repoRoot, '../shared/data/registry-vectors');
const haveVectors = existsSync(VECTORS);
if (!haveVectors) console.warn(`registry vectors not found at ${VECTORS}: the C2SP example and reference-tree tests are skipped`);

// A minimal RFC 6962 tree, only to produce real proofs for these tests (merkle.ts is the log's own).
const sha = (...parts: Uint8Array[]) => new Uint8Array(createHash('sha256').update(Buffer.concat(parts)).digest());
const leafHash = (data: Uint8Array) => sha(Uint8Array.of(0), data);
const node = (l: Uint8Array, r: Uint8Array) => sha(Uint8Array.of(1), l, r);
const split = (n: number) => 2 ** Math.floor(Math.log2(n - 1));
const mth = (h: Uint8Array[]): Uint8Array =>
  h.length === 0 ? sha() : h.length === 1 ? h[0]! : node(mth(h.slice(0, split(h.length))), mth(h.slice(split(h.length))));
const auditPath = (m: number, h: Uint8Array[]): Uint8Array[] => {
  if (h.length <= 1) return [];
  const k = split(h.length);
  return m < k ? [...auditPath(m, h.slice(0, k)), mth(h.slice(k))] : [...auditPath(m - k, h.slice(k)), mth(h.slice(0, k))];
};
const verifyInclusion: InclusionVerifier = (leaf, index, size, proof, root) => {
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = node(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = node(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && encodeHex(r) === encodeHex(root);
};

const rejects = async (promise: Promise<unknown>, code: string, message: string) => {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(TlogError);
  expect(error).toMatchObject({ code, message });
};
const malformed = (input: string | Uint8Array, message: string) =>
  rejects(Promise.resolve().then(() => parseTlogProof(input)), 'tlog_proof_malformed', message);

const HASH = 'gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=';
const CHECKPOINT = 'example.com/fancylog\n109482\nsFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=\n\n'
  + `— example.com/fancylog ${encodeBase64(new Uint8Array(68))}\n`;
const proofText = (...middle: string[]) => [TLOG_PROOF_HEADER, ...middle, ''].join('\n') + '\n' + CHECKPOINT;

describe.skipIf(!haveVectors)('C2SP tlog-proof example and reference tree (../shared/data/registry-vectors)', () => {
  const exampleText = () => readFileSync(path.join(VECTORS, 'c2sp/examples/tlog-proof-fancylog-ILLUSTRATION-signatures-elided.tlog-proof'), 'utf8');

  it('rejects the illustration as is: its signatures are elided with [...]', () =>
    malformed(exampleText(), 'checkpoint: signature line 1: signature is not canonical base64'));

  it('parses the illustration once the elided signatures are well-formed, and formats it back', () => {
    const text = exampleText().replace(/ [A-Za-z0-9+/]+\[\.\.\.\][A-Za-z0-9+/]+=*\n/g, ` ${encodeBase64(new Uint8Array(72))}\n`);
    const proof = parseTlogProof(text);
    expect(new TextDecoder().decode(proof.extra).startsWith('age-v1.2.1-darwin-arm64.tar.gz')).toBe(true);
    expect(proof.index).toBe(73894);
    expect(proof.inclusionProof.map(encodeBase64)).toEqual([
      HASH, 'B95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=', 'EKNzoDWG8LGC0Yp9o+sv3qllpMP9uHQ9B20KNL+Q1zs=',
      'RoopEkOdqkYqMB4MJXrbt/hMjOxsVn0IrWjpz1ZMMes=', 'AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=',
    ]);
    const note = parseNote(proof.checkpoint);
    expect(note.text).toBe('example.com/fancylog\n109482\nsFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=\n');
    expect(note.signatures.map((s) => s.name)).toEqual(['example.com/fancylog', 'witness1.example', 'witness2.example', 'witness3.example']);
    expect(formatTlogProof(proof)).toBe(text);
  });

  it('the test tree matches the reference roots', () => {
    const ref = JSON.parse(readFileSync(path.join(VECTORS, 'rfc6962-reference-tree.json'), 'utf8')) as
      { leafInputsHex: string[]; rootBySize: Record<string, string> };
    const leaves = ref.leafInputsHex.map((h) => leafHash(Uint8Array.from(Buffer.from(h, 'hex'))));
    for (let n = 0; n <= leaves.length; n++) expect(encodeHex(mth(leaves.slice(0, n)))).toBe(ref.rootBySize[String(n)]);
  });
});

describe('tlog proofs end to end', () => {
  async function setup(entries = 11) {
    const logPair = await generateKey('registry.example/log', nodeCrypto);
    const logSigner = await parseSignerKey(logPair.signerKey, nodeCrypto);
    const log = await parseVerifierKey(logPair.verifierKey, nodeCrypto);
    const ws = await Promise.all(['w1', 'w2'].map(async (n) => {
      const pair = await generateWitnessKey(`witness.example/${n}`, nodeCrypto);
      return { signer: await parseWitnessSignerKey(pair.signerKey, nodeCrypto), verifier: await parseWitnessVerifierKey(pair.verifierKey, nodeCrypto) };
    }));
    const leaves = Array.from({ length: entries }, (_, i) => leafHash(new TextEncoder().encode(`作品 ${i}`)));
    let checkpoint = await signCheckpoint({ origin: log.name, size: entries, rootHash: mth(leaves), extensions: [] }, logSigner);
    const text = parseNote(checkpoint).text;
    for (const w of ws) checkpoint += await cosignCheckpoint(text, w.signer, 1_760_000_000);
    const proofFor = (index: number, extra?: Uint8Array): TlogProof =>
      ({ ...(extra ? { extra } : {}), index, inclusionProof: auditPath(index, leaves), checkpoint });
    return { log, ws, leaves, proofFor, policy: witnessPolicy(ws.map((w) => w.verifier), 2) };
  }

  it('formats, parses and verifies a proof for every entry', async () => {
    const { log, leaves, proofFor, policy } = await setup();
    for (let i = 0; i < leaves.length; i++) {
      const text = formatTlogProof(proofFor(i, i % 2 ? Uint8Array.of(i) : undefined));
      expect(parseTlogProof(text)).toEqual(proofFor(i, i % 2 ? Uint8Array.of(i) : undefined));
      const result = await verifyTlogProof(text, { leafHash: leaves[i]!, log, witnesses: policy, verifyInclusion, now: 1_760_000_000 });
      expect(result.proof.index).toBe(i);
      expect(result.checkpoint.cosignatures).toHaveLength(2);
    }
  });

  it('rejects a wrong leaf, an index outside the tree, and a missing witness', async () => {
    const { log, ws, leaves, proofFor, policy } = await setup();
    await rejects(verifyTlogProof(proofFor(3), { leafHash: leaves[4]!, log, witnesses: policy, verifyInclusion }),
      'tlog_proof_invalid', 'inclusion proof does not verify');
    await rejects(verifyTlogProof({ ...proofFor(3), index: 11 }, { leafHash: leaves[3]!, log, verifyInclusion }),
      'tlog_proof_invalid', "index 11 is outside the checkpoint's tree of 11 entries");
    await rejects(verifyTlogProof(proofFor(3), { leafHash: leaves[3]!, log, verifyInclusion: () => { throw new Error('bad path'); } }),
      'tlog_proof_invalid', 'inclusion proof does not verify: bad path');
    const stranger = await generateWitnessKey('witness.example/w3', nodeCrypto);
    const strict = witnessPolicy([...ws.map((w) => w.verifier), await parseWitnessVerifierKey(stranger.verifierKey, nodeCrypto)], 3);
    await rejects(verifyTlogProof(proofFor(3), { leafHash: leaves[3]!, log, witnesses: strict, verifyInclusion }),
      'note_unverified', 'checkpoint is cosigned by 2 of the 3 witnesses required (missing: witness.example/w3)');
  });
});

describe('parseTlogProof rejects malformed proofs', () => {
  it.each<[string, string | Uint8Array, string]>([
    ['another version', proofText('index 1').replace('@v1', '@v2'), 'first line must be "c2sp.org/tlog-proof@v1"'],
    ['no header', `index 1\n\n${CHECKPOINT}`, 'first line must be "c2sp.org/tlog-proof@v1"'],
    ['an empty input', '', 'tlog proof ends before its first line'],
    ['CRLF', proofText('index 1').replaceAll('\n', '\r\n'), 'tlog proof line 1 ends in CR (U+000D): lines must end in LF alone'],
    ['a missing index', proofText(), 'line 2 must be "index <decimal>" or "extra <base64>"'],
    ['an index after extra missing', proofText('extra AAAA'), 'line 3 must be "index <decimal>"'],
    ['two extra lines', proofText('extra AAAA', 'extra AAAA', 'index 1'), 'line 3 must be "index <decimal>"'],
    ['extra without a space', proofText('extra', 'index 1'), 'line 2 must be "index <decimal>" or "extra <base64>"'],
    ['bad extra base64', proofText('extra AAA', 'index 1'), 'extra data must be canonical base64'],
    ['extra over 64 KiB', proofText(`extra ${encodeBase64(new Uint8Array(65_537))}`, 'index 1'), 'extra data is larger than 65536 bytes'],
    ['a leading zero', proofText('index 01'), 'index "01" must be a decimal number without leading zeros, at most 2^53 - 1'],
    ['a negative index', proofText('index -1'), 'index "-1" must be a decimal number without leading zeros, at most 2^53 - 1'],
    ['an empty index', proofText('index '), 'index "" must be a decimal number without leading zeros, at most 2^53 - 1'],
    ['an index of 2^53', proofText('index 9007199254740992'), 'index "9007199254740992" must be a decimal number without leading zeros, at most 2^53 - 1'],
    ['index with two spaces', proofText('index  1'), 'index " 1" must be a decimal number without leading zeros, at most 2^53 - 1'],
    ['a short hash', proofText('index 1', encodeBase64(new Uint8Array(31))), 'line 3: inclusion proof hash must be the canonical base64 of 32 bytes'],
    ['a hex hash', proofText('index 1', 'ab'.repeat(32)), 'line 3: inclusion proof hash must be the canonical base64 of 32 bytes'],
    ['65 hashes', proofText('index 1', ...Array<string>(65).fill(HASH)), 'inclusion proof has more than 64 hashes'],
    ['no blank line', `${TLOG_PROOF_HEADER}\nindex 1\n${HASH}\n`, 'tlog proof ends before the blank line before the checkpoint'],
    ['no checkpoint', `${TLOG_PROOF_HEADER}\nindex 1\n\n`, 'tlog proof has no checkpoint after the blank line'],
    ['an unsigned checkpoint', `${TLOG_PROOF_HEADER}\nindex 1\n\no\n1\n${HASH}\n`, 'checkpoint: note has no blank line between its text and its signatures'],
    ['a note that is no checkpoint', `${TLOG_PROOF_HEADER}\nindex 1\n\nhello\n\n— a AAAAAAE=\n`, 'checkpoint: checkpoint needs at least three lines: origin, tree size and root hash'],
    ['a checkpoint without final newline', proofText('index 1').slice(0, -1), 'checkpoint: note must end with a newline'],
    ['a huge input', proofText('index 1') + 'x'.repeat(MAX_TLOG_PROOF_BYTES), `tlog proof is larger than ${MAX_TLOG_PROOF_BYTES} bytes`],
    ['invalid UTF-8', Uint8Array.of(0x63, 0xc3, 0x28, 0x0a), 'tlog proof is not valid UTF-8'],
  ])('%s', (_label, input, message) => malformed(input, message));

  it('accepts 64 hashes, no hashes, and index 0', () => {
    expect(parseTlogProof(proofText('index 1', ...Array<string>(64).fill(HASH))).inclusionProof).toHaveLength(64);
    expect(parseTlogProof(proofText('index 0'))).toMatchObject({ index: 0, inclusionProof: [], checkpoint: CHECKPOINT });
    expect(parseTlogProof(proofText('extra ', 'index 0')).extra).toEqual(new Uint8Array(0));
  });

  it('formatTlogProof refuses what parseTlogProof would reject', () => {
    const base: TlogProof = { index: 1, inclusionProof: [], checkpoint: CHECKPOINT };
    expect(() => formatTlogProof({ ...base, index: -1 })).toThrow('index -1 must be a whole number from 0 to 2^53 - 1');
    expect(() => formatTlogProof({ ...base, inclusionProof: Array<Uint8Array>(65).fill(new Uint8Array(32)) })).toThrow('more than 64 hashes');
    expect(() => formatTlogProof({ ...base, inclusionProof: [new Uint8Array(31)] })).toThrow('inclusion proof hash 1 must be 32 bytes, not 31');
    expect(() => formatTlogProof({ ...base, extra: new Uint8Array(65_537) })).toThrow('extra data is larger than 65536 bytes');
    expect(() => formatTlogProof({ ...base, checkpoint: 'o\n1\n' })).toThrow('checkpoint: note has no blank line');
  });
});

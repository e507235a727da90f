import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  EMPTY_ROOT,
  ProofError,
  hashChildren,
  hashLeaf,
  rootFromInclusion,
  rootOf,
  verifyConsistency,
  verifyInclusion,
} from './merkle.js';
import { LeafNodeReader, consistencyProof, inclusionProof, rootAt } from './merkle-proof.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const VECTORS = path.resolve(repoRoot, '../shared/data/registry-vectors');
const haveVectors = existsSync(path.join(VECTORS, 'transparency-dev-merkle/testdata'));
if (!haveVectors) console.warn(`skipping Merkle vector tests: ${VECTORS} is absent`);

const b64 = (s: string): Buffer => Buffer.from(s, 'base64');
const hex = (s: string): Buffer => Buffer.from(s, 'hex');

/** Deterministic pseudo-random leaf hashes, so failures reproduce. */
function leaves(n: number, seed: string): Buffer[] {
  return Array.from({ length: n }, (_, i) => hashLeaf(Buffer.from(`${seed} leaf ${i}`)));
}

/** RFC 6962 §2.1.1 PATH and §2.1.2 PROOF written straight from the text, as an independent reference. */
function refPath(m: number, d: Buffer[]): Buffer[] {
  if (d.length <= 1) return [];
  const k = 2 ** Math.floor(Math.log2(d.length - 1));
  return m < k ? [...refPath(m, d.slice(0, k)), rootOf(d.slice(k))] : [...refPath(m - k, d.slice(k)), rootOf(d.slice(0, k))];
}
function refSubproof(m: number, d: Buffer[], b: boolean): Buffer[] {
  if (m === d.length) return b ? [] : [rootOf(d)];
  const k = 2 ** Math.floor(Math.log2(d.length - 1));
  return m <= k ? [...refSubproof(m, d.slice(0, k), b), rootOf(d.slice(k))] : [...refSubproof(m - k, d.slice(k), false), rootOf(d.slice(0, k))];
}

function flipBit(proof: Buffer[], i: number, bitIndex: number): Buffer[] {
  return proof.map((h, j) => {
    if (j !== i) return h;
    const c = Buffer.from(h);
    c[bitIndex >> 3] = (c[bitIndex >> 3] as number) ^ (1 << (bitIndex & 7));
    return c;
  });
}

describe('hashing', () => {
  it('follows RFC 6962 prefixes and the empty root', () => {
    expect(EMPTY_ROOT.toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(rootOf([])).toEqual(EMPTY_ROOT);
    const big = Buffer.alloc(5000, 7); // takes the streaming path
    expect(hashLeaf(big)).toEqual(hashLeaf(new Uint8Array(big)));
    expect(hashLeaf(big).equals(hashLeaf(big.subarray(1)))).toBe(false);
    const a = hashLeaf(Buffer.from('a'));
    expect(() => hashChildren(a, a.subarray(1))).toThrow(RangeError);
  });

  it('gives the same answers in a tree of many levels as the RFC recursion', () => {
    const d = leaves(37, 'recursion');
    for (let n = 1; n <= 37; n++) {
      const reader = new LeafNodeReader(d.slice(0, n));
      expect(rootAt(n, reader)).toEqual(rootOf(d.slice(0, n)));
      for (let m = 0; m < n; m++) expect(inclusionProof(m, n, reader)).toEqual(refPath(m, d.slice(0, n)));
      for (let m = 1; m <= n; m++) expect(consistencyProof(m, n, reader)).toEqual(refSubproof(m, d.slice(0, n), true));
    }
  });
});

describe.skipIf(!haveVectors)('transparency-dev/merkle vectors (read in place from ../shared/data)', () => {
  type Reference = { leafInputsHex: string[]; leafHashes: string[]; rootBySize: Record<string, string> };
  const ref = haveVectors ? (JSON.parse(readFileSync(path.join(VECTORS, 'rfc6962-reference-tree.json'), 'utf8')) as Reference) : undefined;
  const refLeaves = (ref?.leafHashes ?? []).map(hex);
  const reader = new LeafNodeReader(refLeaves);

  function load<T>(kind: string): Array<T & { file: string; desc: string; wantErr: boolean }> {
    const dir = path.join(VECTORS, 'transparency-dev-merkle/testdata', kind);
    if (!existsSync(dir)) return [];
    return (readdirSync(dir, { recursive: true }) as string[])
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => ({ ...(JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as T & { desc: string; wantErr: boolean }), file: `${kind}/${f}` }));
  }
  type Incl = { leafIdx: number; treeSize: number; root: string; leafHash: string; proof: string[] | null };
  type Cons = { size1: number; size2: number; root1: string; root2: string; proof: string[] | null };
  const inclusion = haveVectors ? load<Incl>('inclusion') : [];
  const consistency = haveVectors ? load<Cons>('consistency') : [];

  it('has the reference tree: leaf hashes from the inputs, and rootOf for sizes 0‥8', () => {
    expect(ref?.leafInputsHex.map((x) => hashLeaf(hex(x)).toString('hex'))).toEqual(ref?.leafHashes);
    for (let n = 0; n <= 8; n++) {
      expect(rootOf(refLeaves.slice(0, n)).toString('hex')).toBe(ref?.rootBySize[String(n)]);
      expect(rootAt(n, reader).toString('hex')).toBe(ref?.rootBySize[String(n)]);
    }
  });

  it('finds all 98 + 98 vectors', () => {
    expect([inclusion.length, consistency.length]).toEqual([98, 98]);
    expect(inclusion.filter((v) => !v.wantErr)).toHaveLength(6);
    expect(consistency.filter((v) => !v.wantErr)).toHaveLength(6);
  });

  it('accepts and reproduces every positive inclusion vector', () => {
    for (const v of inclusion.filter((x) => !x.wantErr)) {
      const proof = (v.proof ?? []).map(b64);
      expect(() => verifyInclusion(b64(v.leafHash), v.leafIdx, v.treeSize, proof, b64(v.root)), v.file).not.toThrow();
      expect(inclusionProof(v.leafIdx, v.treeSize, reader), v.file).toEqual(proof);
    }
  });

  it('rejects every negative inclusion vector with a ProofError', () => {
    for (const v of inclusion.filter((x) => x.wantErr)) {
      const run = () => verifyInclusion(b64(v.leafHash), v.leafIdx, v.treeSize, (v.proof ?? []).map(b64), b64(v.root));
      expect(run, v.file).toThrow(ProofError);
    }
  });

  // One upstream positive vector has 12-byte "roots" with size1 = size2 = 1. We reject any root that
  // is not 32 bytes, even when both sides are the same garbage; see the note on root lengths.
  const lax = 'consistency/additional/sizes-are-equal-one-and-proof-is-empty.json';

  it('accepts and reproduces every positive consistency vector (one rejected on purpose: 12-byte roots)', () => {
    for (const v of consistency.filter((x) => !x.wantErr)) {
      const proof = (v.proof ?? []).map(b64);
      const run = () => verifyConsistency(v.size1, v.size2, b64(v.root1), b64(v.root2), proof);
      if (v.file === lax) expect(run).toThrow('root1 is 12 bytes, not 32');
      else expect(run, v.file).not.toThrow();
      expect(consistencyProof(v.size1, v.size2, reader), v.file).toEqual(proof);
    }
  });

  it('behaves as upstream intends on the 12-byte-root vectors once their roots are widened to 32 bytes', () => {
    const widen = (s: string): Buffer => (b64(s).length === 32 ? b64(s) : hashLeaf(b64(s)));
    for (const v of consistency.filter((x) => x.file.startsWith('consistency/additional/'))) {
      const run = () => verifyConsistency(v.size1, v.size2, widen(v.root1), widen(v.root2), (v.proof ?? []).map(b64));
      if (v.wantErr) expect(run, v.file).toThrow(ProofError);
      else expect(run, v.file).not.toThrow();
    }
  });

  it('rejects every negative consistency vector with a ProofError', () => {
    for (const v of consistency.filter((x) => x.wantErr)) {
      const run = () => verifyConsistency(v.size1, v.size2, b64(v.root1), b64(v.root2), (v.proof ?? []).map(b64));
      expect(run, v.file).toThrow(ProofError);
    }
  });

  it('explains why a proof fails', () => {
    const good = inclusionProof(5, 8, reader);
    const root = rootAt(8, reader);
    const leaf = refLeaves[5] as Buffer;
    expect(() => verifyInclusion(leaf, 5, 8, [...good, leaf], root)).toThrow('inclusion proof has 4 hashes, a tree of size 8 needs 3 for index 5');
    expect(() => verifyInclusion(leaf, 5, 8, [good[0] as Buffer, good[1] as Buffer, leaf.subarray(1)], root)).toThrow(
      'hash 2 of the proof is 31 bytes, not 32',
    );
    expect(() => verifyInclusion(leaf, 4, 8, good, root)).toThrow(/^computed root [0-9a-f]{64} does not match the expected root/);
    expect(() => verifyInclusion(leaf, 8, 8, good, root)).toThrow('index 8 is not below tree size 8');
    expect(() => verifyConsistency(0, 8, EMPTY_ROOT, root, [])).toThrow('size1 0 is not allowed');
    expect(() => verifyConsistency(6, 5, root, root, [])).toThrow('size1 6 is larger than size2 5');
    const c = consistencyProof(3, 8, reader);
    expect(() => verifyConsistency(3, 8, rootAt(3, reader), root, c.slice(1))).toThrow(
      `consistency proof has ${c.length - 1} hashes, going from size 3 to size 8 needs ${c.length}`,
    );
    expect(() => verifyConsistency(3, 8, rootAt(4, reader), root, c)).toThrow(/^computed root1 .* \(size 3\)$/);
    const r1 = rootAt(1, reader);
    expect(() => verifyConsistency(1, 1, r1, root, [])).toThrow(/^computed root2 .* \(both trees have size 1\)$/);
    expect(() => verifyConsistency(1, 1, r1, r1, [r1])).toThrow('sizes are equal (1), so the proof must be empty, but it has 1 hash');
    expect(() => verifyConsistency(1, 2, r1, rootAt(2, reader), [])).toThrow('consistency proof has 0 hashes, going from size 1 to size 2 needs 1');
    expect(() => verifyConsistency(2, 1, r1, r1, [])).toThrow('size1 2 is larger than size2 1');
    expect(() => verifyConsistency(1.5, 2, r1, r1, [])).toThrow('size1 1.5 is not an integer between 0 and 2^53 − 1');
    expect(() => inclusionProof(8, 8, reader)).toThrow(ProofError);
    expect(() => consistencyProof(0, 8, reader)).toThrow(ProofError);
    expect(rootFromInclusion(leaf, 5, 8, good)).toEqual(root);
  });
});

describe('property: every proof in trees of 1‥300 leaves verifies, and any flipped bit breaks it', () => {
  const N = 300;
  const d = leaves(N, 'property');
  const reader = new LeafNodeReader(d);
  const roots = Array.from({ length: N + 1 }, (_, n) => rootAt(n, reader));
  let rng = 0x9e3779b9;
  const rand = (k: number): number => {
    rng = (Math.imul(rng ^ (rng >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return rng % k;
  };

  it('inclusion: every index of every size', () => {
    for (let n = 1; n <= N; n++) {
      expect(roots[n]).toEqual(rootOf(d.slice(0, n)));
      for (let m = 0; m < n; m++) {
        const proof = inclusionProof(m, n, reader);
        verifyInclusion(d[m] as Buffer, m, n, proof, roots[n] as Buffer);
        if (m % 17 === n % 17) {
          // sampled: a random bit of every hash
          for (let i = 0; i < proof.length; i++) {
            expect(() => verifyInclusion(d[m] as Buffer, m, n, flipBit(proof, i, rand(256)), roots[n] as Buffer)).toThrow(ProofError);
          }
        }
      }
    }
  });

  it('consistency: every pair of sizes up to 300', () => {
    for (let n = 1; n <= N; n++) {
      for (let m = 1; m <= n; m++) {
        const proof = consistencyProof(m, n, reader);
        verifyConsistency(m, n, roots[m] as Buffer, roots[n] as Buffer, proof);
        if ((m * 31 + n) % 23 === 0) {
          for (let i = 0; i < proof.length; i++) {
            const bad = flipBit(proof, i, rand(256));
            expect(() => verifyConsistency(m, n, roots[m] as Buffer, roots[n] as Buffer, bad)).toThrow(ProofError);
          }
        }
      }
    }
  });

  it('every bit of every hash, exhaustively, for a few irregular shapes', () => {
    for (const [m, n] of [[0, 1], [6, 7], [5, 13], [200, 300]] as const) {
      const proof = inclusionProof(m, n, reader);
      for (let i = 0; i < proof.length; i++) {
        for (let b = 0; b < 256; b++) {
          expect(() => verifyInclusion(d[m] as Buffer, m, n, flipBit(proof, i, b), roots[n] as Buffer)).toThrow(ProofError);
        }
      }
    }
    for (const [m, n] of [[6, 7], [5, 13], [64, 300], [255, 300]] as const) {
      const proof = consistencyProof(m, n, reader);
      for (let i = 0; i < proof.length; i++) {
        for (let b = 0; b < 256; b++) {
          expect(() => verifyConsistency(m, n, roots[m] as Buffer, roots[n] as Buffer, flipBit(proof, i, b))).toThrow(ProofError);
        }
      }
    }
  });
});

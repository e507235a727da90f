import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/govern/roles.js';
import { nodeCrypto } from '../../src/registry/crypto-node.js';
import { webCryptoProvider, webCryptoSupport } from '../../src/registry/crypto-web.js';
import type { Receipt } from '../../src/registry/registry.service.js';
import { generateKey, parseNote, parseSignerKey, signNote } from '../../src/registry/signed-note.js';
import { verifyReceipt, type ReceiptVerification } from '../../src/registry/verify-receipt.js';
import { runCli } from '../support/run-cli.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { makeUser, pngBytes, uploadImage } from '../routes/route-helpers.js';
import { proofCheckpoint, proofHashLines, sha256Hex, withProofCheckpoint, withProofHashes } from './registry-helpers.js';

/**
 * Offline verification of receipts, by `verifyReceipt` and by `wenyuan verify`: every check holds
 * for a genuine receipt and file, and each kind of tampering or garbage fails the one check that
 * covers it, by name, without ever throwing.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

let ctx: TestContext;
let dir: string;
let logKey: string;
let fileSha256: string;
let imageFile: string;
/** The same registration (index 5) at tree sizes 6, 13 and 14. */
const receipts = new Map<number, Receipt>();

const failing = (result: ReceiptVerification) => result.checks.filter((c) => !c.ok).map((c) => c.name);
const verify = (input: string | Uint8Array, options: { pinnedLogKey?: string; fileSha256?: string } = { pinnedLogKey: logKey }) =>
  verifyReceipt(input, { crypto: nodeCrypto, ...options });
const json = (receipt: unknown) => JSON.stringify(receipt, null, 2);
const writeFile = (name: string, content: string | Uint8Array) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
};

/** A receipt whose checkpoint is the same text, signed instead by a key that carries the same name. */
async function resignedByImpostor(receipt: Receipt): Promise<{ receipt: Receipt; impostorKey: string }> {
  const impostor = await generateKey(receipt.log.origin, nodeCrypto);
  const text = parseNote(proofCheckpoint(receipt)).text;
  const note = await signNote(text, [await parseSignerKey(impostor.signerKey, nodeCrypto)]);
  return { receipt: withProofCheckpoint(receipt, note), impostorKey: impostor.verifierKey };
}

/** Runs `wenyuan verify …` in this process, capturing what it prints and the exit code it sets. */
const cli = (...args: string[]) => runCli(['verify', ...args]);

/** Runs `wenyuan verify …` as a real process (tsx), for the exit status a shell sees. */
function spawnCli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const script = "import('./src/cli/main.ts').then((m) => m.main([process.argv[0], 'wenyuan', ...process.argv.slice(1)]))";
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', script, '--', 'verify', ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  ctx = await createTestContext('sqlite');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-receipts-'));
  const owner = await makeUser(ctx, 'creator', 'verifier');
  const actor: Actor = { kind: 'user', id: owner.id, username: 'verifier', role: 'creator' };
  const work = await uploadImage(ctx, owner.headers, 909, { visibility: 'public' });
  fileSha256 = work.sha256;
  imageFile = writeFile('image.png', await pngBytes(909));
  expect(sha256Hex(fs.readFileSync(imageFile))).toBe(fileSha256);
  logKey = await ctx.app.registry.log.verifierKey();

  const registerMore = async (n: number) => {
    for (let i = 0; i < n; i++) await ctx.app.registry.register(actor, work.workId, { termsSha256: sha256Hex(`filler ${Math.random()}`) });
  };
  await registerMore(5);
  const target = await ctx.app.registry.register(actor, work.workId);
  for (const more of [0, 7, 1]) {
    await registerMore(more);
    await ctx.app.registry.sequencePending();
    const status = await ctx.app.registry.status(target.registrationId, { checkpoint: 'latest' });
    if (status.status !== 'sequenced') throw new Error('not sequenced');
    receipts.set(status.receipt.treeSize, status.receipt);
  }
  expect([...receipts.keys()]).toEqual([6, 13, 14]);
  expect(receipts.get(6)!.index).toBe(5);
});

afterAll(async () => {
  await ctx?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('verifyReceipt', () => {
  it('accepts a genuine receipt at every tree size, with the pinned key and the file', async () => {
    for (const receipt of receipts.values()) {
      const result = await verify(json(receipt), { pinnedLogKey: logKey, fileSha256 });
      expect(result.checks.filter((c) => !c.ok)).toEqual([]);
      expect(result.ok).toBe(true);
      expect(result).toMatchObject({ index: 5, treeSize: receipt.treeSize, origin: ctx.app.config.registryOrigin });
      expect(result.entry?.contentSha256).toBe(fileSha256);
    }
    // Bytes work as well as text.
    expect((await verify(Buffer.from(json(receipts.get(13)!)))).ok).toBe(true);
  });

  it('without a pinned key, trusts the receipt’s own key and says so', async () => {
    const result = await verify(json(receipts.get(6)!), {});
    expect(result.ok).toBe(true);
    expect(result.checks.find((c) => c.name === 'checkpoint signature')?.detail).toMatch(/key inside the receipt/);
  });

  it('fails "inclusion" (and "proof entry") for a modified entry', async () => {
    const receipt = receipts.get(13)!;
    const changed = { ...receipt, entry: receipt.entry.replace('role author', 'role right-holder') };
    expect(changed.entry).not.toBe(receipt.entry);
    expect(failing(await verify(json(changed)))).toEqual(['proof entry', 'inclusion']);
    // Even with the proof's copy of the entry changed to match, the Merkle proof gives it away.
    const extra = `extra ${Buffer.from(changed.entry).toString('base64')}`;
    const consistent = { ...changed, proof: changed.proof.replace(/^extra .*$/m, extra) };
    expect(failing(await verify(json(consistent)))).toEqual(['inclusion']);
    // An entry that is not canonical fails its own check first.
    expect(failing(await verify(json({ ...receipt, entry: receipt.entry.replace('accepted ', 'accepted 0') })))).toEqual(['entry']);
    expect(failing(await verify(json({ ...receipt, entry: 'hello\n' })))).toEqual(['entry']);
  });

  it('fails "inclusion" for a truncated proof, and "proof format" for a cut one', async () => {
    const receipt = receipts.get(13)!;
    const hashes = proofHashLines(receipt);
    expect(hashes.length).toBe(4);
    const shorter = await verify(json(withProofHashes(receipt, hashes.slice(0, -1))));
    expect(failing(shorter)).toEqual(['inclusion']);
    expect(shorter.checks.find((c) => c.name === 'inclusion')?.detail).toMatch(/has 3 hashes/);
    expect(failing(await verify(json(withProofHashes(receipt, []))))).toEqual(['inclusion']);
    expect(failing(await verify(json({ ...receipt, proof: receipt.proof.slice(0, Math.floor(receipt.proof.length / 2)) })))).toEqual(['proof format']);
    expect(failing(await verify(json({ ...receipt, proof: receipt.proof.slice(0, receipt.proof.indexOf('\n\n') + 2) })))).toEqual(['proof format']);
  });

  it('fails "inclusion" for a proof that belongs to another tree size', async () => {
    // Size 13 and size 14 proofs of index 5 have the same length, so only the hashes differ.
    expect(failing(await verify(json(withProofHashes(receipts.get(14)!, proofHashLines(receipts.get(13)!)))))).toEqual(['inclusion']);
    expect(failing(await verify(json(withProofHashes(receipts.get(6)!, proofHashLines(receipts.get(13)!)))))).toEqual(['inclusion']);
    // Claiming another index fails before any hashing.
    expect(failing(await verify(json({ ...receipts.get(13)!, index: 4 })))).toEqual(['proof index']);
  });

  it('fails "checkpoint signature" for a checkpoint signed by another key of the same name, or altered', async () => {
    const receipt = receipts.get(13)!;
    const { receipt: forged, impostorKey } = await resignedByImpostor(receipt);
    expect(failing(await verify(json(forged)))).toEqual(['checkpoint signature']);
    // The receipt's own key still is the real one: unpinned, it also fails.
    expect(failing(await verify(json(forged), {}))).toEqual(['checkpoint signature']);
    // A forger who swaps the key inside the receipt fools only a verifier who pins nothing (and is told so).
    const swapped = { ...forged, log: { ...forged.log, verifierKey: impostorKey } };
    const unpinned = await verify(json(swapped), {});
    expect(unpinned.checks.find((c) => c.name === 'checkpoint signature')?.detail).toMatch(/key inside the receipt/);
    expect(failing(await verify(json(swapped)))).toEqual(['checkpoint signature']);

    // The real signature over a changed text.
    const note = proofCheckpoint(receipt);
    const altered = withProofCheckpoint(receipt, note.replace(/\n13\n/, '\n12\n'));
    expect(failing(await verify(json(altered)))).toEqual(['checkpoint signature']);
  });

  it('fails "checkpoint signature" when the receipt names another origin than the checkpoint', async () => {
    const receipt = receipts.get(13)!;
    expect(failing(await verify(json({ ...receipt, log: { ...receipt.log, origin: 'elsewhere.example/registry' } })))).toEqual(['checkpoint signature']);
  });

  it('gives the same verdicts with the browser’s WebCrypto provider as with node:crypto', async () => {
    expect(await webCryptoSupport()).toBe('ok');
    const receipt = receipts.get(13)!;
    const inputs = [
      json(receipt),
      json({ ...receipt, entry: receipt.entry.replace('role author', 'role right-holder') }),
      json(withProofHashes(receipts.get(14)!, proofHashLines(receipt))),
      json((await resignedByImpostor(receipt)).receipt),
      '['.repeat(100_000) + ']'.repeat(100_000),
    ];
    for (const input of inputs) {
      const node = await verifyReceipt(input, { crypto: nodeCrypto, pinnedLogKey: logKey, fileSha256 });
      const web = await verifyReceipt(input, { crypto: webCryptoProvider, pinnedLogKey: logKey, fileSha256 });
      expect(web.checks.map((c) => [c.name, c.ok])).toEqual(node.checks.map((c) => [c.name, c.ok]));
      expect(web.ok).toBe(node.ok);
    }
  });

  it('fails "checkpoint signature" when the pinned key is another log’s', async () => {
    const other = await generateKey('other.example/registry', nodeCrypto);
    expect(failing(await verify(json(receipts.get(13)!), { pinnedLogKey: other.verifierKey }))).toEqual(['checkpoint signature']);
    const sameName = await generateKey(await ctx.app.registry.log.origin(), nodeCrypto);
    expect(failing(await verify(json(receipts.get(13)!), { pinnedLogKey: sameName.verifierKey }))).toEqual(['checkpoint signature']);
    expect(failing(await verify(json(receipts.get(13)!), { pinnedLogKey: 'not a key' }))).toEqual(['checkpoint signature']);
  });

  it('fails "file" for another file', async () => {
    const result = await verify(json(receipts.get(13)!), { pinnedLogKey: logKey, fileSha256: sha256Hex('another file') });
    expect(failing(result)).toEqual(['file']);
    expect(result.ok).toBe(false);
  });

  it('fails "receipt format" or "receipt size" for garbage, and never throws', async () => {
    const receipt = receipts.get(13)!;
    const cases: [string, string | Uint8Array, string][] = [
      ['empty', '', 'receipt format'],
      ['malformed JSON', '{"type": "wenyuan.registry.receipt/v1",', 'receipt format'],
      ['not UTF-8', Uint8Array.of(0x7b, 0xff, 0xfe, 0x7d), 'receipt format'],
      ['null', 'null', 'receipt format'],
      ['an array', '[]', 'receipt format'],
      ['a string', '"receipt"', 'receipt format'],
      ['wrong type', json({ ...receipt, type: 'something/v2' }), 'receipt format'],
      ['entry not a string', json({ ...receipt, entry: 5 }), 'receipt format'],
      ['negative index', json({ ...receipt, index: -1 }), 'receipt format'],
      ['fractional index', json({ ...receipt, index: 1.5 }), 'receipt format'],
      ['no log', json({ ...receipt, log: null }), 'receipt format'],
      ['100,000 nested arrays', '['.repeat(100_000) + ']'.repeat(100_000), 'receipt format'],
      ['2 MB', json({ ...receipt, padding: 'x'.repeat(2 * 1024 * 1024) }), 'receipt size'],
    ];
    for (const [what, input, check] of cases) {
      const result = await verify(input);
      expect(failing(result), what).toEqual([check]);
      expect(result.ok, what).toBe(false);
    }
    // Deep nesting in a field verification does not read is harmless.
    const nested = json(receipt).replace(/}\s*$/, `, "notes": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    expect((await verify(nested)).ok).toBe(true);
  });
});

describe('wenyuan verify', () => {
  it('exits 0 when every check holds, with the key given as text or as a file', async () => {
    const receiptFile = writeFile('good.json', json(receipts.get(14)!));
    const keyFile = writeFile('log.vkey', `${logKey}\n`);
    for (const key of [logKey, keyFile]) {
      const run = await cli(receiptFile, '--log-key', key, '--file', imageFile);
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.stdout).toMatch(/^ok\s+inclusion\b/m);
      expect(run.stdout).toMatch(/^ok\s+file\b/m);
      expect(run.stdout).toMatch(/receipt verified$/);
      expect(run.stdout).not.toMatch(/FAIL/);
    }
    const asJson = await cli(receiptFile, '--log-key', logKey, '--json');
    expect(asJson.code).toBe(0);
    expect((JSON.parse(asJson.stdout) as ReceiptVerification).ok).toBe(true);
  });

  it('exits non-zero and names the failed check for each kind of bad receipt', async () => {
    const receipt = receipts.get(13)!;
    const otherLog = await generateKey('other.example/registry', nodeCrypto);
    const cases: [string, string[], string][] = [
      ['modified entry', [writeFile('entry.json', json({ ...receipt, entry: receipt.entry.replace('role author', 'role right-holder') })), '--log-key', logKey], 'inclusion'],
      ['truncated proof', [writeFile('short.json', json(withProofHashes(receipt, proofHashLines(receipt).slice(0, 2)))), '--log-key', logKey], 'inclusion'],
      ['proof of another size', [writeFile('size.json', json(withProofHashes(receipts.get(14)!, proofHashLines(receipt)))), '--log-key', logKey], 'inclusion'],
      ['impostor checkpoint', [writeFile('impostor.json', json((await resignedByImpostor(receipt)).receipt)), '--log-key', logKey], 'checkpoint signature'],
      ['another log’s key', [writeFile('good13.json', json(receipt)), '--log-key', otherLog.verifierKey], 'checkpoint signature'],
      ['wrong file', [writeFile('good13b.json', json(receipt)), '--log-key', logKey, '--file', writeFile('other.bin', 'not the image')], 'file'],
      ['malformed JSON', [writeFile('bad.json', '{"type":'), '--log-key', logKey], 'receipt format'],
      ['empty file', [writeFile('empty.json', ''), '--log-key', logKey], 'receipt format'],
      ['nested arrays', [writeFile('nested.json', '['.repeat(100_000) + ']'.repeat(100_000)), '--log-key', logKey], 'receipt format'],
    ];
    for (const [what, args, check] of cases) {
      const run = await cli(...args);
      expect(run.code, `${what}: ${run.stdout}${run.stderr}`).not.toBe(0);
      expect(run.stdout, what).toMatch(new RegExp(`^FAIL\\s+${check}\\b`, 'm'));
      expect(run.stdout.match(/^FAIL/gm), what).toHaveLength(check === 'inclusion' && what === 'modified entry' ? 2 : 1);
      expect(run.stdout, what).toMatch(/receipt NOT verified$/);
    }
  });

  it('refuses a 2 MB file and a missing file without reading them as receipts', async () => {
    const big = await cli(writeFile('big.json', json({ ...receipts.get(13)!, padding: 'x'.repeat(2 * 1024 * 1024) })), '--log-key', logKey);
    expect(big.code).not.toBe(0);
    expect(big.stderr).toMatch(/bytes; a receipt is a few kilobytes/);
    const missing = await cli(path.join(dir, 'no-such-receipt.json'), '--log-key', logKey);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/no receipt file at/);
  });

  it('sets the process exit status a shell sees (real process)', async () => {
    const good = writeFile('spawn-good.json', json(receipts.get(6)!));
    const bad = writeFile('spawn-bad.json', json(withProofHashes(receipts.get(6)!, proofHashLines(receipts.get(6)!).slice(1))));
    const [ok, notOk] = await Promise.all([spawnCli(good, '--log-key', logKey, '--file', imageFile), spawnCli(bad, '--log-key', logKey)]);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/receipt verified/);
    expect(notOk.code, notOk.stdout + notOk.stderr).toBe(1);
    expect(notOk.stdout).toMatch(/^FAIL\s+inclusion\b/m);
  }, 30_000);
});

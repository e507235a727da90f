import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { Command } from 'commander';
import { nodeCrypto } from '../registry/crypto-node.js';
import { auditLog } from '../registry/audit.js';
import { verifyReceipt, type ReceiptVerification } from '../registry/verify-receipt.js';
import { openCheckpoint } from '../registry/checkpoint.js';
import { verifyConsistency } from '../registry/merkle.js';
import { parseWitnessVerifierKey, verifyCosignedCheckpoint, witnessPolicy } from '../registry/cosignature.js';
import { parseVerifierKey } from '../registry/signed-note.js';
import { parseTlogProof } from '../registry/tlog-proof.js';
import { addInstanceOptions, withApp } from './context.js';
import { registerRegisterCommand } from './register.command.js';

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** `wenyuan register`, `wenyuan verify` and `wenyuan registry …`: the transparency log from the command line. */
export function registerRegistryCommands(program: Command): void {
  registerRegisterCommand(program);

  program
    .command('verify <receipt>')
    .description('check a receipt offline: entry, inclusion proof, checkpoint signature, and optionally the file')
    .option('--file <path>', 'the registered file: its sha256 must be the registered content')
    .option('--log-key <vkey-or-file>', "the log's verifier key to trust (without it the receipt's own key is used, which proves little)")
    .option('--witness <vkey-or-file>', "a witness's verifier key whose cosignature counts (repeatable)", (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--quorum <k>', 'how many of the --witness keys must have cosigned the checkpoint (default: all of them)')
    .option('--later <bundle.json>', 'a later checkpoint with its consistency proof (GET /api/registry/consistency-bundle?from=<tree size>): proves the receipt’s tree is still inside the log')
    .option('--json', 'print the result as JSON')
    .action(async (receiptPath: string, options: { file?: string; logKey?: string; witness: string[]; quorum?: string; later?: string; json?: boolean }) => {
      const stat = fs.statSync(receiptPath, { throwIfNoEntry: false });
      if (!stat?.isFile()) throw new Error(`no receipt file at ${receiptPath}`);
      if (stat.size > 1024 * 1024) throw new Error(`${receiptPath} is ${stat.size} bytes; a receipt is a few kilobytes`);
      const pinned = options.logKey ? (fs.existsSync(options.logKey) ? fs.readFileSync(options.logKey, 'utf8').trim() : options.logKey.trim()) : undefined;
      const result = await verifyReceipt(fs.readFileSync(receiptPath), {
        crypto: nodeCrypto,
        ...(pinned ? { pinnedLogKey: pinned } : {}),
        ...(options.file ? { fileSha256: await sha256File(options.file) } : {}),
      });
      if (options.witness.length > 0 || options.quorum !== undefined) await checkWitnesses(result, fs.readFileSync(receiptPath, 'utf8'), pinned, options.witness, options.quorum);
      if (options.later) await checkLater(result, options.later, pinned ?? (JSON.parse(fs.readFileSync(receiptPath, 'utf8')) as { log?: { verifierKey?: string } }).log?.verifierKey);
      if (options.json) console.log(JSON.stringify(result, null, 2));
      else {
        for (const c of result.checks) console.log(`${c.ok ? 'ok  ' : 'FAIL'}  ${c.name.padEnd(22)} ${c.detail}`);
        // Claims no signature covers are shown apart, so nobody mistakes them for verified facts.
        if (result.unsigned.length > 0) {
          console.log('UNSIGNED — in the receipt but covered by no signature; do not rely on them:');
          for (const u of result.unsigned) console.log(`      ${u.field.padEnd(22)} ${u.value}`);
        }
        console.log(result.ok ? 'receipt verified' : 'receipt NOT verified');
      }
      process.exitCode = result.ok ? 0 : 1;
    });

  const registry = program.command('registry').description('the transparency log');
  addInstanceOptions(registry.command('audit').description('recompute the log from the stored entries and check every signed checkpoint and tile').option('--json', 'print the report as JSON')).action(
    async (options: { json?: boolean; dataDir?: string; databaseUrl?: string }) => {
      const report = await withApp(options, async (app) => auditLog(app.registryRepository, await app.registry.log.verifierKey(), undefined, { historySince: app.registry.log.historySince() }));
      if (options.json) console.log(JSON.stringify(report, null, 2));
      else {
        console.log(`${report.entries} entries, ${report.checkpoints} checkpoints: ${report.ok ? 'consistent' : `${report.problems.length} problem(s)`}`);
        if (report.unboundEntries > 0) console.log(`  note: ${report.unboundEntries} version 1 entries do not sign their registration and work, so those links were not checked`);
        if (report.history.historySince === null) console.log('  note: the checkpoint history begins at the next sequencing (after the upgrade); until then requests are not checked');
        else if (report.history.legacyEntries > 0) console.log(`  note: ${report.history.legacyEntries} entries predate sealed registration requests (before the upgrade), so their requests were not checked`);
        // What no local check can see: the newest entries and checkpoints removed together.
        console.log('  a rollback of the newest entries with their checkpoints is visible only to a witness (see `wenyuan doctor`)');
        for (const p of report.problems.slice(0, 200)) console.log(`  ${p.kind.padEnd(26)} at ${p.index}: ${p.detail}`);
      }
      if (!report.ok) process.exitCode = 2;
    },
  );
}

/** Adds a "witness cosignatures" check: the receipt's checkpoint must carry k of the given witnesses' cosignatures. */
async function checkWitnesses(result: ReceiptVerification, receiptText: string, pinnedLogKey: string | undefined, witnessKeys: string[], quorum: string | undefined): Promise<void> {
  let ok = false;
  let detail: string;
  try {
    const keys = witnessKeys.map((k) => (fs.existsSync(k) ? fs.readFileSync(k, 'utf8').trim() : k.trim()));
    const witnesses = await Promise.all(keys.map((k) => parseWitnessVerifierKey(k, nodeCrypto)));
    const k = quorum === undefined ? witnesses.length : Number(quorum);
    const receipt = JSON.parse(receiptText) as { log: { origin: string; verifierKey: string }; proof: string };
    const logVerifier = await parseVerifierKey(pinnedLogKey ?? receipt.log.verifierKey, nodeCrypto);
    const opened = await verifyCosignedCheckpoint(parseTlogProof(receipt.proof).checkpoint, logVerifier, witnessPolicy(witnesses, k), {
      origin: receipt.log.origin, now: Math.floor(Date.now() / 1000),
    });
    ok = true;
    detail = `${opened.cosignatures.length} of the required ${k}: ${opened.cosignatures.map((c) => `${c.name} at ${new Date(c.timestamp * 1000).toISOString()}`).join(', ') || 'none required'}`;
  } catch (error) {
    detail = (error as Error).message;
  }
  result.checks.push({ name: 'witness cosignatures', ok, detail });
  result.ok &&= ok;
}

/**
 * Adds a "consistency" check: a later checkpoint, signed by the same log key, and a proof that the
 * receipt's tree is a prefix of it — the log was not rewritten after the receipt was issued.
 */
async function checkLater(result: ReceiptVerification, bundlePath: string, logKey: string | undefined): Promise<void> {
  const fail = (detail: string) => {
    result.checks.push({ name: 'consistency', ok: false, detail });
    result.ok = false;
  };
  if (result.treeSize === null || result.rootHash === null || !logKey) return fail('the receipt itself did not verify, so there is nothing to extend');
  const stat = fs.statSync(bundlePath, { throwIfNoEntry: false });
  if (!stat?.isFile() || stat.size > 1024 * 1024) return fail(`${bundlePath} is not a consistency bundle file (at most 1 MiB)`);
  let bundle: { type?: unknown; checkpoint?: unknown; proof?: unknown };
  try {
    bundle = JSON.parse(fs.readFileSync(bundlePath, 'utf8')) as typeof bundle;
  } catch (error) {
    return fail(`${bundlePath}: not JSON (${(error as Error).message})`);
  }
  if (bundle.type !== 'wenyuan.registry.consistency/v1' || typeof bundle.checkpoint !== 'string' || !Array.isArray(bundle.proof) || !bundle.proof.every((h) => typeof h === 'string')) {
    return fail(`${bundlePath}: not a wenyuan.registry.consistency/v1 bundle`);
  }
  try {
    const later = await openCheckpoint(bundle.checkpoint, await parseVerifierKey(logKey, nodeCrypto), { ...(result.origin ? { origin: result.origin } : {}) });
    if (later.size < result.treeSize) return fail(`the later checkpoint (size ${later.size}) is older than the receipt's (size ${result.treeSize})`);
    verifyConsistency(result.treeSize, later.size, Buffer.from(result.rootHash, 'base64'), later.rootHash, (bundle.proof as string[]).map((h) => Buffer.from(h, 'base64')));
    result.checks.push({ name: 'consistency', ok: true, detail: `the tree of size ${result.treeSize} is a prefix of the later signed tree of size ${later.size}` });
  } catch (error) {
    fail((error as Error).message);
  }
}

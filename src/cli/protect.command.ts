import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { KeyStore } from '../platform/keystore.js';
import { fingerprintImage } from '../protect/fingerprint.js';
import { detectWatermark, embedWatermark } from '../protect/watermark/index.js';
import { serialToPayload } from '../protect/watermark-copies.js';
import { watermarkKey } from '../protect/watermark-key.js';
import { actorFromUsername, addInstanceOptions, configFrom, withApp } from './context.js';
import type { Actor } from '../govern/roles.js';
import type { ScanResult } from '../protect/scan.service.js';

const PAYLOAD_HEX = /^[0-9a-fA-F]{12}$/;

/** The watermark key: `--key` (a file holding base64 or hex, or the hex itself), else the instance's own. */
function resolveKey(options: { key?: string; dataDir?: string; databaseUrl?: string }): Uint8Array {
  if (!options.key) return watermarkKey(new KeyStore(path.join(configFrom(options).dataDir, 'keys')));
  const text = fs.existsSync(options.key) ? fs.readFileSync(options.key, 'utf8').trim() : options.key.trim();
  const bytes = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (bytes.length !== 32) throw new Error('--key must be 32 bytes, as 64 hex digits or base64 (in a file or inline)');
  return bytes;
}

function requireFile(file: string): void {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat?.isFile()) throw new Error(`no file at ${file}`);
}

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff', '.gif', '.avif', '.heic', '.heif']);

/** The image files to scan: the file itself, or every image under a folder (sorted, hidden files skipped). */
function scanTargets(target: string): string[] {
  const stat = fs.statSync(target, { throwIfNoEntry: false });
  if (!stat) throw new Error(`nothing at ${target}`);
  if (stat.isFile()) return [target];
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && IMAGE_EXTENSIONS.has(path.extname(entry.name).toLowerCase())) out.push(full);
    }
  };
  walk(target);
  return out.sort();
}

function describeScan(r: ScanResult): string {
  const lines = [`${r.name}: ${r.status === 'error' ? `error — ${r.error}` : r.status === 'unmatchable' ? 'too flat to match' : r.status === 'no_match' ? 'no matching work' : `${r.matches.length} matching work(s)`}`];
  for (const m of r.matches) {
    lines.push(`  ${m.workId}  distance ${m.distance}  ${m.title ?? ''}`.trimEnd());
    lines.push(`    likely: ${m.transforms.join('; ')}`);
    for (const receipt of m.receipts.slice(0, 3)) lines.push(`    receipt: entry ${receipt.index} ${receipt.url}`);
  }
  if (r.watermark?.payload) {
    const copy = r.watermark.copy;
    lines.push(`  watermark ${r.watermark.payload}${copy ? ` — copy ${copy.serial} of work ${copy.workId} for ${copy.recipient ?? 'an unknown recipient'} (${copy.purpose}, ${copy.createdAt})` : ''}`);
  } else if (r.watermark?.hidden) lines.push('  watermark of this archive, on a copy you may not see');
  else if (r.watermark) lines.push('  no watermark of this archive');
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  return lines.join('\n');
}

/** `wenyuan fingerprint`, `wenyuan watermark embed|detect` and `wenyuan scan`: the protection tools for scripting. */
export function registerProtectCommands(program: Command): void {
  addInstanceOptions(
    program
      .command('scan <file-or-folder>')
      .description("look for this archive's works in suspect images: matches, likely transformations, watermark, receipts")
      .option('--as <username>', 'see only what this user may see (default: everything, as the instance administrator)')
      .option('--json', 'print one JSON object: { items: [...] }'),
  ).action(async (target: string, options: { as?: string; json?: boolean; dataDir?: string; databaseUrl?: string }) => {
    const files = scanTargets(target);
    if (files.length === 0) throw new Error(`no image files under ${target}`);
    const items = await withApp(options, async (app) => {
      const actor: Actor = options.as ? await actorFromUsername(app, options.as) : { kind: 'user', id: '(command line)', username: '(command line)', role: 'admin' };
      const out: ScanResult[] = [];
      for (const file of files) {
        const result = await app.scans.scanFile(actor, file, path.relative(fs.statSync(target).isFile() ? path.dirname(target) : target, file));
        if (!options.json) console.log(describeScan(result));
        out.push(result);
      }
      return out;
    });
    if (options.json) console.log(JSON.stringify({ items }));
    else console.log(`${items.length} file(s): ${items.filter((i) => i.status === 'matched').length} matched, ${items.filter((i) => i.status === 'error').length} could not be read`);
  });

  program
    .command('fingerprint <image>')
    .description('print the perceptual fingerprints of an image: PDQ (with rotations, mirrors and crops) and ISCC codes')
    .option('--name <title>', 'title for the ISCC Meta-Code')
    .option('--json', 'print one JSON object')
    .action(async (image: string, options: { name?: string; json?: boolean }) => {
      requireFile(image);
      const fingerprint = await fingerprintImage(image, { maxPixels: configFrom({}).maxImagePixels, name: options.name ?? null });
      if (options.json) {
        console.log(JSON.stringify(fingerprint));
        return;
      }
      console.log(`pdq       ${fingerprint.pdq.hash}  quality ${fingerprint.pdq.quality}${fingerprint.matchable ? '' : ' (too flat to match)'}`);
      for (const v of fingerprint.variants.slice(1)) console.log(`  ${v.transform.padEnd(10)} ${v.hash}`);
      for (const c of fingerprint.crops) console.log(`  ${`crop ${Math.round(c.cropPerSide * 100)}%`.padEnd(10)} ${c.hash}`);
      if (fingerprint.iscc) for (const [unit, code] of Object.entries(fingerprint.iscc)) console.log(`${`iscc ${unit}`.padEnd(18)} ${code}`);
      for (const w of fingerprint.warnings) console.log(`warning: ${w}`);
    });

  const watermark = program.command('watermark').description('invisible, keyed watermarks carrying a 48-bit payload');
  addInstanceOptions(
    watermark
      .command('embed <in> <out>')
      .description('write a watermarked copy of an image')
      .requiredOption('--payload <hex>', 'the 48-bit payload, as 12 hex digits')
      .option('--key <file-or-hex>', "the 32-byte watermark key (default: this instance's key in <data-dir>/keys/watermark.key)")
      .option('--quality <q>', 'JPEG/WebP quality of the output (default 92)')
      .option('--json', 'print the result as JSON'),
  ).action(async (input: string, output: string, options: { payload: string; key?: string; quality?: string; json?: boolean; dataDir?: string; databaseUrl?: string }) => {
    requireFile(input);
    if (!PAYLOAD_HEX.test(options.payload)) throw new Error('--payload must be exactly 12 hex digits (48 bits)');
    const ext = path.extname(output).toLowerCase();
    const format = ext === '.png' ? 'png' : ext === '.webp' ? 'webp' : ext === '.jpg' || ext === '.jpeg' ? 'jpeg' : null;
    if (!format) throw new Error(`cannot tell the output format from "${output}": use a .png, .jpg or .webp name`);
    const quality = options.quality === undefined ? undefined : Number(options.quality);
    if (quality !== undefined && !(Number.isInteger(quality) && quality >= 1 && quality <= 100)) throw new Error('--quality must be an integer from 1 to 100');
    const result = await embedWatermark(input, {
      key: resolveKey(options),
      payload: Buffer.from(options.payload, 'hex'),
      format,
      ...(quality !== undefined ? { quality } : {}),
      maxPixels: configFrom(options).maxImagePixels,
    });
    // Written beside the target and renamed, so a failed run never leaves half an image.
    const tmp = `${output}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, result.data);
    fs.renameSync(tmp, output);
    const summary = { output, payload: options.payload.toLowerCase(), psnr: Number(result.psnr.toFixed(2)), width: result.width, height: result.height };
    console.log(options.json ? JSON.stringify(summary) : `wrote ${output} (${result.width}×${result.height}), PSNR ${summary.psnr} dB`);
  });

  addInstanceOptions(
    watermark
      .command('license <work-id> <out>')
      .description("write a licensed copy of a work's image: its watermark names the copy, the licensee and the licence")
      .requiredOption('--licensee <name>', 'who the copy is for (a studio, a film crew; needs no account here)')
      .requiredOption('--as <username>', 'the user issuing it, who must manage the work')
      .option('--reference <text>', 'the licence or contract reference kept with the copy')
      .option('--json', 'print the result as JSON'),
  ).action(async (workId: string, output: string, options: { licensee: string; as: string; reference?: string; json?: boolean; dataDir?: string; databaseUrl?: string }) => {
    if (options.licensee.trim().length === 0 || options.licensee.length > 200) throw new Error('--licensee must be 1 to 200 characters');
    if (options.reference !== undefined && options.reference.length > 200) throw new Error('--reference must be at most 200 characters');
    const copy = await withApp(options, async (app) => app.watermarkCopies.issueLicensed(await actorFromUsername(app, options.as), workId, { licensee: options.licensee, reference: options.reference ?? null }));
    const tmp = `${output}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, copy.data);
    fs.renameSync(tmp, output);
    const summary = { output, serial: copy.serial, payload: Buffer.from(serialToPayload(copy.serial)).toString('hex'), licensee: options.licensee.trim(), reference: options.reference ?? null };
    console.log(options.json ? JSON.stringify(summary) : `wrote ${output}: licensed copy ${copy.serial} for ${summary.licensee}`);
  });

  addInstanceOptions(
    watermark
      .command('detect <image>')
      .description('read the watermark payload of an image, or report that it carries none')
      .option('--key <file-or-hex>', "the 32-byte watermark key (default: this instance's key)")
      .option('--json', 'print one JSON object: { payload: hex or null, confidence }'),
  ).action(async (image: string, options: { key?: string; json?: boolean; dataDir?: string; databaseUrl?: string }) => {
    requireFile(image);
    const result = await detectWatermark(image, { key: resolveKey(options), maxPixels: configFrom(options).maxImagePixels });
    const payload = result.payload ? Buffer.from(result.payload).toString('hex') : null;
    const { payload: _bytes, ...details } = result;
    if (options.json) console.log(JSON.stringify({ ...details, payload }));
    else console.log(payload ? `payload ${payload} (confidence ${result.confidence.toFixed(2)})` : `no watermark found (confidence ${result.confidence.toFixed(2)})`);
    // Exit 0 either way: "no watermark" is an answer, not a failure; errors exit 1 through main.
  });
}

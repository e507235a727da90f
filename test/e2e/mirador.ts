/**
 * Mirador, the IIIF viewer most museums run, for the end-to-end test that opens our manifests in a
 * viewer we did not write. Its npm package ships a self-contained browser bundle; it is fetched
 * with `npm pack` from the registry CI installs everything else from (npm checks the tarball's
 * integrity), once, into a cache outside the repository, rather than making the viewer's 170
 * dependencies a dependency of ours for one test.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const MIRADOR_VERSION = '4.0.0';

/** The path of `mirador.min.js` (UMD, global `Mirador`), fetched on first use. */
export function miradorBundle(): string {
  const dir = path.join(process.env.WENYUAN_TEST_CACHE ?? path.join(os.homedir(), '.cache', 'wenyuan-test'), `mirador-${MIRADOR_VERSION}`);
  const bundle = path.join(dir, 'package', 'dist', 'mirador.min.js');
  if (fs.existsSync(bundle)) return bundle;
  fs.mkdirSync(dir, { recursive: true });
  const tarball = execFileSync('npm', ['pack', `mirador@${MIRADOR_VERSION}`, '--pack-destination', dir, '--silent'], { encoding: 'utf8', timeout: 180_000 }).trim().split('\n').at(-1)!;
  execFileSync('tar', ['-xzf', path.join(dir, tarball), '-C', dir, 'package/dist/mirador.min.js'], { timeout: 60_000 });
  if (!fs.existsSync(bundle)) throw new Error(`mirador ${MIRADOR_VERSION}: no dist/mirador.min.js in the package`);
  return bundle;
}

import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const readJson = (file: string) => JSON.parse(fs.readFileSync(path.join(repoRoot, file), 'utf8')) as Record<string, unknown>;
// semver has no bundled types; these two functions are all this test needs.
const semver = createRequire(import.meta.url)('semver') as {
  minVersion(range: string): { version: string } | null;
  satisfies(version: string, range: string): boolean;
};

// The oldest Node the README promises must be one every installed package accepts; otherwise `npm install`
// warns EBADENGINE on it (as cookie 2, which wants Node 22, did before package.json's "overrides").
describe('the Node.js version', () => {
  const engines = (readJson('package.json').engines as { node: string }).node;
  const oldest = semver.minVersion(engines)!.version;

  it('is the same in package.json and in the README', () => {
    const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const promised = /Requirements: Node\.js ≥ (\d+\.\d+)/.exec(readme)?.[1];
    expect(promised, 'README: "Requirements: Node.js ≥ x.y"').toBeDefined();
    expect(semver.minVersion(`>=${promised}`)!.version).toBe(oldest);
  });

  it('is accepted by every package in the lockfile', () => {
    const packages = readJson('package-lock.json').packages as Record<string, { version?: string; engines?: { node?: string } }>;
    const refusing = Object.entries(packages)
      .filter(([, entry]) => entry.engines?.node && !semver.satisfies(oldest, entry.engines.node))
      .map(([where, entry]) => `${where.replace(/^.*node_modules\//, '')}@${entry.version} wants node ${entry.engines!.node}`);
    expect(refusing, `packages that refuse Node ${oldest}`).toEqual([]);
  });
});

import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * `npm start` gives the main thread 64 MiB semi-spaces, and V8 lets that process-wide flag override
 * a thread's own limits: at a million works the suggestion thread then held a young generation of
 * 128 MiB. Threads started through startThread get the size they ask for (or about V8's default).
 */
describe('startThread', () => {
  it('sizes each thread’s young generation itself, whatever the main thread was given', () => {
    const out = execFileSync(process.execPath, ['--max-semi-space-size=64', '--import', 'tsx', path.join(here, 'threads.child.ts')], { encoding: 'utf8', timeout: 60_000 });
    const sizes = JSON.parse(out.trim().split('\n').at(-1)!) as { default: number; asked: number };
    // new_space is two semi-spaces: 128 MiB under the process flag.
    expect(sizes.default).toBeLessThanOrEqual(48);
    expect(sizes.asked).toBeGreaterThan(sizes.default);
    expect(sizes.asked).toBeLessThan(128);
  });

  it('starts a thread with the initial old generation it asks for, and only that thread', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', path.join(here, 'threads-old.child.ts')], { encoding: 'utf8', timeout: 60_000 });
    const majors = JSON.parse(out.trim().split('\n').at(-1)!) as { before: number; asked: number; after: number };
    // ~40 MB of live objects: V8's small initial old generation collects on the way (2 here), 128 MiB does not (0).
    expect(majors.asked).toBeLessThan(majors.before);
    // The process flag is back to V8's default for threads started later.
    expect(majors.after).toBeGreaterThan(majors.asked);
  });
});

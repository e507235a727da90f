// Run as `node --import tsx threads-old.child.ts`: prints the mark-compacts a thread needed to build up
// the same live heap with V8's initial old generation, with 128 MiB asked, and once more without asking
// (the process flag must be back to V8's default by then).
import { startThread } from '../../src/platform/threads.js';

const entry = new URL('./fixtures/old-generation.worker.mjs', import.meta.url);
const majorsOf = (options?: Parameters<typeof startThread>[1]) =>
  new Promise<number>((resolve, reject) => {
    const worker = startThread(entry, options);
    worker.once('message', (n: number) => void worker.terminate().then(() => resolve(n)));
    worker.once('error', reject);
  });
const before = await majorsOf();
const asked = await majorsOf({ initialOldGenerationMb: 128 });
const after = await majorsOf();
console.log(JSON.stringify({ before, asked, after }));

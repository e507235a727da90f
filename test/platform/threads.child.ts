// Run as `node --max-semi-space-size=64 --import tsx threads.child.ts` (as `npm start` runs the server):
// prints the young generation (MiB) of a thread started through startThread, and of one asking for its own.
import { startThread } from '../../src/platform/threads.js';

const entry = new URL('./fixtures/young-generation.worker.mjs', import.meta.url);
const youngOf = (options?: Parameters<typeof startThread>[1]) =>
  new Promise<number>((resolve, reject) => {
    const worker = startThread(entry, options);
    worker.once('message', (mib: number) => void worker.terminate().then(() => resolve(mib)));
    worker.once('error', reject);
  });
console.log(JSON.stringify({ default: await youngOf(), asked: await youngOf({ resourceLimits: { maxYoungGenerationSizeMb: 96 } }) }));

#!/usr/bin/env node
// Entry point: runs the compiled CLI (npm run build produces dist/).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// `npm start` gives the main thread a larger young generation (`node --max-semi-space-size=64`): the
// server makes many short-lived buffers (proof tiles, thumbnails), and V8's default semi-space turns
// them into frequent pauses. Set here at run time it would not reach the main thread (measured), only
// the worker threads started later, which size their own (src/platform/threads.ts).

const compiled = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (!existsSync(compiled)) {
  console.error('wenyuan is not built yet: run `npm run build` (or `npm install`, which builds it) first.');
  process.exit(1);
}
const { main } = await import(compiled);
await main(process.argv);

#!/usr/bin/env node
// Entry point: runs the compiled CLI (npm run build produces dist/).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';

// A larger young generation: the server makes many short-lived buffers (proof tiles, thumbnails),
// and V8's default 16 MiB semi-space turns them into frequent pauses. `npm start` passes the same
// flag on the command line, where it takes full effect.
v8.setFlagsFromString('--max-semi-space-size=64');

const compiled = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (!existsSync(compiled)) {
  console.error('wenyuan is not built yet: run `npm run build` (or `npm install`, which builds it) first.');
  process.exit(1);
}
const { main } = await import(compiled);
await main(process.argv);

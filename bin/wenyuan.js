#!/usr/bin/env node
// Entry point: runs the compiled CLI (npm run build produces dist/).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (!existsSync(compiled)) {
  console.error('wenyuan is not built yet: run `npm run build` (or `npm install`, which builds it) first.');
  process.exit(1);
}
const { main } = await import(compiled);
await main(process.argv);

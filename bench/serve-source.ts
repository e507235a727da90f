// Runs the CLI from source (no build needed), for benchmarks that start a real server process:
// node --import tsx bench/serve-source.ts serve --data-dir … --port …
import { main } from '../src/cli/main.js';

await main(process.argv);

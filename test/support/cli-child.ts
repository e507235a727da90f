// `wenyuan` from the sources, for tests that need the command as its own process (exit codes, hangs,
// terminals): node --import tsx test/support/cli-child.ts <command> …
import { main } from '../../src/cli/main.js';

await main(process.argv);

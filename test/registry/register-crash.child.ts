/**
 * Child process for register-crash.test.ts (not a test itself): runs `wenyuan <args>` exactly as the
 * command line would, so that the parent can SIGKILL a real `wenyuan register` in the middle of a batch.
 */
import path from 'node:path';
import { main } from '../../src/cli/main.js';

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename ?? '')) {
  await main(['node', 'wenyuan', ...process.argv.slice(2)]);
}

import v8 from 'node:v8';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** Young generation of a thread that does not ask for its own (MiB): about V8's usual default. */
const DEFAULT_YOUNG_GENERATION_MB = 48;

let processFlagCleared = false;

/**
 * `npm start` gives the main thread 64 MiB semi-spaces (`--max-semi-space-size=64`), and V8 lets that
 * process-wide flag override a thread's own `resourceLimits`: every thread would then grow a young
 * generation of over 128 MiB (measured in the suggestion thread at a million works). The main
 * thread's heap was sized when it started, so clearing the flag now leaves it as it is (measured) and
 * lets each thread have the size it asks for.
 */
function clearProcessSemiSpaceFlag(): void {
  if (processFlagCleared) return;
  processFlagCleared = true;
  v8.setFlagsFromString('--max-semi-space-size=0');
}

/**
 * Starts a worker thread on a module beside the caller's (`entry`, .ts under tsx in tests and
 * benchmarks, .js when compiled): the sources' thread registers tsx before loading its entry.
 */
export function startThread(entry: URL, options: WorkerOptions = {}): Worker {
  clearProcessSemiSpaceFlag();
  const resourceLimits = { maxYoungGenerationSizeMb: DEFAULT_YOUNG_GENERATION_MB, ...options.resourceLimits };
  return entry.pathname.endsWith('.ts')
    ? new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); });`, { ...options, eval: true, resourceLimits })
    : new Worker(entry, { ...options, resourceLimits });
}

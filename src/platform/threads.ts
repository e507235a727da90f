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

/** Threads started with an initial old generation of their own whose heap may not exist yet. */
let startingWithOldGeneration = 0;

/**
 * Starts a worker thread on a module beside the caller's (`entry`, .ts under tsx in tests and
 * benchmarks, .js when compiled): the sources' thread registers tsx before loading its entry.
 *
 * `initialOldGenerationMb`: the old generation the thread's heap starts with. V8 sizes it small and
 * grows it by what survives; a thread that allocates frames of typed arrays all the time then runs
 * an incremental mark-compact every image or so (225 for 181 images in the protect pool, with the
 * marking barrier and the concurrent markers' CPU besides). `resourceLimits` has no such setting,
 * so the process flag is set while the thread's heap is made (the isolate reads it then) and
 * cleared once it runs; a thread started in that moment gets it too.
 */
export function startThread(entry: URL, options: WorkerOptions & { initialOldGenerationMb?: number } = {}): Worker {
  clearProcessSemiSpaceFlag();
  const { initialOldGenerationMb, ...workerOptions } = options;
  const resourceLimits = { maxYoungGenerationSizeMb: DEFAULT_YOUNG_GENERATION_MB, ...workerOptions.resourceLimits };
  if (initialOldGenerationMb && startingWithOldGeneration++ === 0) v8.setFlagsFromString(`--initial-old-space-size=${initialOldGenerationMb}`);
  const worker = entry.pathname.endsWith('.ts')
    ? new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); });`, { ...workerOptions, eval: true, resourceLimits })
    : new Worker(entry, { ...workerOptions, resourceLimits });
  if (initialOldGenerationMb) {
    let started = false;
    const done = () => {
      if (started) return;
      started = true;
      if (--startingWithOldGeneration === 0) v8.setFlagsFromString('--initial-old-space-size=0');
    };
    worker.once('online', done);
    worker.once('exit', done);
  }
  return worker;
}

import { parentPort } from 'node:worker_threads';
import { parseStoredMetadata } from '../archive/metadata.schema.js';
import { SuggestIndex, SuggestIndexBuilder } from './suggest-index.js';
import type { SuggestThreadReply, SuggestThreadRequest } from './suggest-thread.js';

/**
 * The suggestion index's thread: it owns the index, builds it from the rows the main thread reads
 * (folding, pinyin and the final sort are seconds of CPU at 100,000 works), follows visibility
 * changes and answers lookups, so none of that runs on the event loop that serves requests.
 */
let index: SuggestIndex | null = null;
/** Works whose visibility was written since the answering index was built (true: public now). */
let changed = new Map<number, boolean>();
let builder: SuggestIndexBuilder | null = null;
/** The same, since the build under way began: the next index's `changed`. */
let changedDuringBuild: Map<number, boolean> | null = null;

const port = parentPort;
if (!port) throw new Error('suggest.worker.ts runs as a worker thread');

function reply(message: SuggestThreadReply): void {
  port!.postMessage(message);
}

port.on('message', (request: SuggestThreadRequest) => {
  try {
    switch (request.type) {
      case 'begin':
        builder = new SuggestIndexBuilder(request.maxTitles);
        changedDuringBuild = new Map();
        return;
      case 'rows':
        if (!builder) throw new Error('rows before begin');
        for (const row of request.rows) {
          const metadata = parseStoredMetadata(row.metadata);
          builder.add({ seq: row.seq, id: row.id, isPublic: row.visibility === 'public', title: metadata.title, creators: metadata.creators.map((c) => c.name), place: metadata.place });
        }
        reply({ id: request.id, ok: true });
        return;
      case 'end': {
        if (!builder || !changedDuringBuild) throw new Error('end before begin');
        // The build read every work at some moment after it began; what was written since is applied on top.
        index = builder.build();
        changed = changedDuringBuild;
        builder = null;
        changedDuringBuild = null;
        reply({ id: request.id, ok: true, size: index.size });
        return;
      }
      case 'visibility':
        for (const [seq, isPublic] of request.changes) {
          changed.set(seq, isPublic);
          changedDuringBuild?.set(seq, isPublic);
        }
        return;
      case 'suggest':
        reply({ id: request.id, ok: true, suggestions: index ? index.suggest(request.typed, request.limit, { staff: request.staff, changed }) : [] });
        return;
    }
  } catch (error) {
    // A failed build leaves the old index answering; the main thread hears why.
    builder = null;
    changedDuringBuild = null;
    if ('id' in request) reply({ id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) });
  }
});

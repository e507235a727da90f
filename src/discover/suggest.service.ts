import { isStaff, type Actor } from '../govern/roles.js';
import { suggestKey, type Suggestion } from './suggest-index.js';
import { SuggestThread } from './suggest-thread.js';
import type { SuggestRepository } from './suggest.repository.js';

/** Works read per batch while building; the event loop runs between batches. */
const BUILD_BATCH = 500;
/** A burst of edits (an import) waits this long after the first change, so it costs one rebuild, not one per work. */
const REBUILD_DELAY_MS = 1_000;
/**
 * Rebuilds start at most this often: a build at 100,000 works takes seconds of CPU (in the index's
 * own thread, but a core all the same), and a new label can wait; visibility never waits.
 */
const REBUILD_INTERVAL_MS = 30_000;

export type { Suggestion };

/**
 * Search-as-you-type: titles, creators and places that start with what was typed (or whose pinyin
 * or initials do), from an in-memory prefix index (suggest-index.ts).
 *
 * Who sees what: staff every work, everyone else public works only. An owner's own private works
 * are not suggested to them: that would take an index per owner, and "Mine" in the catalogue finds
 * them. Whether a work is public is followed on every request (works written since the last
 * request, read by `change_version`, correct the index's counts), so a work made private drops
 * out of suggestions at once. The
 * labels themselves (a new work, an edited title) are rebuilt in the background, off the request
 * path, a second after the catalogue changes (at most every 30 seconds); until then a new work is
 * not yet suggested. The index lives in a worker thread (`suggest.worker.ts`): building, sorting
 * and lookups never hold the event loop; this side reads the database and forwards.
 */
export class SuggestService {
  private readonly thread = new SuggestThread();
  /** The thread generation whose index answers (−1: none yet). */
  private indexGeneration = -1;
  private building: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private dirty = false;
  private lastBuildAt = 0;
  /** The catalogue version up to which every write has been read. */
  private seen = -1;
  /** The same for deletions (work_tombstones): a deleted row is never among the works changed since. */
  private deletionsSeen = -1;
  private syncing: Promise<void> | null = null;

  constructor(
    private readonly repository: SuggestRepository,
    /** Works whose titles are suggested, at most (config `suggestMaxTitles`; 0: all). */
    private readonly maxTitles = 0,
  ) {}

  /** Builds the index now, so the first visitor to type does not wait for it. */
  async warm(): Promise<void> {
    await this.sync();
    if (!this.hasIndex()) await this.build();
  }

  /** Rebuilds the labels now (tests and benchmarks; the service does it by itself after changes). */
  async refresh(): Promise<void> {
    await this.sync();
    // A build under way may have read the works before the latest change: wait for it, then build anew.
    if (this.building) await this.building.catch(() => undefined);
    await this.build();
  }

  async suggest(actor: Actor, typed: string, limit: number): Promise<Suggestion[]> {
    if (!suggestKey(typed)) return [];
    await this.sync();
    for (let attempt = 0; ; attempt++) {
      if (!this.hasIndex()) await this.build();
      const answer = await this.thread.call({ type: 'suggest', typed, limit, staff: isStaff(actor) });
      // Answered by a thread started since (the old one died): it has no index yet — build, ask again once.
      if (this.hasIndex() || attempt > 0) return answer.suggestions ?? [];
    }
  }

  /** Stops the index's thread (the app's close). */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.thread.close();
  }

  /** Whether the running thread holds an index (a thread that died took its index with it). */
  private hasIndex(): boolean {
    return this.thread.alive && this.indexGeneration === this.thread.generation;
  }

  /** Reads the works written since the last look: their visibility now (to the thread), and a rebuild to come when labels may have changed. */
  private async sync(): Promise<void> {
    while (this.syncing) await this.syncing;
    const current = await this.repository.version();
    if (current <= this.seen) return;
    // The first look: no index yet, so nothing to correct; the first build reads what is there now.
    if (this.seen < 0 && !this.hasIndex() && !this.building) {
      this.seen = current;
      this.deletionsSeen = current;
      return;
    }
    this.syncing = (async () => {
      for (;;) {
        const rows = await this.repository.changedSince(this.seen, 10_000);
        if (rows.length === 0) break;
        this.thread.send({ type: 'visibility', changes: rows.map((row) => [row.seq, row.visibility === 'public']) });
        for (const row of rows) this.seen = Math.max(this.seen, row.changeVersion);
      }
      // A deleted work drops out of visitors' suggestions at once, as if made private; the rebuild
      // scheduled below removes it for staff too.
      for (let after: number | null = null; ; ) {
        const deleted = await this.repository.deletedSince(this.deletionsSeen, after, 10_000);
        if (deleted.length === 0) break;
        this.thread.send({ type: 'visibility', changes: deleted.map((row) => [row.seq, false]) });
        this.deletionsSeen = deleted[deleted.length - 1]!.changeVersion;
        after = deleted[deleted.length - 1]!.seq;
      }
      // Versions are taken in commit order: everything up to `current` has been read.
      this.seen = Math.max(this.seen, current);
      this.scheduleRebuild();
    })().finally(() => {
      this.syncing = null;
    });
    await this.syncing;
  }

  private scheduleRebuild(): void {
    this.dirty = true;
    if (this.timer || this.building || !this.hasIndex()) return;
    const wait = Math.max(REBUILD_DELAY_MS, this.lastBuildAt + REBUILD_INTERVAL_MS - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      // On failure the old index keeps answering; the next change tries again.
      this.build().catch(() => undefined);
    }, wait);
    this.timer.unref();
  }

  /** Streams every work's row to the thread, which builds a new index and then answers with it (one build at a time). */
  private build(): Promise<void> {
    if (this.building) return this.building;
    this.dirty = false;
    this.lastBuildAt = Date.now();
    this.building = (async () => {
      // Visibility changes sent from here on reach the new index too (the thread keeps them for it).
      this.thread.send({ type: 'begin', maxTitles: this.maxTitles });
      const generation = this.thread.generation;
      // One batch in the thread while the next is read: the queue never holds the whole catalogue.
      let inThread: Promise<unknown> = Promise.resolve();
      for (let after = 0; ; ) {
        const rows = await this.repository.batch(after, BUILD_BATCH);
        await inThread;
        if (rows.length === 0) break;
        inThread = this.thread.call({ type: 'rows', rows });
        after = rows[rows.length - 1]!.seq;
      }
      await this.thread.call({ type: 'end' });
      // A thread that died mid-build lost the rows: the answer came from no index of ours.
      if (this.thread.generation !== generation) throw new Error('the suggestion thread restarted during a build');
      this.indexGeneration = generation;
    })().finally(() => {
      this.building = null;
      // Changes that arrived while building get their own rebuild.
      if (this.dirty && this.hasIndex()) this.scheduleRebuild();
    });
    return this.building;
  }
}

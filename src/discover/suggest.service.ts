import { parseStoredMetadata } from '../archive/metadata.schema.js';
import { isStaff, type Actor } from '../govern/roles.js';
import { SuggestIndex, SuggestIndexBuilder, suggestKey, type Suggestion } from './suggest-index.js';
import type { SuggestRepository } from './suggest.repository.js';

/** Works read per batch while building; the event loop runs between batches. */
const BUILD_BATCH = 500;
/** A burst of edits (an import) waits this long after the first change, so it costs one rebuild, not one per work. */
const REBUILD_DELAY_MS = 1_000;
/**
 * Rebuilds start at most this often: a build at 100,000 works takes seconds of CPU (its final sort
 * holds the event loop for a second or two), and a new label can wait; visibility never waits.
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
 * not yet suggested.
 */
export class SuggestService {
  private index: SuggestIndex | null = null;
  private building: Promise<SuggestIndex> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private dirty = false;
  private lastBuildAt = 0;
  /** The catalogue version up to which every write has been read. */
  private seen = -1;
  private syncing: Promise<void> | null = null;
  /** Works whose visibility was written since the answering index was built (true: public now). */
  private changed = new Map<number, boolean>();
  /** The same, since the build under way started: the next index's `changed`. */
  private changedDuringBuild: Map<number, boolean> | null = null;

  constructor(private readonly repository: SuggestRepository) {}

  /** Builds the index now, so the first visitor to type does not wait for it. */
  async warm(): Promise<void> {
    await this.sync();
    if (!this.index) await this.build();
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
    const index = this.index ?? (await this.build());
    const staff = isStaff(actor);
    return index.suggest(typed, limit, { staff, changed: this.changed });
  }

  /** Reads the works written since the last look: their visibility now, and a rebuild to come when labels may have changed. */
  private async sync(): Promise<void> {
    while (this.syncing) await this.syncing;
    const current = await this.repository.version();
    if (current <= this.seen) return;
    // The first look: no index yet, so nothing to correct; the first build reads what is there now.
    if (this.seen < 0 && !this.index && !this.building) {
      this.seen = current;
      return;
    }
    this.syncing = (async () => {
      for (;;) {
        const rows = await this.repository.changedSince(this.seen, 10_000);
        if (rows.length === 0) break;
        for (const row of rows) {
          const isPublic = row.visibility === 'public';
          this.changed.set(row.seq, isPublic);
          this.changedDuringBuild?.set(row.seq, isPublic);
          this.seen = Math.max(this.seen, row.changeVersion);
        }
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
    if (this.timer || this.building || !this.index) return;
    const wait = Math.max(REBUILD_DELAY_MS, this.lastBuildAt + REBUILD_INTERVAL_MS - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      // On failure the old index keeps answering; the next change tries again.
      this.build().catch(() => undefined);
    }, wait);
    this.timer.unref();
  }

  /** Reads every work's titles, creators and places into a new index, which then answers (one build at a time). */
  private build(): Promise<SuggestIndex> {
    if (this.building) return this.building;
    this.dirty = false;
    this.lastBuildAt = Date.now();
    const changedDuringBuild = new Map<number, boolean>();
    this.changedDuringBuild = changedDuringBuild;
    this.building = (async () => {
      const builder = new SuggestIndexBuilder();
      for (let after = 0; ; ) {
        const rows = await this.repository.batch(after, BUILD_BATCH);
        if (rows.length === 0) break;
        for (const row of rows) {
          const metadata = parseStoredMetadata(row.metadata);
          builder.add({ seq: row.seq, id: row.id, isPublic: row.visibility === 'public', title: metadata.title, creators: metadata.creators.map((c) => c.name), place: metadata.place });
        }
        after = rows[rows.length - 1]!.seq;
        // Let requests in between batches.
        await new Promise((resolve) => setImmediate(resolve));
      }
      const index = builder.build();
      // The build read every work at some moment after it started; what was written since then is applied on top.
      this.index = index;
      this.changed = changedDuringBuild;
      return index;
    })().finally(() => {
      this.building = null;
      this.changedDuringBuild = null;
      // Changes that arrived while building get their own rebuild.
      if (this.dirty && this.index) this.scheduleRebuild();
    });
    return this.building;
  }
}

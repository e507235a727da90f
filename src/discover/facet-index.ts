import type { Actor } from '../govern/roles.js';
import { isStaff } from '../govern/roles.js';
import type { Database } from '../platform/db/database.js';
import { FACETS, type FacetName } from './facets.js';
import { RIGHTS_USES, USE_BITS, inheritedMask, type RightsUse } from './reuse-flags.js';

export interface FacetCountQuery {
  actor: Actor;
  filters: Partial<Record<FacetName, string[]>>;
  yearFrom?: number;
  yearTo?: number;
  collectionIds?: string[];
  ownerId?: string;
  /** Seqs of the works matching the text query, or null when there is none. */
  matching: SeqSet | null;
  /** The reuse bits every work must have (reuse-flags.ts), 0 for no filter. */
  rightsUse?: number;
  facets: FacetName[];
  facetLimit: number;
}

export interface FacetCounts {
  total: number;
  facets: Partial<Record<FacetName, { value: string; count: number }[]>>;
  /** How many of the matching works allow each use. */
  rightsUse: { value: RightsUse; count: number }[];
}

/**
 * A set of work seqs as a bitmap: building it from 100,000 ids and testing membership are array
 * operations (a Set of numbers costs ten times the time and memory for a broad search).
 */
export class SeqSet {
  private constructor(
    private readonly bits: Uint8Array,
    /** How many seqs it was built from (the matches of a search). */
    readonly size: number,
  ) {}

  static of(seqs: ArrayLike<number>): SeqSet {
    let max = 0;
    for (let i = 0; i < seqs.length; i++) if (seqs[i]! > max) max = seqs[i]!;
    const bits = new Uint8Array((max >> 3) + 1);
    for (let i = 0; i < seqs.length; i++) {
      const seq = seqs[i]!;
      bits[seq >> 3]! |= 1 << (seq & 7);
    }
    return new SeqSet(bits, seqs.length);
  }

  has(seq: number): boolean {
    const byte = seq >> 3;
    return byte < this.bits.length && (this.bits[byte]! & (1 << (seq & 7))) !== 0;
  }
}

/** Strings of one column as small integers (-1 = empty), so a count is an array increment. */
class Dictionary {
  readonly values: string[] = [];
  private readonly codes = new Map<string, number>();

  code(value: string | null): number {
    if (value === null) return -1;
    let code = this.codes.get(value);
    if (code === undefined) {
      code = this.values.length;
      this.values.push(value);
      this.codes.set(value, code);
    }
    return code;
  }

  find(value: string): number | undefined {
    return this.codes.get(value);
  }
}

type Codes = Uint8Array | Uint16Array | Int32Array;

/** A typed array of the same kind with room for `length` items, the old ones copied. */
function grown<T extends Codes | Int16Array>(array: T, length: number): T {
  const next = new (array.constructor as new (length: number) => T)(length);
  next.set(array);
  return next;
}

/**
 * One column of works as dictionary codes, stored as code + 1 (0: empty) so that a count can index
 * by the stored value without a test. Stored in the narrowest array the dictionary fits (a byte for
 * up to 255 values, most facets), widened when it outgrows it.
 */
class CodeColumn {
  readonly dictionary = new Dictionary();
  data: Codes;

  constructor(capacity: number) {
    this.data = new Uint8Array(capacity);
  }

  set(position: number, value: string | null): void {
    const stored = this.dictionary.code(value) + 1;
    if (stored > 0xff && this.data instanceof Uint8Array) this.data = Uint16Array.from(this.data);
    if (stored > 0xffff && this.data instanceof Uint16Array) this.data = Int32Array.from(this.data);
    this.data[position] = stored;
  }

  /** What a value is stored as, -1 (never stored) when no work has it. */
  stored(value: string): number {
    const code = this.dictionary.find(value);
    return code === undefined ? -1 : code + 1;
  }

  grow(capacity: number): void {
    this.data = grown(this.data, capacity);
  }
}

/**
 * Per-work flags byte: the work was deleted (its position is never counted again); the work is
 * public; it has reuse bits of its own (then in the low 3 bits).
 */
const DEAD = 32;
const PUBLIC = 16;
const OWN_REUSE = 8;
const REUSE_BITS = 7;
const ownReuse = (bits: number): number => (bits >= 0 ? OWN_REUSE | bits : 0);

/**
 * Years in 16 bits: the metadata schema bounds them to -10,000…3,000. A year beyond ±32,767 (not
 * written by this release) is clamped, which changes no comparison with a year inside that range.
 */
const MISSING_YEAR = -32768;
const yearOf = (year: number | null): number => (year === null ? MISSING_YEAR : Math.max(-32767, Math.min(32767, year)));

const FACET_NAMES = Object.keys(FACETS) as FacetName[];
const INITIAL_CAPACITY = 1024;

/**
 * The facet columns of every work, held in memory as integer columns, so that counting every
 * facet for any combination of filters is one pass over arrays (milliseconds at 100,000 works)
 * instead of one SQL GROUP BY per facet. It follows the database through `works.change_version`,
 * which writers take in commit order: before each count it reads rows newer than the version it
 * has, so counts are never stale and never include a work the reader may not see.
 * Memory: typed arrays that double as works arrive, about 31 bytes per work at a million works
 * (bench/discover/facet-memory.ts: one- and two-byte codes, dictionaries and spare capacity included).
 */
export class FacetIndex {
  private version = -1;
  private syncing: Promise<void> | null = null;
  /** How many works the columns hold; their arrays have room for more (capacity, doubled when full). */
  private length = 0;
  private capacity = INITIAL_CAPACITY;
  /**
   * Position + 1 of each seq's work (0: none), indexed by seq: seqs are autoincrement integers, dense
   * but for deleted works and rolled-back inserts (SeqSet assumes as much).
   */
  private positionOfSeq = new Int32Array(INITIAL_CAPACITY);
  private seq = new Int32Array(INITIAL_CAPACITY);
  /** PUBLIC | OWN_REUSE | reuse bits: license's per-work bits, when it wrote some (else the rights URI decides). */
  private flags = new Uint8Array(INITIAL_CAPACITY);
  private earliest = new Int16Array(INITIAL_CAPACITY);
  private latest = new Int16Array(INITIAL_CAPACITY);
  private readonly owner = new CodeColumn(INITIAL_CAPACITY);
  private readonly collection = new CodeColumn(INITIAL_CAPACITY);
  private readonly columns = new Map<FacetName, CodeColumn>(FACET_NAMES.map((f) => [f, new CodeColumn(INITIAL_CAPACITY)]));
  /** The row field each facet column is loaded from. */
  private readonly loaded = FACET_NAMES.map((f) => ({ column: this.columns.get(f)!, field: FACETS[f] }));

  /** Per-work bits read before their work (a work written after its flags), by seq. */
  private readonly pendingReuse = new Map<number, number>();
  /** What the works of a collection inherit, by collection code: licence bits (-1: none) and the licensable bit. */
  private readonly collectionLicence: number[] = [];
  private readonly collectionLicensable: number[] = [];
  private reuseVersion = -1;
  private collectionReuseVersion = -1;
  /** The catalogue version up to which deletions (work_tombstones) have been read; -1 before the first load. */
  private tombstoneVersion = -1;

  constructor(
    private readonly database: Database,
    /** The reuse bits of a rights URI (license's mapping, through discover's reuse-flags service). */
    private readonly maskOfRights: (rightsUri: string | null) => number = () => 0,
    /** Tombstones read per query (tests make it small, to page within one erasure). */
    private readonly tombstonePage = 50_000,
  ) {}

  /** The rights URIs the works hold (the SQL filter's candidates), up to date. */
  async rightsValues(): Promise<string[]> {
    await this.sync();
    return [...this.columns.get('rights')!.dictionary.values];
  }

  /** Counts the works matching the query, and each facet's values with the other facets' filters applied. */
  async count(query: FacetCountQuery): Promise<FacetCounts> {
    await this.sync();
    const staff = isStaff(query.actor);
    // Stored codes are >= 0, so -1 matches no work.
    const actorOwner = query.actor.kind === 'user' ? this.owner.stored(query.actor.id) : -1;
    const ownerFilter = query.ownerId !== undefined ? this.owner.stored(query.ownerId) : undefined;
    const collectionAllowed = query.collectionIds ? this.allowed(this.collection, query.collectionIds) : null;
    const wanted = query.facets.map((facet) => {
      const column = this.columns.get(facet)!;
      // Slot 0 counts the works without a value, and is left out of the answer.
      return { facet, codes: column.data, counts: new Int32Array(column.dictionary.values.length + 1) };
    });
    const filters = (Object.entries(query.filters) as [FacetName, string[] | undefined][])
      .filter(([, values]) => values && values.length > 0)
      .map(([facet, values]) => {
        const column = this.columns.get(facet)!;
        return { codes: column.data, allowed: this.allowed(column, values!), own: wanted.find((w) => w.facet === facet) ?? null };
      });
    const { yearFrom, yearTo, matching } = query;
    const required = query.rightsUse ?? 0;
    const rightsColumn = this.columns.get('rights')!;
    // Inherited reuse inputs by stored code (0: no rights URI, no collection).
    const rightsMasks = Int8Array.from([0, ...rightsColumn.dictionary.values.map((uri) => this.maskOfRights(uri))]);
    const collectionCount = this.collection.dictionary.values.length;
    const licence = new Int8Array(collectionCount + 1).fill(-1);
    const licensable = new Int8Array(collectionCount + 1);
    for (let code = 0; code < collectionCount; code++) {
      licence[code + 1] = this.collectionLicence[code] ?? -1;
      licensable[code + 1] = this.collectionLicensable[code] ?? 0;
    }
    const { seq, flags, earliest, latest, length } = this;
    const owner = this.owner.data;
    const collection = this.collection.data;
    const rights = rightsColumn.data;
    // Counted by combination of bits (8 of them), summed per use at the end.
    const useCounts = new Int32Array(USE_BITS.ai * 2);
    let total = 0;
    for (let i = 0; i < length; i++) {
      const f = flags[i]!;
      if (f & DEAD) continue;
      if (!staff && (f & PUBLIC) === 0 && owner[i] !== actorOwner) continue;
      // Works without years fail both tests, as NULL does in SQL.
      if (yearFrom !== undefined) {
        const year = latest[i]!;
        if (year === MISSING_YEAR || !(year >= yearFrom)) continue;
      }
      if (yearTo !== undefined) {
        const year = earliest[i]!;
        if (year === MISSING_YEAR || !(year <= yearTo)) continue;
      }
      if (collectionAllowed && collectionAllowed[collection[i]!] !== 1) continue;
      if (ownerFilter !== undefined && owner[i] !== ownerFilter) continue;
      if (matching && !matching.has(seq[i]!)) continue;
      const c = collection[i]!;
      const reuse = f & OWN_REUSE ? f & REUSE_BITS : inheritedMask(rightsMasks[rights[i]!]!, licence[c]!, licensable[c]!);
      if ((reuse & required) !== required) continue;
      let failed: (typeof filters)[number] | null = null;
      let failures = 0;
      for (const filter of filters) {
        if (filter.allowed[filter.codes[i]!] !== 1) {
          failed = filter;
          if (++failures > 1) break;
        }
      }
      if (failures === 0) {
        total++;
        useCounts[reuse]!++;
        for (const w of wanted) w.counts[w.codes[i]!]!++;
      } else if (failures === 1) {
        // Passes every filter but its own facet's: it counts as an alternative in that facet only.
        const w = failed!.own;
        if (w) w.counts[w.codes[i]!]!++;
      }
    }
    const facets: FacetCounts['facets'] = {};
    for (const w of wanted) {
      const values = this.columns.get(w.facet)!.dictionary.values;
      const list: { value: string; count: number }[] = [];
      for (let code = 0; code < values.length; code++) {
        const count = w.counts[code + 1]!;
        if (count > 0) list.push({ value: values[code]!, count });
      }
      list.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
      facets[w.facet] = list.slice(0, query.facetLimit);
    }
    const rightsUse = RIGHTS_USES.map((use) => ({ value: use, count: useCounts.reduce((sum, n, bits) => (bits & USE_BITS[use] ? sum + n : sum), 0) }));
    return { total, facets, rightsUse };
  }

  /** A membership table by stored code: 1 for the values given (values no work has match nothing). */
  private allowed(column: CodeColumn, values: string[]): Uint8Array {
    const allowed = new Uint8Array(column.dictionary.values.length + 1);
    for (const value of values) {
      const stored = column.stored(value);
      if (stored > 0) allowed[stored] = 1;
    }
    return allowed;
  }

  /** Brings the columns up to the latest committed change (one caller loads, the others wait). */
  private async sync(): Promise<void> {
    while (this.syncing) await this.syncing;
    const current = await this.latestVersion();
    if (current <= this.version) return;
    // Every write up to `current` has committed (versions are taken in commit order), so after
    // loading everything newer than what we had, we are at least at `current`.
    this.syncing = this.load(current)
      .then(() => {
        this.version = Math.max(this.version, current);
      })
      .finally(() => {
        this.syncing = null;
      });
    await this.syncing;
  }

  private async latestVersion(): Promise<number> {
    const row = await this.database.db.selectFrom('catalogue_state').select('version').where('id', '=', 1).executeTakeFirstOrThrow();
    return Number(row.version);
  }

  private async load(current: number): Promise<void> {
    // A work deleted at or before `current` (read before the works below) is not among them: the
    // first load need not read the older tombstones.
    if (this.tombstoneVersion < 0) this.tombstoneVersion = current;
    await this.loadWorks();
    // After the works: a work deleted after their read is dropped here; one deleted before was never read.
    await this.loadTombstones();
    await this.loadReuseFlags();
    await this.loadCollectionReuseFlags();
  }

  /** What collections' works inherit, written since the last load. */
  private async loadCollectionReuseFlags(): Promise<void> {
    const rows = await this.database.read
      .selectFrom('collection_reuse_flags')
      .select(['collection_id', 'active', 'has_licence', 'free_to_reuse', 'ai_training', 'licensable', 'change_version'])
      .where('change_version', '>', this.collectionReuseVersion)
      .execute();
    for (const row of rows) {
      const code = this.collection.dictionary.code(row.collection_id);
      const active = row.active === 1;
      this.collectionLicence[code] = active && row.has_licence === 1 ? (row.free_to_reuse === 1 ? USE_BITS.free : 0) | (row.ai_training === 1 ? USE_BITS.ai : 0) : -1;
      this.collectionLicensable[code] = active && row.licensable === 1 ? USE_BITS.licensable : 0;
      this.collectionReuseVersion = Math.max(this.collectionReuseVersion, Number(row.change_version));
    }
  }

  /**
   * Works deleted since the last load (privacy erasure): their positions stay, marked dead. Read by
   * their own version (not the works'), as the works' version may already be past a deletion's.
   */
  private async loadTombstones(): Promise<void> {
    // One erasure's tombstones share its version: pages go by (version, seq), not by version alone.
    let afterSeq: number | null = null;
    for (;;) {
      const version = this.tombstoneVersion;
      const seq: number | null = afterSeq;
      const rows = await this.database.read
        .selectFrom('work_tombstones')
        .select(['seq', 'change_version'])
        .where((eb) => (seq === null ? eb('change_version', '>', version) : eb.or([eb('change_version', '>', version), eb.and([eb('change_version', '=', version), eb('seq', '>', seq)])])))
        .orderBy('change_version')
        .orderBy('seq')
        .limit(this.tombstonePage)
        .execute();
      for (const row of rows) {
        const dead: number = Number(row.seq);
        const i = this.positionOf(dead);
        if (i >= 0) this.flags[i]! |= DEAD;
        this.pendingReuse.delete(dead);
        this.tombstoneVersion = Number(row.change_version);
        afterSeq = dead;
      }
      if (rows.length < this.tombstonePage) return;
    }
  }

  /** License's per-work reuse flags written since the last load (cleared ones too). */
  private async loadReuseFlags(): Promise<void> {
    for (;;) {
      const rows = await this.database.read
        .selectFrom('work_reuse_flags')
        .select(['work_seq', 'active', 'free_to_reuse', 'licensable', 'ai_training', 'change_version'])
        .where('change_version', '>', this.reuseVersion)
        .orderBy('change_version')
        .limit(50_000)
        .execute();
      if (rows.length === 0) return;
      for (const row of rows) {
        const seq = Number(row.work_seq);
        const bits = row.active === 1 ? (row.free_to_reuse === 1 ? USE_BITS.free : 0) | (row.licensable === 1 ? USE_BITS.licensable : 0) | (row.ai_training === 1 ? USE_BITS.ai : 0) : -1;
        const i = this.positionOf(seq);
        if (i < 0) this.pendingReuse.set(seq, bits);
        else this.flags[i] = (this.flags[i]! & (DEAD | PUBLIC)) | ownReuse(bits);
        this.reuseVersion = Math.max(this.reuseVersion, Number(row.change_version));
      }
    }
  }

  /** The position of a seq's work, -1 when it has none. */
  private positionOf(seq: number): number {
    return seq < this.positionOfSeq.length ? this.positionOfSeq[seq]! - 1 : -1;
  }

  /** A position for a new work, the arrays doubled when full. */
  private add(seq: number): number {
    if (this.length === this.capacity) {
      this.capacity *= 2;
      this.seq = grown(this.seq, this.capacity);
      this.flags = grown(this.flags, this.capacity);
      this.earliest = grown(this.earliest, this.capacity);
      this.latest = grown(this.latest, this.capacity);
      for (const column of [this.owner, this.collection, ...this.columns.values()]) column.grow(this.capacity);
    }
    if (seq >= this.positionOfSeq.length) this.positionOfSeq = grown(this.positionOfSeq, Math.max(seq + 1, this.positionOfSeq.length * 2));
    const i = this.length++;
    this.positionOfSeq[seq] = i + 1;
    this.seq[i] = seq;
    this.flags[i] = ownReuse(this.pendingReuse.get(seq) ?? -1);
    this.pendingReuse.delete(seq);
    return i;
  }

  private async loadWorks(): Promise<void> {
    for (;;) {
      // The first load reads every work: off the event loop, so the first visitors after a start do not freeze the rest.
      const rows = await this.database.read
        .selectFrom('works')
        .select(['seq', 'change_version', 'visibility', 'owner_id', 'collection_id', 'earliest_year', 'latest_year', ...Object.values(FACETS)])
        .where('change_version', '>', this.version)
        .orderBy('change_version')
        .limit(50_000)
        .execute();
      if (rows.length === 0) return;
      for (const row of rows) {
        const seq = Number(row.seq);
        let i = this.positionOf(seq);
        if (i < 0) i = this.add(seq);
        this.flags[i] = (this.flags[i]! & ~PUBLIC) | (row.visibility === 'public' ? PUBLIC : 0);
        this.owner.set(i, row.owner_id);
        this.collection.set(i, row.collection_id);
        this.earliest[i] = yearOf(row.earliest_year);
        this.latest[i] = yearOf(row.latest_year);
        for (const { column, field } of this.loaded) column.set(i, (row as Record<string, unknown>)[field] as string | null);
        this.version = Math.max(this.version, Number(row.change_version));
      }
    }
  }
}

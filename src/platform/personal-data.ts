import type { Transaction } from 'kysely';
import type { DB } from './db/schema.js';

/**
 * What a module keeps about a person, offered to the privacy module's export, erasure and retention
 * (a module returns it as `ModuleParts.personalData`; `src/app.ts` hands every module's to privacy).
 * Each module reads and rewrites only its own tables here, so its invariants hold (the archive bumps
 * the catalogue version when works go); privacy decides the order and remembers how far it got.
 */
export interface PersonalDataSource {
  /** The module's name (in errors and the docs). */
  name: string;
  /**
   * The person's records for "export my data": document → field → value. A field whose value is an
   * async iterable is streamed into the zip an item at a time (big tables are read a page at a time).
   */
  export?(userId: string, context: PersonalExportContext): Promise<PersonalExport>;
  /** What the person is called in this module's records; read before any step of an erasure runs. */
  namesOf?(userId: string): Promise<string[]>;
  /** Why the erasure may not start, read in the request's transaction (null: it may). */
  veto?(trx: Transaction<DB>, userId: string): Promise<ErasureVeto | null>;
  /** Ends every way in (sessions, tokens), in the erasure request's transaction. */
  lockOut?(trx: Transaction<DB>, userId: string, now: string): Promise<void>;
  /**
   * The module's part of each erasure phase. Each part is idempotent: after a crash the whole phase
   * runs again, and a part that already ran changes nothing.
   */
  erase?: Partial<Record<ErasurePhase, (userId: string, context: ErasureContext) => Promise<void>>>;
  /**
   * Deletes the module's records past their retention period: `keepDays` by kind of record (0 or
   * absent = for ever); answers how many of each kind went. Expired sessions and the like go every run.
   */
  purge?(now: Date, keepDays: Readonly<Record<string, number>>): Promise<Record<string, number>>;
}

/** The documents of an export zip (`<name>.json`) sources add fields to. */
export type PersonalExportDocument = 'account' | 'events' | 'orders' | 'works';

export type PersonalExport = Partial<Record<PersonalExportDocument, Record<string, unknown>>>;

export interface PersonalExportContext {
  /** Puts a stored original (by sha256) in the zip once and answers its path there (`files/<sha256>.<ext>`). */
  attach(sha256: string, fileName: string): string;
}

/**
 * The phases of an erasure, in the order they run: `records` strips the person's names from records
 * that stay (bookkeeping), `works` transfers or deletes their works, `activity` unlinks what they did
 * (events, signals, reports, appeals), `account` empties the account row and deletes every credential.
 */
export const ERASURE_PHASES = ['records', 'works', 'activity', 'account'] as const;
export type ErasurePhase = (typeof ERASURE_PHASES)[number];

export interface ErasureContext {
  /** Every name the person went by (from every source's `namesOf`, read before the first phase). */
  names: string[];
  /** What stands in for the person's name afterwards. */
  placeholder: string;
  /** `transfer`: the institution owns the person's works; `delete`: they go (unless others depend on them). */
  worksPolicy: 'transfer' | 'delete';
  now: string;
}

export type ErasureVeto = 'unknown_user' | 'last_admin';

/** A JSON text with every string value equal to one of `names` replaced (key order kept, so canonical text stays canonical). */
export function replaceNamesInJson(text: string, names: string[], placeholder: string): string {
  const set = new Set(names);
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return set.has(value) ? placeholder : value;
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
    return value;
  };
  try {
    return JSON.stringify(walk(JSON.parse(text)));
  } catch {
    return text;
  }
}

/** A stored JSON text as a value (the text itself when it is not JSON). */
export function parseStoredJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Rows read by ascending key, a page at a time: `page(after)` answers the next rows after the key `after`. */
export async function* paged<Row, Item>(page: (after: number) => Promise<Row[]>, keyOf: (row: Row) => number, map: (row: Row) => Item, size = 1000): AsyncGenerator<Item> {
  let after = 0;
  for (;;) {
    const rows = await page(after);
    for (const row of rows) yield map(row);
    if (rows.length < size) return;
    after = keyOf(rows[rows.length - 1]!);
  }
}

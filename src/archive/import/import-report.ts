import type { ErrorParams } from '../../platform/errors.js';
import type { Visibility } from '../work.service.js';

export type ImportStatus = 'imported' | 'updated' | 'unchanged' | 'failed' | 'skipped';

/** One file of a record: `added` to its work by this import, `attached` already, or `unchecked` (a URL a dry run does not download). */
export interface ImportFileResult {
  file: string;
  sha256?: string;
  status: 'added' | 'attached' | 'unchecked';
}

/** What happened to one file or record. In a dry run: what would happen. */
export interface ImportItemResult {
  item: string;
  status: ImportStatus;
  workId?: string;
  sha256?: string;
  /** The work's visibility after the import. */
  visibility?: Visibility;
  /** What an `updated` item changed, e.g. `metadata`, `2 files added`, `visibility private → public`. */
  changes?: string[];
  /** A record's files, in order. */
  files?: ImportFileResult[];
  /** Why it failed or was skipped, starting with the item (English). */
  reason?: string;
  /**
   * For failed and skipped items: the reason as a code (e.g. `link_outside`, `fifo`, `not_media`,
   * `file_empty`), and the message key and parameters the interface says it with in either
   * language (`serverError.<key>` in web/src/locales/<lang>/server-errors.json).
   */
  code?: string;
  key?: string;
  params?: ErrorParams;
  /** The item's path as the file system spells it, in hex, when it is not UTF-8 (the item shows it decoded). */
  pathBytes?: string;
  warnings?: string[];
}

/** Why an item was not imported: its code, and the message key and parameters when there is one. */
export interface ReasonCode {
  code: string;
  key?: string;
  params?: ErrorParams;
}

export interface ImportReport {
  imported: number;
  updated: number;
  unchanged: number;
  failed: number;
  skipped: number;
  /** The works this import created, updated or found, by their visibility afterwards. */
  visibility: { private: number; public: number };
  items: ImportItemResult[];
}

export interface ImportProgress {
  done: number;
  total: number;
  item: ImportItemResult;
}

/** A failed item; `reason` starts with the item. */
export function failed(item: string, reason: string, warnings: string[] = [], why?: ReasonCode): ImportItemResult {
  return { item, status: 'failed', reason, ...why, ...(warnings.length > 0 ? { warnings } : {}) };
}

/** A skipped item; `reason` starts with the item. */
export function skipped(item: string, reason: string, why?: ReasonCode): ImportItemResult {
  return { item, status: 'skipped', reason, ...why };
}

/** Counts the items, and the distinct works they reached by visibility (new works of a dry run by item). */
export function buildReport(items: ImportItemResult[]): ImportReport {
  const count = (s: ImportStatus): number => items.filter((r) => r.status === s).length;
  const works = new Map<string, Visibility>();
  for (const r of items) if (r.visibility && r.status !== 'failed' && r.status !== 'skipped') works.set(r.workId ?? `new ${r.item}`, r.visibility);
  const visibility = { private: 0, public: 0 };
  for (const v of works.values()) visibility[v]++;
  return { imported: count('imported'), updated: count('updated'), unchanged: count('unchanged'), failed: count('failed'), skipped: count('skipped'), visibility, items };
}

import { applyMapping, type MappedRecord, type Mapping } from './mapping.js';
import { readRecords, type ReadOptions, type RecordResult } from './record-reader.js';
import { readSource, isBlank } from './source-paths.js';

/** One source item after reading and mapping. */
export type ImportItem = { index: number; label: string; result: MappedRecord };

type OkRecord = Extract<RecordResult, { ok: true }>;

/**
 * Merges records that share the value at `key` (e.g. the provenance rows of one instrument) into one:
 * the first row's fields plus `rows`, every row in order. Records without the key stay single.
 */
export function groupRecords(records: OkRecord[], key: string): OkRecord[] {
  const groups = new Map<string, OkRecord[]>();
  const out: (OkRecord | OkRecord[])[] = [];
  for (const rec of records) {
    const value = readSource(rec.record, key).find((v) => !isBlank(v));
    if (value === undefined || typeof value === 'object') {
      out.push(rec);
      continue;
    }
    const k = String(value);
    const group = groups.get(k);
    if (group) group.push(rec);
    else {
      const fresh = [rec];
      groups.set(k, fresh);
      out.push(fresh);
    }
  }
  return out.map((entry) => {
    if (!Array.isArray(entry)) return entry;
    const [first] = entry as [OkRecord, ...OkRecord[]];
    const more = entry.length > 1 ? ` (+${entry.length - 1} more with the same ${key})` : '';
    const warnings = entry.flatMap((r) => r.warnings ?? []);
    return {
      ok: true as const,
      index: first.index,
      label: `${first.label}${more}`,
      record: { ...first.record, rows: entry.map((r) => r.record) },
      ...(warnings.length > 0 ? { warnings } : {}),
    };
  });
}

/**
 * Reads a source with a mapping and maps every item: reader errors, mapping errors and duplicate ids
 * come back per item; reader warnings (e.g. formula cells) are added to the item's warnings.
 */
export async function* mapRecords(sourcePath: string, mapping: Mapping, options: ReadOptions = {}): AsyncGenerator<ImportItem> {
  const readOptions: ReadOptions = { ...mapping.format, ...options };
  const seen = new Map<string, string>();
  const finish = (rec: OkRecord): ImportItem => {
    const result = applyMapping(rec.record, mapping, rec.label);
    if (!result.ok) return { index: rec.index, label: rec.label, result };
    const first = seen.get(result.sourceId);
    if (first !== undefined) {
      return { index: rec.index, label: rec.label, result: { ok: false, error: `${rec.label}: id "${result.sourceId}" was already used by ${first}` } };
    }
    seen.set(result.sourceId, rec.label);
    return { index: rec.index, label: rec.label, result: { ...result, warnings: [...(rec.warnings ?? []), ...result.warnings] } };
  };
  if (!mapping.groupBy) {
    for await (const rec of readRecords(sourcePath, readOptions)) {
      yield rec.ok ? finish(rec) : { index: rec.index, label: rec.label, result: { ok: false, error: rec.error } };
    }
    return;
  }
  const good: OkRecord[] = [];
  for await (const rec of readRecords(sourcePath, readOptions)) {
    if (rec.ok) good.push(rec);
    else yield { index: rec.index, label: rec.label, result: { ok: false, error: rec.error } };
  }
  for (const rec of groupRecords(good, mapping.groupBy)) yield finish(rec);
}

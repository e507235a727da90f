import type { RecordResult } from './record-reader.js';

/**
 * Throws if JSON text nests arrays/objects deeper than `maxDepth`. Scans the text instead of the parsed
 * value, so a hostile file is refused before JSON.parse builds it.
 */
export function assertJsonDepth(text: string, maxDepth: number): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++; // backslash: skip the escaped character
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x7b || ch === 0x5b) {
      if (++depth > maxDepth) throw new Error(`nests objects/arrays deeper than ${maxDepth} levels`);
    } else if (ch === 0x7d || ch === 0x5d) depth--;
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const kindOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v);

function parseJson(text: string, maxDepth: number): unknown {
  assertJsonDepth(text, maxDepth);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new Error(`is not valid JSON: ${(err as Error).message}`);
  }
}

/**
 * Yields the records of a .json file: an object is one record, an array gives one per element
 * (labelled `file.json [3]`, counting from 1). Throws for file-level problems.
 */
export function* jsonRecords(text: string, fileLabel: string, maxDepth: number, firstIndex = 0): Generator<RecordResult> {
  const value = parseJson(text.replace(/^\uFEFF/, ''), maxDepth);
  if (isRecord(value)) {
    yield { ok: true, index: firstIndex, label: fileLabel, record: value };
    return;
  }
  if (!Array.isArray(value)) throw new Error(`holds ${kindOf(value)}; expected an object or an array of objects`);
  let index = firstIndex;
  for (const [i, item] of value.entries()) {
    const label = `${fileLabel} [${i + 1}]`;
    yield isRecord(item)
      ? { ok: true, index: index++, label, record: item }
      : { ok: false, index: index++, label, error: `${label}: expected an object, found ${kindOf(item)}` };
  }
}

/** Yields one record per non-blank line of a .jsonl/.ndjson file, labelled `file.jsonl line 5`. */
export function* jsonLinesRecords(text: string, fileLabel: string, maxDepth: number): Generator<RecordResult> {
  let index = 0;
  for (const [i, line] of text.replace(/^\uFEFF/, '').split('\n').entries()) {
    if (line.trim() === '') continue;
    const label = `${fileLabel} line ${i + 1}`;
    try {
      const value = parseJson(line, maxDepth);
      yield isRecord(value)
        ? { ok: true, index: index++, label, record: value }
        : { ok: false, index: index++, label, error: `${label}: expected an object, found ${kindOf(value)}` };
    } catch (err) {
      yield { ok: false, index: index++, label, error: `${label}: ${(err as Error).message}` };
    }
  }
}

import { workMetadataSchema } from '../metadata.schema.js';
import type { Slot } from './source-paths.js';
import { parseYear } from './mapping-transforms.js';

/**
 * Writing values into the metadata with curator-written target paths:
 *   `title.en`                          a field (`zh` stands for the mapping's zhScript, e.g. zh-Hant)
 *   `creators[].name.en`                value i goes to element i; parallel rules fill the same elements
 *   `inscriptions[kind=seal].text.zh`   the same, among the elements whose `kind` is `seal`
 *   `subjects[+].en`                    appends new elements (for a second source of subjects)
 */
export type TargetPath = {
  head: string[];
  array?: { key: string; append: boolean; match?: [string, string] };
  tail: string[];
  numeric: boolean;
};

const SEGMENT = /^([A-Za-z][\w-]*)(?:\[(\+)?(?:([A-Za-z]\w*)=([^\]]+))?\])?$/;
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
const TOP_LEVEL = new Set(Object.keys(workMetadataSchema.shape));
const NUMERIC = new Set(['date.earliest', 'date.latest']);

/** Parses a target path; throws with a message a curator can act on. */
export function parseTargetPath(target: string, zhScript: string): TargetPath {
  const out: TargetPath = { head: [], tail: [], numeric: NUMERIC.has(target) };
  for (const part of target.split('.')) {
    const m = SEGMENT.exec(part);
    if (!m || FORBIDDEN.has(m[1] ?? '')) throw new Error(`target "${target}": "${part}" is not a field, field[], field[+] or field[key=value]`);
    const key = m[1] === 'zh' ? zhScript : (m[1] ?? '');
    const isArray = part.includes('[');
    if (isArray && out.array) throw new Error(`target "${target}": only one [] is allowed in a target path`);
    if (isArray) {
      out.array = { key, append: m[2] === '+', ...(m[3] && m[4] ? { match: [m[3], m[4]] as [string, string] } : {}) };
    } else (out.array ? out.tail : out.head).push(key);
  }
  const top = out.head[0] ?? out.array?.key ?? '';
  if (!TOP_LEVEL.has(top)) throw new Error(`target "${target}": "${top}" is not a metadata field (one of ${[...TOP_LEVEL].join(', ')})`);
  return out;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function merge(into: Obj, from: Obj): void {
  for (const [k, v] of Object.entries(from)) {
    if (FORBIDDEN.has(k)) continue; // merged objects may come from source data
    const existing = into[k];
    if (isObj(existing) && isObj(v)) merge(existing, v);
    else into[k] = v;
  }
}

function setIn(obj: Obj, keys: string[], value: unknown): void {
  let current = obj;
  for (const key of keys.slice(0, -1)) {
    if (!isObj(current[key])) current[key] = {};
    current = current[key] as Obj;
  }
  const last = keys.at(-1);
  if (last === undefined) {
    if (isObj(value)) merge(current, value);
    return;
  }
  if (isObj(value) && isObj(current[last])) merge(current[last] as Obj, value);
  else current[last] = value;
}

function convert(value: unknown, target: TargetPath, warn: (m: string) => void, name: string): unknown {
  if (target.numeric) {
    const year = parseYear(value);
    if (year === undefined) warn(`${name}: ${JSON.stringify(value)} is not a year; left out`);
    return year;
  }
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
}

/** Accumulates the values of all rules into one metadata object. */
export type MetadataWriter = {
  /** Writes one rule's values; several values for a plain field are joined with `join` when they are text. */
  write(name: string, target: TargetPath, values: Slot[], join: string): void;
  /** The metadata built so far, without the placeholder elements that only kept alignment. */
  finish(): Obj;
};

/** Starts an empty metadata object; `warn` collects non-fatal problems. */
export function createMetadataWriter(warn: (message: string) => void): MetadataWriter {
  const doc: Obj = {};
  const placeholders = new Set<Obj>();

  const place = (el: Obj, name: string, target: TargetPath, value: unknown): void => {
    if (target.tail.length === 0 && !isObj(value)) {
      warn(`${name}: needs a field after [] (for example ${target.array?.key}[].en)`);
      return;
    }
    placeholders.delete(el);
    setIn(el, target.tail, value);
  };

  const writeArray = (name: string, target: TargetPath, values: unknown[]): void => {
    const { key, append, match } = target.array!;
    let container = doc;
    for (const k of target.head) {
      if (!isObj(container[k])) container[k] = {};
      container = container[k] as Obj;
    }
    if (!Array.isArray(container[key])) container[key] = [];
    const list = container[key] as unknown[];
    const fresh = (): Obj => {
      const el: Obj = match ? { [match[0]]: match[1] } : {};
      list.push(el);
      placeholders.add(el);
      return el;
    };
    if (append) {
      for (const value of values) if (value !== undefined) place(fresh(), name, target, value);
      return;
    }
    const selected = list.filter((el): el is Obj => isObj(el) && (!match || el[match[0]] === match[1]));
    values.forEach((value, i) => {
      if (value === undefined) return;
      while (selected.length <= i) selected.push(fresh());
      place(selected[i]!, name, target, value);
    });
  };

  return {
    write(name, target, values, join) {
      const converted = values.map((v) => (v === undefined ? undefined : convert(v, target, warn, name)));
      if (target.array) {
        writeArray(name, target, converted);
        return;
      }
      const present = converted.filter((v) => v !== undefined);
      if (present.length === 0) return;
      setIn(doc, target.head, present.every((v) => typeof v === 'string') ? present.join(join) : present[0]);
    },
    finish() {
      const prune = (value: unknown): void => {
        if (Array.isArray(value)) {
          for (let i = value.length - 1; i >= 0; i--) {
            if (placeholders.has(value[i] as Obj)) value.splice(i, 1);
            else prune(value[i]);
          }
        } else if (isObj(value)) Object.values(value).forEach(prune);
      };
      prune(doc);
      return doc;
    },
  };
}

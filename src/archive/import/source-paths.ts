/**
 * Reading values out of a source record with curator-written paths:
 *   `Title 品名`            a column (a key that exists literally wins over path syntax)
 *   `dateRange.startYear`  a nested field
 *   `contributors[*].fc`   every element of an array, in order (missing fields keep their place)
 *   `rows[0].近似年`        one element
 */

/** A value read from a source, or undefined where an aligned element has none (a hole). */
export type Slot = unknown;

type Step = { key: string } | { each: true } | { at: number };

const SEGMENT = /^([^[\]]*)((?:\[(?:\*|\d+)\])*)$/;

/** Splits a source path into steps, or null if it is no path (then it can only be a literal column name). */
export function parseSourcePath(sourcePath: string): Step[] | null {
  const steps: Step[] = [];
  for (const part of sourcePath.split('.')) {
    const m = SEGMENT.exec(part);
    if (!m || (m[1] === '' && m[2] === '')) return null;
    if (m[1]) steps.push({ key: m[1] });
    for (const sel of (m[2] ?? '').match(/\[(\*|\d+)\]/g) ?? []) {
      steps.push(sel === '[*]' ? { each: true } : { at: Number(sel.slice(1, -1)) });
    }
  }
  return steps;
}

const own = (obj: unknown, key: string): unknown =>
  typeof obj === 'object' && obj !== null && !Array.isArray(obj) && Object.hasOwn(obj, key) ? (obj as Record<string, unknown>)[key] : undefined;

/** The key names a source path reads, for reporting unmapped columns. */
export function sourcePathKeys(sourcePath: string): string[] {
  const steps = parseSourcePath(sourcePath) ?? [];
  return [sourcePath, ...steps.flatMap((s) => ('key' in s ? [s.key] : []))];
}

/**
 * The values at `sourcePath`: one slot per element under each `[*]` (holes kept, so parallel paths stay
 * aligned), and a final array is spread into one slot per element. Null counts as absent.
 */
export function readSource(record: unknown, sourcePath: string): Slot[] {
  if (own(record, sourcePath) !== undefined) return spread(own(record, sourcePath));
  if (parseSourcePath(sourcePath) === null) return [];
  let current: Slot[] = [record];
  let fannedOut = false;
  for (const step of parseSourcePath(sourcePath) ?? []) {
    const next: Slot[] = [];
    for (const value of current) {
      if ('key' in step) next.push(own(value, step.key));
      else if ('at' in step) next.push(Array.isArray(value) ? value[step.at] : undefined);
      else if (Array.isArray(value)) next.push(...value);
      else if (value !== undefined && value !== null) next.push(value); // a lone object where a list was expected
      else if (!fannedOut) continue;
      else next.push(undefined);
    }
    if ('each' in step) fannedOut = true;
    current = next;
  }
  const values = current.flatMap((v) => (Array.isArray(v) ? v : [v]));
  return values.map((v) => (v === null ? undefined : v));
}

function spread(value: unknown): Slot[] {
  if (value === null || value === undefined) return [];
  return Array.isArray(value) ? value.map((v) => (v === null ? undefined : v)) : [value];
}

/** True for values a template treats as missing: absent, null, blank text, or 0 (exports use 0 for "not measured"). */
export function isBlank(value: unknown): boolean {
  return value === undefined || value === null || value === 0 || (typeof value === 'string' && value.trim() === '');
}

const PLACEHOLDER = /\{([^{}]+)\}/g;

function fill(part: string, source: unknown): string | undefined {
  let missing = false;
  const text = part.replace(PLACEHOLDER, (_, p: string) => {
    const value = readSource(source, p.trim()).find((v) => !isBlank(v));
    if (value === undefined || typeof value === 'object') {
      missing = true;
      return '';
    }
    return String(value);
  });
  return missing ? undefined : text;
}

/**
 * Fills `{path}` placeholders from `source`. `[[…]]` marks an optional part, left out when one of its
 * placeholders is missing; a missing placeholder outside such a part makes the whole result undefined.
 */
export function fillTemplate(template: string, source: unknown): string | undefined {
  let out = '';
  for (const [i, part] of template.split(/\[\[|\]\]/).entries()) {
    const filled = fill(part, source);
    if (filled === undefined && i % 2 === 0) return undefined;
    out += filled ?? '';
  }
  return out.trim() === '' ? undefined : out;
}

/** The paths inside a template's placeholders. */
export function templatePaths(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => (m[1] ?? '').trim());
}

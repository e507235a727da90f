import { foldText } from '../discover/search-text.js';

/**
 * The automatic checks a submission gets that need no IO: file type and size, metadata
 * completeness, the instance's term list and its own rules. Pure: the job (review-checks.job.ts)
 * reads the work and stores what these return.
 */

export type CheckOutcome = 'pass' | 'warn' | 'fail';
export interface CheckResult {
  code: string;
  outcome: CheckOutcome;
  params: Record<string, string | number>;
}

/** A term to look for (zh or en, either script), and what a match means. */
export interface ReviewTerm {
  term: string;
  outcome: 'warn' | 'fail';
}

/** An instance's own rule: a plain phrase looked for in one field (or any), never code or a pattern. */
export interface ReviewRule {
  id: string;
  field: string;
  contains: string;
  outcome: 'warn' | 'fail';
}

export interface FileLimits {
  kinds: string[];
  maxBytes: number;
}

/** Text folded for term matching: NFKC, lower case, Traditional → Simplified, then only letters and digits (so 台 灣, 臺-灣 and 台湾 meet). */
export function normaliseForTerms(text: string): string {
  return foldText(text).replace(/[^\p{L}\p{N}]+/gu, '');
}

/** Every string in the metadata with the top-level field it sits under. */
export function metadataTexts(metadata: Record<string, unknown>): { field: string; text: string }[] {
  const out: { field: string; text: string }[] = [];
  const walk = (field: string, value: unknown): void => {
    if (typeof value === 'string') out.push({ field, text: value });
    else if (Array.isArray(value)) for (const v of value) walk(field, v);
    else if (value && typeof value === 'object') for (const v of Object.values(value)) walk(field, v);
  };
  for (const [field, value] of Object.entries(metadata)) walk(field, value);
  return out;
}

const worst = (outcomes: CheckOutcome[]): CheckOutcome => (outcomes.includes('fail') ? 'fail' : outcomes.includes('warn') ? 'warn' : 'pass');

/** The term list against every text of the metadata, after normalisation. */
export function checkTerms(metadata: Record<string, unknown>, terms: readonly ReviewTerm[]): CheckResult {
  const texts = metadataTexts(metadata).map((t) => ({ field: t.field, text: normaliseForTerms(t.text) }));
  const hits: { term: string; field: string; outcome: CheckOutcome }[] = [];
  for (const term of terms) {
    const needle = normaliseForTerms(term.term);
    if (!needle) continue;
    const found = texts.find((t) => t.text.includes(needle));
    if (found) hits.push({ term: term.term, field: found.field, outcome: term.outcome });
  }
  if (hits.length === 0) return { code: 'terms', outcome: 'pass', params: { count: 0 } };
  return { code: 'terms', outcome: worst(hits.map((h) => h.outcome)), params: { count: hits.length, terms: hits.slice(0, 10).map((h) => h.term).join(', '), fields: [...new Set(hits.map((h) => h.field))].join(', ') } };
}

/** The fields a record must fill before it is public (title in any language, creators, date, rights, …). */
export function checkMetadata(metadata: Record<string, unknown>, required: readonly string[]): CheckResult {
  const empty = (value: unknown): boolean => {
    if (value === undefined || value === null || value === '') return true;
    if (Array.isArray(value)) return value.length === 0;
    if (typeof value === 'object') return Object.values(value).every(empty);
    return false;
  };
  const missing = required.filter((field) => empty(metadata[field]));
  return missing.length === 0 ? { code: 'metadata', outcome: 'pass', params: { count: 0 } } : { code: 'metadata', outcome: 'warn', params: { count: missing.length, fields: missing.join(', ') } };
}

/** Each file's kind against the allowed kinds, and its size against the limit. */
export function checkFiles(files: readonly { kind: string; size: number; name: string }[], limits: FileLimits): CheckResult {
  const wrongKind = files.filter((f) => !limits.kinds.includes(f.kind));
  const tooBig = files.filter((f) => f.size > limits.maxBytes);
  if (wrongKind.length === 0 && tooBig.length === 0) return { code: 'files', outcome: 'pass', params: { count: files.length } };
  return {
    code: 'files',
    outcome: 'fail',
    params: { count: wrongKind.length + tooBig.length, kinds: [...new Set(wrongKind.map((f) => f.kind))].join(', '), largestBytes: Math.max(0, ...tooBig.map((f) => f.size)), maxBytes: limits.maxBytes },
  };
}

/** The instance's rules: a phrase in a field (or `any` field), normalised like the terms. */
export function checkRules(metadata: Record<string, unknown>, rules: readonly ReviewRule[]): CheckResult[] {
  const texts = metadataTexts(metadata).map((t) => ({ field: t.field, text: normaliseForTerms(t.text) }));
  return rules.map((rule) => {
    const needle = normaliseForTerms(rule.contains);
    const hit = needle !== '' && texts.some((t) => (rule.field === 'any' || t.field === rule.field) && t.text.includes(needle));
    return { code: `rule.${rule.id}`, outcome: hit ? rule.outcome : 'pass', params: { field: rule.field, contains: rule.contains } };
  });
}

import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { workMetadataSchema, type WorkMetadataInput } from '../metadata.schema.js';
import { fileRefs, fileRuleSources, filesSchema, type FileRef } from './mapping-files.js';
import { ONE_SOURCE, oneSource, runRule, sourceShape, type SourceRule } from './mapping-rules.js';
import { fillTemplate, readSource, sourcePathKeys, templatePaths, isBlank } from './source-paths.js';
import { createMetadataWriter, parseTargetPath, type TargetPath } from './target-paths.js';

const ruleSchema = z.strictObject({ to: z.string().min(1), ...sourceShape }).refine(oneSource, ONE_SOURCE);
/** One line of a mapping: where a value comes from, how it is cleaned, where it goes. */
export type MappingRule = z.infer<typeof ruleSchema>;

/** A curator-written description of how one source format becomes work metadata (see mappings/README.md). */
export const mappingSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: z.string().min(1),
    comment: z.union([z.string(), z.array(z.string())]).optional(),
    /** How to read the source file, when detection is not enough. */
    format: z.strictObject({ delimiter: z.string().length(1).optional(), encoding: z.enum(['utf-8', 'gb18030', 'auto']).optional() }).optional(),
    /** The language tag that the short form `zh` stands for in target paths and in `date` transforms. */
    zhScript: z.enum(['zh-Hans', 'zh-Hant', 'zh']).default('zh-Hans'),
    /** The source id: a column/path (`objectID`) or a template (`met:{objectID}`). */
    id: z.string().min(1),
    /** Rows sharing this column's value become one record with the rows under `rows` (see groupRecords). */
    groupBy: z.string().min(1).optional(),
    /** The record's files: paths in the import folder, glob patterns over it, or URLs to download (mapping-files.ts). */
    files: filesSchema,
    /** Source columns left out on purpose, so unmappedColumns does not report them. */
    ignore: z.array(z.string()).default([]),
    fields: z.array(ruleSchema).min(1),
  })
  .superRefine((m, ctx) => {
    m.fields.forEach((rule, i) => {
      try {
        parseTargetPath(rule.to, m.zhScript);
      } catch (err) {
        ctx.addIssue({ code: 'custom', path: ['fields', i, 'to'], message: (err as Error).message });
      }
      rule.transforms.forEach((t, j) => {
        const pattern = t.op === 'split' ? t.regex : t.op === 'drop' ? t.regex : undefined;
        if (t.op === 'split' && !t.regex === !t.separator) {
          ctx.addIssue({ code: 'custom', path: ['fields', i, 'transforms', j], message: 'split needs exactly one of "separator" or "regex"' });
        }
        try {
          if (pattern !== undefined) new RegExp(pattern, 'u');
        } catch (err) {
          ctx.addIssue({ code: 'custom', path: ['fields', i, 'transforms', j, 'regex'], message: (err as Error).message });
        }
      });
    });
  });
/** A validated mapping. */
export type Mapping = z.infer<typeof mappingSchema>;

/** The outcome of mapping one record: metadata ready for the work service, or why not. */
export type MappedRecord =
  | { ok: true; sourceId: string; metadata: WorkMetadataInput; files: FileRef[]; warnings: string[] }
  | { ok: false; error: string };

const formatPath = (path: readonly PropertyKey[]): string =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i > 0 ? '.' : ''}${String(p)}`)).join('');

/** Formats zod issues as `field.path: reason; …`. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const reason = issue.code === 'invalid_type' && /received undefined/.test(issue.message) ? 'is required' : issue.message;
      return issue.path.length > 0 ? `${formatPath(issue.path)}: ${reason}` : reason;
    })
    .join('; ');
}

/** Reads and validates a mapping file; throws with every problem listed. */
export async function loadMapping(filePath: string): Promise<Mapping> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(filePath, 'utf8'));
  } catch (err) {
    throw new Error(`mapping ${filePath}: ${(err as Error).message}`);
  }
  const parsed = mappingSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`mapping ${filePath}: ${formatIssues(parsed.error.issues)}`);
  return parsed.data;
}

const targetCache = new WeakMap<Mapping, TargetPath[]>();
function targetsOf(mapping: Mapping): TargetPath[] {
  let targets = targetCache.get(mapping);
  if (!targets) {
    targets = mapping.fields.map((rule) => parseTargetPath(rule.to, mapping.zhScript));
    targetCache.set(mapping, targets);
  }
  return targets;
}

// Control characters other than \n and \t garble display and search; \r\n becomes \n.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
function cleanStrings(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\r\n?/g, '\n').replace(CONTROL, '');
  if (Array.isArray(value)) return value.map(cleanStrings);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cleanStrings(v)]));
  }
  return value;
}

export { checkFilePath } from './mapping-files.js';

/** Maps one source record to validated work metadata; `label` (e.g. `met.csv row 17`) prefixes every message. */
export function applyMapping(record: Record<string, unknown>, mapping: Mapping, label = 'record'): MappedRecord {
  const warnings: string[] = [];
  const warn = (m: string): void => void warnings.push(`${label}: ${m}`);
  const isTemplate = mapping.id.includes('{');
  const idValue = isTemplate ? fillTemplate(mapping.id, record) : readSource(record, mapping.id).find((v) => !isBlank(v));
  const sourceId = idValue === undefined || typeof idValue === 'object' ? '' : String(idValue).trim();
  if (sourceId === '') return { ok: false, error: `${label}: no value for id ${isTemplate ? 'template' : 'column'} "${mapping.id}"` };

  const writer = createMetadataWriter(warn);
  const targets = targetsOf(mapping);
  mapping.fields.forEach((rule, i) => writer.write(rule.to, targets[i]!, runRule(rule, record, rule.to, mapping.zhScript, warn), rule.join));

  let files: FileRef[] = [];
  if (mapping.files) {
    const found = fileRefs(mapping.files, record, mapping.zhScript, warn);
    if ('error' in found) return { ok: false, error: `${label}: files: ${found.error}` };
    files = found.refs;
  }

  const doc = cleanStrings(writer.finish()) as Record<string, unknown>;
  doc.title ??= {}; // so a missing title reads "needs at least one language"
  const parsed = workMetadataSchema.safeParse(doc);
  if (!parsed.success) return { ok: false, error: `${label}: ${formatIssues(parsed.error.issues)}` };
  return { ok: true, sourceId, metadata: parsed.data, files, warnings };
}

/** Source columns (top-level keys) that no rule of the mapping reads and `ignore` does not list, in first-seen order. */
export function unmappedColumns(records: Iterable<Record<string, unknown>>, mapping: Mapping): string[] {
  const used = new Set<string>(mapping.ignore);
  const addPath = (p: string): void => sourcePathKeys(p).forEach((k) => used.add(k));
  const addTemplate = (t: string): void => templatePaths(t).forEach(addPath);
  const fileSources = fileRuleSources(mapping.files ?? []);
  const rules: SourceRule[] = [...mapping.fields, ...fileSources.rules];
  fileSources.paths.forEach(addPath);
  (mapping.id.includes('{') ? addTemplate : addPath)(mapping.id);
  if (mapping.groupBy) addPath(mapping.groupBy);
  for (const rule of rules) {
    [rule.from ?? []].flat().forEach(addPath);
    [rule.template ?? []].flat().forEach(addTemplate);
    for (const t of rule.transforms) {
      if (t.op === 'template') addTemplate(t.template);
      if (t.op === 'lifeDates') [t.birth, t.death].forEach(addPath);
    }
  }
  const unmapped = new Set<string>();
  for (const record of records) for (const key of Object.keys(record)) if (!used.has(key)) unmapped.add(key);
  return [...unmapped];
}

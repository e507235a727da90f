import { z } from 'zod';
import { applyTransform, transformSchema, type Transform } from './mapping-transforms.js';
import { fillTemplate, isBlank, readSource, type Slot } from './source-paths.js';

/** Where a rule's values come from (one of from / template / const), how they are cleaned, the fallback. */
export const sourceShape = {
  /** A column or path; a list means "the first one that has a value". */
  from: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
  /** Text with `{path}` placeholders and `[[optional parts]]`; a list means "the first one that fills". */
  template: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
  /** A fixed value for every record. */
  const: z.union([z.string(), z.number(), z.boolean()]).optional(),
  /** Used when the rule yields nothing. */
  default: z.union([z.string(), z.number()]).optional(),
  transforms: z.array(transformSchema).default([]),
  /** Joins several text values that land in one plain field. */
  join: z.string().default('\n'),
  comment: z.union([z.string(), z.array(z.string())]).optional(),
};

/** True when exactly one of from / template / const is given. */
export const oneSource = (r: { from?: unknown; template?: unknown; const?: unknown }): boolean =>
  [r.from, r.template, r.const].filter((v) => v !== undefined).length === 1;
export const ONE_SOURCE = { message: 'needs exactly one of "from", "template" or "const"' };

/** The value part of a rule, without its target. */
export type SourceRule = z.infer<z.ZodObject<typeof sourceShape>>;

function evaluate(rule: SourceRule, record: Record<string, unknown>): Slot[] {
  if (rule.const !== undefined) return [rule.const];
  if (rule.template !== undefined) {
    for (const t of [rule.template].flat()) {
      const filled = fillTemplate(t, record);
      if (filled !== undefined) return [filled];
    }
    return [];
  }
  const paths = Array.isArray(rule.from) ? rule.from : [rule.from ?? ''];
  for (const p of paths) {
    const values = readSource(record, p);
    if (values.some((v) => !isBlank(v))) return values;
  }
  return [];
}

/** The values a rule yields for a record: read, transformed, defaulted. */
export function runRule(rule: SourceRule, record: Record<string, unknown>, name: string, zhScript: string, warn: (m: string) => void): Slot[] {
  let values = evaluate(rule, record);
  for (const t of rule.transforms as Transform[]) values = applyTransform(values, t, { name, zhScript, warn });
  if (values.every((v) => v === undefined) && rule.default !== undefined) values = [rule.default];
  return values;
}

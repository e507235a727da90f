import { z } from 'zod';
import { escapeGlob } from './file-match.js';
import { runRule, sourceShape, type SourceRule } from './mapping-rules.js';
import { isBlank, readSource, templatePaths } from './source-paths.js';

/**
 * The `files` part of a mapping: how a record names its files. Each rule is one of
 *   { "from": "Image file" }                       paths (or bare names) relative to the import folder
 *   { "from": "primaryImage", "as": "url" }        http(s) URLs, downloaded from the allowed hosts
 *   { "glob": "images/{Object Number}_*.tif" }     every folder file matching, in natural order
 * A plain string is a `from` rule. A record's files are its rules' files, in rule order.
 */
const fileRuleSchema = z
  .strictObject({
    ...sourceShape,
    /** What the values are: paths relative to the import folder (default) or URLs to download. */
    as: z.enum(['path', 'url']).optional(),
    /** Patterns over the folder's files with `{path}` placeholders filled from the record. */
    glob: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
  })
  .superRefine((rule, ctx) => {
    const sources = (['from', 'template', 'const', 'glob'] as const).filter((k) => rule[k] !== undefined);
    if (sources.length !== 1) {
      ctx.addIssue({ code: 'custom', message: 'needs exactly one of "from", "template", "const" or "glob"' });
      return;
    }
    if (rule.glob === undefined) return;
    if (rule.as !== undefined) ctx.addIssue({ code: 'custom', path: ['as'], message: '"as" goes with "from", "template" or "const"; a glob always finds files in the import folder' });
    if (rule.transforms.length > 0 || rule.default !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['glob'], message: 'a glob takes no "transforms" or "default"; fill its {placeholders} from columns as they are' });
    }
    [rule.glob].flat().forEach((pattern, i) => {
      const problem = globProblem(pattern);
      if (problem) ctx.addIssue({ code: 'custom', path: Array.isArray(rule.glob) ? ['glob', i] : ['glob'], message: problem });
    });
  });
/** One rule of a mapping's `files`. */
export type FileRule = z.infer<typeof fileRuleSchema>;

/** `files`: a column name, one rule, or a list of either; always parsed into a list of rules. */
export const filesSchema = z.preprocess(
  (value) => (value === undefined ? undefined : [value].flat().map((v) => (typeof v === 'string' ? { from: v } : v))),
  z.array(fileRuleSchema).min(1).optional(),
);

function globProblem(pattern: string): string | null {
  const shown = JSON.stringify(pattern);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(pattern)) return `${shown} is a URL; a glob finds files in the import folder (use "from" with "as": "url" for URLs)`;
  const outside = pattern.replace(/\{[^{}]*\}/g, 'x');
  if (outside.startsWith('/') || /^[A-Za-z]:/.test(outside)) return `${shown} is an absolute path; write it relative to the import folder`;
  if (outside.split('/').includes('..')) return `${shown} points outside the import folder (..)`;
  if (/[{}]/.test(outside)) return `${shown} has an unmatched { or }; placeholders look like {Object Number}`;
  if (/\{\s*\}/.test(pattern)) return `${shown} has an empty placeholder {}`;
  return null;
}

/** A file a record refers to, before it is looked up in the folder or downloaded. */
export type FileRef = { kind: 'path'; path: string } | { kind: 'glob'; pattern: string } | { kind: 'url'; url: string };

/** Checks a file reference: relative, inside the import folder, not a URL. Returns the normalised path or an error. */
export function checkFilePath(p: string): { path: string } | { error: string } {
  const raw = p.trim();
  const shown = JSON.stringify(raw.slice(0, 200));
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) return { error: `${shown} is a URL; files must be paths relative to the import folder, or the rule needs "as": "url" to download them` };
  if (raw.includes('\0')) return { error: `${shown} contains a NUL character` };
  const slashed = raw.replace(/\\/g, '/');
  if (slashed.startsWith('/') || /^[A-Za-z]:/.test(slashed)) return { error: `${shown} is an absolute path; give it relative to the import folder` };
  const parts: string[] = [];
  for (const part of slashed.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return { error: `${shown} points outside the import folder (..)` };
      parts.pop();
    } else parts.push(part);
  }
  return parts.length > 0 ? { path: parts.join('/') } : { error: `${shown} names no file` };
}

/** Checks a URL to download: absolute http(s), no credentials. Returns it normalised or an error. */
export function checkFileUrl(u: string): { url: string } | { error: string } {
  const raw = u.trim();
  const shown = JSON.stringify(raw.slice(0, 200));
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { error: `${shown} is not a URL (a rule with "as": "url" needs full http:// or https:// addresses)` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { error: `${shown} is not an http:// or https:// URL` };
  if (url.username !== '' || url.password !== '') return { error: `${shown} has a user name or password in it; such URLs are not downloaded` };
  return { url: url.href };
}

/** Fills a glob's `{path}` placeholders with the record's values, escaped so they match literally; undefined when one is missing. */
function fillGlob(pattern: string, record: Record<string, unknown>, warn: (m: string) => void): string | undefined {
  let missing: string | undefined;
  const filled = pattern.replace(/\{([^{}]+)\}/g, (_, p: string) => {
    const value = readSource(record, p.trim()).find((v) => !isBlank(v));
    if (value === undefined || typeof value === 'object') {
      missing ??= p.trim();
      return '';
    }
    return escapeGlob(String(value).trim());
  });
  if (missing === undefined) return filled;
  warn(`files: no value for {${missing}}, so the pattern ${JSON.stringify(pattern)} finds no files`);
  return undefined;
}

/** The file references of one record, in rule order, or the first bad one. */
export function fileRefs(rules: readonly FileRule[], record: Record<string, unknown>, zhScript: string, warn: (m: string) => void): { refs: FileRef[] } | { error: string } {
  const refs: FileRef[] = [];
  for (const rule of rules) {
    if (rule.glob !== undefined) {
      for (const pattern of [rule.glob].flat()) {
        const filled = fillGlob(pattern, record, warn);
        if (filled !== undefined) refs.push({ kind: 'glob', pattern: filled });
      }
      continue;
    }
    for (const value of runRule(rule as SourceRule, record, 'files', zhScript, warn)) {
      if (isBlank(value)) continue;
      if (typeof value === 'object') return { error: `${JSON.stringify(value).slice(0, 200)} is not a file name or URL` };
      if (rule.as === 'url') {
        const checked = checkFileUrl(String(value));
        if ('error' in checked) return checked;
        refs.push({ kind: 'url', url: checked.url });
      } else {
        const checked = checkFilePath(String(value));
        if ('error' in checked) return checked;
        refs.push({ kind: 'path', path: checked.path });
      }
    }
  }
  return { refs };
}

/** The source paths the file rules read (`from` paths and template/glob placeholders), for the unmapped-columns report. */
export function fileRuleSources(rules: readonly FileRule[]): { paths: string[]; rules: SourceRule[] } {
  const globs = rules.flatMap((r) => [r.glob ?? []].flat());
  return { paths: globs.flatMap(templatePaths), rules: rules.filter((r) => r.glob === undefined) as SourceRule[] };
}

/** True when some rule finds files in the import folder (so the folder is listed). */
export const readsFolder = (rules: readonly FileRule[] | undefined): boolean => (rules ?? []).some((r) => r.glob !== undefined || r.as !== 'url');

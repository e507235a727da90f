import { annotationTypeValues, type components } from '../api-schema';
import type { MessageKey } from '../i18n';
import { pickLang } from '../lang';
import { fromLangDraft, toLangDraft, type LangDraft } from '../metadata-draft';
import { safeHttpUrl } from '../safe-url';
import type { LangMap, WorkMetadata } from '../types';
import { regionInside, type PixelRect, type PixelSize } from './AnnotationGeometry';

/**
 * The annotations of a work's images (seals, inscriptions, colophons…) as the client handles them:
 * new ids, the editing form's draft and its checks, and which annotation a search query points at.
 * Pure: no IO, no clock; randomness comes in as an argument.
 */

export type Annotation = components['schemas']['Annotation'];
export type AnnotationType = components['schemas']['AnnotationType'];

/** The types in the order the form offers them (from the OpenAPI document, never retyped). */
export const ANNOTATION_TYPES: readonly AnnotationType[] = annotationTypeValues;

const TYPE_KEYS = {
  seal: 'annotation.type.seal',
  inscription: 'annotation.type.inscription',
  colophon: 'annotation.type.colophon',
  signature: 'annotation.type.signature',
  damage: 'annotation.type.damage',
  note: 'annotation.type.note',
} as const satisfies Record<AnnotationType, MessageKey>;

/** The message key naming an annotation type. */
export function annotationTypeKey(type: AnnotationType): MessageKey {
  return TYPE_KEYS[type];
}

/** The annotations of a work's metadata; a record saved before annotations existed has none. */
export function annotationsOf(metadata: Pick<WorkMetadata, 'annotations'> | Partial<Pick<WorkMetadata, 'annotations'>>): Annotation[] {
  return Array.isArray(metadata.annotations) ? metadata.annotations : [];
}

const ID_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * A new annotation id: `a` and 8 base-36 characters (what the server's [A-Za-z0-9_-]{1,32} allows),
 * drawn again in the unlikely case it is taken. `random` returns numbers in [0, 1).
 */
export function newAnnotationId(random: () => number, taken: ReadonlySet<string> = new Set()): string {
  for (;;) {
    let id = 'a';
    for (let i = 0; i < 8; i++) id += ID_ALPHABET[Math.min(35, Math.floor(random() * 36))];
    if (!taken.has(id)) return id;
  }
}

/** What the annotation form edits: text inputs as strings, languages as LangDrafts. */
export interface AnnotationDraft {
  type: AnnotationType;
  /** sha256 of the image the region is on. */
  file: string;
  /** In original pixels; strings because they are inputs. */
  x: string;
  y: string;
  width: string;
  height: string;
  transcription: string;
  transcriptionLanguage: string;
  translation: LangDraft;
  ownerName: LangDraft;
  ownerUri: string;
  note: LangDraft;
}

/** The form's starting values: an annotation's, or a new one's on a file and region. */
export function toAnnotationDraft(annotation: Pick<Annotation, 'file' | 'region'> & Partial<Annotation>): AnnotationDraft {
  return {
    type: annotation.type ?? 'seal',
    file: annotation.file,
    x: String(annotation.region.x),
    y: String(annotation.region.y),
    width: String(annotation.region.width),
    height: String(annotation.region.height),
    transcription: annotation.transcription ?? '',
    transcriptionLanguage: annotation.transcriptionLanguage ?? '',
    translation: toLangDraft(annotation.translation),
    ownerName: toLangDraft(annotation.owner?.name),
    ownerUri: annotation.owner?.uri ?? '',
    note: toLangDraft(annotation.note),
  };
}

/** What can be wrong with a draft before it is sent; each has a message `annotation.problem.<name>`. */
export type AnnotationProblem = 'regionInvalid' | 'regionOutside' | 'languageInvalid' | 'uriInvalid' | 'ownerNameRequired';

const PROBLEM_KEYS = {
  regionInvalid: 'annotation.problem.regionInvalid',
  regionOutside: 'annotation.problem.regionOutside',
  languageInvalid: 'annotation.problem.languageInvalid',
  uriInvalid: 'annotation.problem.uriInvalid',
  ownerNameRequired: 'annotation.problem.ownerNameRequired',
} as const satisfies Record<AnnotationProblem, MessageKey>;

/** The message key of a draft problem. */
export function annotationProblemKey(problem: AnnotationProblem): MessageKey {
  return PROBLEM_KEYS[problem];
}

// The server's rule for transcriptionLanguage (BCP 47, e.g. zh-Hant, lzh).
const LANGUAGE_TAG = /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8}){0,3}$/;
const WHOLE = /^\s*\d+\s*$/;

/** The draft's region as integers, or null when a field is not a whole number of pixels. */
export function draftRegion(draft: Pick<AnnotationDraft, 'x' | 'y' | 'width' | 'height'>): PixelRect | null {
  const fields = [draft.x, draft.y, draft.width, draft.height];
  if (!fields.every((f) => WHOLE.test(f))) return null;
  const [x, y, width, height] = fields.map((f) => Number.parseInt(f, 10)) as [number, number, number, number];
  return { x, y, width, height };
}

/**
 * Checks a draft the way the server will, so most mistakes are caught before saving: the region
 * whole pixels, at least 1 × 1 and inside the image (when its size is known), the language a tag,
 * the authority link http(s), and an owner named when it has a link.
 */
export function annotationProblems(draft: AnnotationDraft, imageSize: PixelSize | null): AnnotationProblem[] {
  const problems: AnnotationProblem[] = [];
  const region = draftRegion(draft);
  if (!region || region.width < 1 || region.height < 1) problems.push('regionInvalid');
  else if (!regionInside(region, imageSize)) problems.push('regionOutside');
  const language = draft.transcriptionLanguage.trim();
  if (language && !LANGUAGE_TAG.test(language)) problems.push('languageInvalid');
  const uri = draft.ownerUri.trim();
  if (uri && (!safeHttpUrl(uri) || !/^https?:\/\//i.test(uri))) problems.push('uriInvalid');
  if (uri && !fromLangDraft(draft.ownerName)) problems.push('ownerNameRequired');
  return problems;
}

/** The annotation a valid draft describes: trimmed, empty fields left out. Check `annotationProblems` first. */
export function fromAnnotationDraft(draft: AnnotationDraft, id: string): Annotation {
  const region = draftRegion(draft) ?? { x: 0, y: 0, width: 1, height: 1 };
  const transcription = draft.transcription.trim();
  const language = draft.transcriptionLanguage.trim();
  const translation = fromLangDraft(draft.translation);
  const ownerName = fromLangDraft(draft.ownerName);
  const uri = draft.ownerUri.trim();
  const note = fromLangDraft(draft.note);
  return {
    id,
    type: draft.type,
    file: draft.file,
    region,
    ...(transcription ? { transcription } : {}),
    ...(transcription && language ? { transcriptionLanguage: language } : {}),
    ...(translation ? { translation } : {}),
    ...(ownerName ? { owner: { name: ownerName, ...(uri ? { uri } : {}) } } : {}),
    ...(note ? { note } : {}),
  };
}

/** The list with one annotation added, or replacing the one with its id. */
export function withAnnotation(list: readonly Annotation[], annotation: Annotation): Annotation[] {
  return list.some((a) => a.id === annotation.id) ? list.map((a) => (a.id === annotation.id ? annotation : a)) : [...list, annotation];
}

/** The list without the annotation of that id. */
export function withoutAnnotation(list: readonly Annotation[], id: string): Annotation[] {
  return list.filter((a) => a.id !== id);
}

/**
 * The fields of annotation `index` the server refused, from an `invalid_input` error's details
 * (`[{ field: 'annotations.2.region', … }]`, with or without a leading `metadata.`): `region`,
 * `owner.uri`, `file`…
 */
export function refusedFields(details: unknown, index: number): string[] {
  if (!Array.isArray(details)) return [];
  const fields: string[] = [];
  for (const d of details) {
    const field: unknown = d && typeof d === 'object' ? (d as { field?: unknown }).field : undefined;
    if (typeof field !== 'string') continue;
    const m = /(?:^|\.)annotations\.(\d+)\.(.+)$/.exec(field);
    if (m && Number(m[1]) === index) fields.push(m[2]!);
  }
  return fields;
}

// Text compared without case or width differences (ｓｅａｌ = seal, full-width digits = digits).
const fold = (text: string) => text.normalize('NFKC').toLowerCase();
const values = (map: LangMap | undefined) => (map ? Object.values(map).filter((v): v is string => typeof v === 'string') : []);

/** All the text of an annotation a search can find: transcription, translation, owner's name, note. */
export function annotationText(annotation: Annotation): string[] {
  return [annotation.transcription ?? '', ...values(annotation.translation), ...values(annotation.owner?.name), ...values(annotation.note)].filter(Boolean);
}

/**
 * Whether an annotation matches a search query: the whole query, or else every word of it, appears
 * in its text, ignoring case and full-width forms. Simplified and traditional characters are not
 * folded (the web client has no conversion table), so 文徵明 does not find 文征明.
 */
export function annotationMatches(annotation: Annotation, query: string): boolean {
  const q = fold(query).trim();
  if (!q) return false;
  const text = annotationText(annotation).map(fold);
  if (text.some((t) => t.includes(q))) return true;
  const words = q.split(/\s+/).filter(Boolean);
  return words.length > 1 && words.every((w) => text.some((t) => t.includes(w)));
}

/** The first annotation a search query points at, in the order the images are read; null when none. */
export function annotationForQuery(annotations: readonly Annotation[], query: string | null | undefined, imageOrder: readonly string[]): Annotation | null {
  if (!query) return null;
  const rank = (a: Annotation) => {
    const i = imageOrder.indexOf(a.file);
    return i < 0 ? imageOrder.length : i;
  };
  const found = annotations.filter((a) => annotationMatches(a, query));
  found.sort((a, b) => rank(a) - rank(b));
  return found[0] ?? null;
}

/** A short text naming an annotation in a list: its transcription, else its owner, translation or note in the reader's language. */
export function annotationSummary(annotation: Annotation, lang: string, max = 40): string {
  const text = annotation.transcription || pickLang(annotation.owner?.name, lang) || pickLang(annotation.translation, lang) || pickLang(annotation.note, lang) || '';
  const flat = text.replace(/\s+/g, ' ').trim();
  const chars = [...flat];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : flat;
}

/** Where the reader's choice to show annotations is remembered. */
export const LAYER_STORAGE_KEY = 'wenyuan.annotations.visible';

/** Whether the layer starts on: the reader's remembered choice, else on for editors and off for visitors. */
export function layerInitiallyOn(stored: string | null, canEdit: boolean): boolean {
  if (stored === '1') return true;
  if (stored === '0') return false;
  return canEdit;
}

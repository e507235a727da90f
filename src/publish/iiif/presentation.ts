/**
 * IIIF Presentation API 3.0 documents (https://iiif.io/api/presentation/3.0/): a work as a Manifest,
 * a curated set or the whole public archive as a Collection. Pure builders over plain inputs (the
 * routes map the work view and the instance onto them), so the same input always gives the same
 * document, ids included, and nothing here reads a clock, a database or the network.
 *
 * Text is plain: we never send HTML. The spec (§4.5) lets clients treat a value whose first
 * character is `<` and last is `>` as HTML, so a plain value that starts with `<` is neutralised
 * (see `plainText`) and a title such as `<img onerror=…>` stays text in every client.
 */
import { IIIF_FORMATS, IIIF_MEDIA_TYPES } from './image-api.js';

export const PRESENTATION_CONTEXT = 'http://iiif.io/api/presentation/3/context.json';

/**
 * Most entries one Collection document lists. The Presentation 3 spec has no paging for Collections
 * (3.0 change log §1.4.4: "Collection paging was neither implemented nor especially different from
 * simply having a hierarchy of Collections"), so a larger set is split into sub-Collections of at most
 * this many entries each (see `pagedCollectionRefs`). 1,000 references keep a document near 0.5 MB.
 */
export const MAX_COLLECTION_ITEMS = 1000;

// ---------------------------------------------------------------------------------------------
// Inputs

/** The languages the product speaks; `none` is the spec's key for text of no or unknown language. */
export type LangKey = 'zh-Hans' | 'zh-Hant' | 'en' | 'none';
/** Text per language, as the archive stores it (other BCP 47 tags pass through). Empty values are dropped. */
export type LangText = { readonly [K in LangKey]?: string } & { readonly [tag: string]: string | undefined };

export type CreatorRole = 'artist' | 'author' | 'calligrapher' | 'maker' | 'performer' | 'composer' | 'photographer' | 'designer' | 'attributed' | 'after' | 'workshop' | 'other';
export type InscriptionKind = 'inscription' | 'colophon' | 'seal' | 'signature' | 'label';
export type ViewingDirection = 'left-to-right' | 'right-to-left' | 'top-to-bottom' | 'bottom-to-top';
/** Layout behaviours valid on a Manifest (spec §3.2 `behavior`); they are mutually disjoint, so one. */
export type ManifestBehavior = 'individuals' | 'paged' | 'continuous' | 'unordered';
/** Layout and collection behaviours valid on a Collection. */
export type CollectionBehavior = 'individuals' | 'unordered' | 'multi-part' | 'together';

export interface CreatorInput {
  name: LangText;
  role: CreatorRole;
  /** Free text such as "1470–1559", shown after the name. */
  lifeDates?: string | undefined;
  nationality?: string | undefined;
}

export interface IdentifierInput {
  /** `inventory`: the holding institution's number; `registration`: the transparency-log registration; `record`: the archive's own id. */
  kind: 'inventory' | 'registration' | 'record';
  value: string;
}

/** Descriptive fields shown as `metadata` entries, in this order. All optional. */
export interface ManifestMetadataInput {
  creators?: readonly CreatorInput[] | undefined;
  /** The date as written (the route formats a year range when there is no written date). */
  date?: LangText | undefined;
  /** Material and technique (the archive's `medium`). */
  medium?: LangText | undefined;
  dimensions?: LangText | undefined;
  place?: LangText | undefined;
  subjects?: readonly LangText[] | undefined;
  inscriptions?: readonly { kind: InscriptionKind; text: LangText }[] | undefined;
  provenance?: LangText | undefined;
  /** The holding institution named in the record (may differ from the publishing provider). */
  institution?: LangText | undefined;
  /** Names of the collections the work belongs to, nearest first. */
  collections?: readonly LangText[] | undefined;
  identifiers?: readonly IdentifierInput[] | undefined;
  /** Where the record came from (a museum page), shown as plain text. */
  sourceUrl?: string | undefined;
  /** Extra imported fields: a label as written (language unknown) and its text. */
  notes?: readonly { label: string; text: LangText }[] | undefined;
}

export interface RightsInput {
  /** A rights URI; only Creative Commons and RightsStatements.org URIs become the `rights` property. */
  uri: string;
  note?: LangText | undefined;
}

export interface ImageRefInput {
  url: string;
  width: number;
  height: number;
  /** The media type of `url` (image/jpeg by default). */
  mediaType?: string | undefined;
}

export interface ProviderInput {
  /** A URI that identifies the institution (e.g. the site's root or its about page). */
  id: string;
  label: LangText;
  /** The institution's web site. */
  homepage?: string | undefined;
  logo?: ImageRefInput | undefined;
}

export interface CanvasInput {
  /** Shown by viewers in the page strip; "1", "2", … when absent. */
  label?: LangText | undefined;
  width: number;
  height: number;
  /** Base URL of the IIIF Image API 3 service for this image (no trailing `/info.json`). */
  imageServiceId: string;
  /** Media type of the full image the service renders (image/jpeg, image/png or image/webp; others fall back to image/jpeg). */
  mediaType: string;
  thumbnail: ImageRefInput;
  /** AnnotationPages about this canvas (seals, inscriptions), referenced from its `annotations`. */
  annotationPageIds?: readonly string[] | undefined;
}

export interface CollectionRefInput {
  id: string;
  label: LangText;
}

export interface ManifestInput {
  workId: string;
  /** The URL the Manifest is served at; canvas, page and annotation ids are derived from it. */
  manifestId: string;
  label: LangText;
  summary?: LangText | undefined;
  metadata?: ManifestMetadataInput | undefined;
  rights?: RightsInput | undefined;
  /** The `requiredStatement` text; the provider's name when absent. */
  attribution?: LangText | undefined;
  provider?: ProviderInput | undefined;
  /** The work's public page. */
  homepage?: string | undefined;
  /** The work's JSON record (seeAlso, application/json). */
  recordUrl?: string | undefined;
  /** The registry receipt (seeAlso, application/json), when the work is registered. */
  receiptUrl?: string | undefined;
  /** Year for timeline navigation (`navDate`); years outside 1–9999 are left out. */
  navYear?: number | undefined;
  viewingDirection?: ViewingDirection | undefined;
  behavior?: ManifestBehavior | undefined;
  /** Collections the work belongs to (`partOf`). */
  partOf?: readonly CollectionRefInput[] | undefined;
  canvases: readonly CanvasInput[];
}

export interface CollectionItemInput {
  type: 'Manifest' | 'Collection';
  id: string;
  label: LangText;
  thumbnail?: (ImageRefInput & { imageServiceId?: string | undefined }) | undefined;
}

export interface CollectionInput {
  id: string;
  label: LangText;
  summary?: LangText | undefined;
  rights?: RightsInput | undefined;
  attribution?: LangText | undefined;
  provider?: ProviderInput | undefined;
  homepage?: string | undefined;
  thumbnail?: (ImageRefInput & { imageServiceId?: string | undefined }) | undefined;
  behavior?: CollectionBehavior | undefined;
  viewingDirection?: ViewingDirection | undefined;
  partOf?: readonly CollectionRefInput[] | undefined;
  items: readonly CollectionItemInput[];
}

// ---------------------------------------------------------------------------------------------
// Output (the subset of Presentation 3.0 these builders write)

/** A language map: BCP 47 tag (or `none`) → one or more non-empty strings. */
export type LanguageMap = Record<string, string[]>;
export interface LabelValue { label: LanguageMap; value: LanguageMap }
export interface ImageService3 { id: string; type: 'ImageService3'; profile: 'level2' }
export interface ImageResource { id: string; type: 'Image'; format: string; width?: number; height?: number; service?: ImageService3[] }
export interface ExternalResource { id: string; type: 'Text' | 'Dataset'; label: LanguageMap; format: string; profile?: string }
export interface Agent { id: string; type: 'Agent'; label: LanguageMap; homepage?: ExternalResource[]; logo?: ImageResource[] }
export interface Reference<T extends string> { id: string; type: T; label?: LanguageMap }
export interface PaintingAnnotation { id: string; type: 'Annotation'; motivation: 'painting'; body: ImageResource; target: string }
export interface AnnotationPage { id: string; type: 'AnnotationPage'; items: PaintingAnnotation[] }
export interface Canvas {
  id: string;
  type: 'Canvas';
  label: LanguageMap;
  width: number;
  height: number;
  thumbnail: ImageResource[];
  items: AnnotationPage[];
  annotations?: Reference<'AnnotationPage'>[];
}
interface Described {
  '@context': typeof PRESENTATION_CONTEXT;
  id: string;
  label: LanguageMap;
  summary?: LanguageMap;
  metadata?: LabelValue[];
  requiredStatement?: LabelValue;
  rights?: string;
  provider?: Agent[];
  homepage?: ExternalResource[];
  thumbnail?: ImageResource[];
  viewingDirection?: ViewingDirection;
  partOf?: Reference<'Collection'>[];
}
export interface Manifest extends Described {
  type: 'Manifest';
  seeAlso?: ExternalResource[];
  navDate?: string;
  behavior?: ManifestBehavior[];
  items: Canvas[];
}
export interface CollectionItem { id: string; type: 'Manifest' | 'Collection'; label: LanguageMap; thumbnail?: ImageResource[] }
export interface Collection extends Described {
  type: 'Collection';
  behavior?: CollectionBehavior[];
  items: CollectionItem[];
}

/** Why an input cannot become a valid document; `no_canvases` means there is nothing to show (the route answers 404). */
export class PresentationInputError extends Error {
  constructor(
    readonly reason: 'no_canvases' | 'no_label' | 'not_http_url' | 'bad_dimensions' | 'too_many_items',
    message: string,
  ) {
    super(message);
    this.name = 'PresentationInputError';
  }
}

// ---------------------------------------------------------------------------------------------
// Product strings: metadata labels in the three languages (the same words as the web client's
// work.json catalogues, so a viewer and our own pages label fields alike).

type Words = Readonly<Record<'zh-Hans' | 'zh-Hant' | 'en', string>>;
const w = (zhHans: string, zhHant: string, en: string): Words => ({ 'zh-Hans': zhHans, 'zh-Hant': zhHant, en });

const ROLE_LABELS: Readonly<Record<CreatorRole, Words>> = {
  artist: w('艺术家', '藝術家', 'Artist'),
  author: w('撰者', '撰者', 'Author'),
  calligrapher: w('书家', '書家', 'Calligrapher'),
  maker: w('制作者', '製作者', 'Maker'),
  performer: w('表演者', '表演者', 'Performer'),
  composer: w('作曲', '作曲', 'Composer'),
  photographer: w('摄影', '攝影', 'Photographer'),
  designer: w('设计', '設計', 'Designer'),
  attributed: w('传', '傳', 'Attributed to'),
  after: w('仿', '仿', 'After'),
  workshop: w('作坊', '作坊', 'Workshop of'),
  other: w('其他', '其他', 'Other'),
};
const INSCRIPTION_LABELS: Readonly<Record<InscriptionKind, Words>> = {
  inscription: w('款识', '款識', 'Inscription'),
  colophon: w('题跋', '題跋', 'Colophon'),
  seal: w('印章', '印章', 'Seal'),
  signature: w('署名', '署名', 'Signature'),
  label: w('标签', '標籤', 'Label'),
};
const IDENTIFIER_LABELS: Readonly<Record<IdentifierInput['kind'], Words>> = {
  inventory: w('藏品编号', '藏品編號', 'Inventory number'),
  registration: w('登记号', '登記號', 'Registration'),
  record: w('记录编号', '記錄編號', 'Record ID'),
};
export const PRESENTATION_LABELS = {
  date: w('年代', '年代', 'Date'),
  medium: w('材质', '材質', 'Medium'),
  dimensions: w('尺寸', '尺寸', 'Dimensions'),
  place: w('地点', '地點', 'Place'),
  subjects: w('主题', '主題', 'Subjects'),
  provenance: w('流传经历', '流傳經歷', 'Provenance'),
  institution: w('收藏机构', '收藏機構', 'Institution'),
  collection: w('收藏集', '收藏集', 'Collection'),
  rights: w('权利', '權利', 'Rights'),
  source: w('来源记录', '來源記錄', 'Source record'),
  attribution: w('提供', '提供', 'Provided by'),
  record: w('作品记录（JSON）', '作品記錄（JSON）', 'Work record (JSON)'),
  receipt: w('登记回执（JSON）', '登記回執（JSON）', 'Registry receipt (JSON)'),
  role: ROLE_LABELS,
  inscription: INSCRIPTION_LABELS,
  identifier: IDENTIFIER_LABELS,
} as const;

/** The label of the n-th sub-Collection of a paged set ("Works 1–1000"). */
function pageLabel(from: number, to: number): Words {
  return w(`作品 ${from}–${to}`, `作品 ${from}–${to}`, `Works ${from}–${to}`);
}

// ---------------------------------------------------------------------------------------------
// Language maps

const ORDER = ['zh-Hans', 'zh-Hant', 'en'];
// The IIIF validator's schema takes keys of letters and hyphens only (stricter than BCP 47).
const SCHEMA_TAG = /^[a-zA-Z]{2,3}(-[a-zA-Z]{2,8})*$/;
// Which stored value stands in for a language a value lacks (as src/archive/lang.ts picks for readers).
const FALLBACK: Record<string, string[]> = {
  'zh-Hans': ['zh-Hans', 'zh', 'zh-Hant', 'en', 'none'],
  'zh-Hant': ['zh-Hant', 'zh', 'zh-Hans', 'en', 'none'],
  en: ['en', 'none', 'zh-Hans', 'zh-Hant', 'zh'],
};

/**
 * Plain text as a language-map value: trimmed, null when empty. A value starting with `<` gets a
 * leading space, and one that also ends with `>` a trailing space (the spec's own advice, §4.5), so
 * neither the spec's first-and-last-character test nor a client testing the first character alone
 * takes it for HTML; the spec says HTML values never have whitespace on either side.
 */
export function plainText(text: string | undefined | null): string | null {
  const value = (text ?? '').trim();
  if (value === '') return null;
  if (!value.startsWith('<')) return value;
  return value.endsWith('>') ? ` ${value} ` : ` ${value}`;
}

// Code-point order, not localeCompare: the same document on every machine whatever its locale.
function sortKeys(map: LanguageMap): LanguageMap {
  const rank = (key: string) => (key === 'none' ? ORDER.length + 1 : ORDER.includes(key) ? ORDER.indexOf(key) : ORDER.length);
  const out: LanguageMap = {};
  for (const key of Object.keys(map).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))) out[key] = map[key]!;
  return out;
}

function push(map: LanguageMap, key: string, value: string | null): void {
  if (value === null) return;
  const list = (map[key] ??= []);
  if (!list.includes(value)) list.push(value);
}

/** A language map from stored text: empty values dropped, tags the schema refuses moved to `none`, keys in a stable order. */
export function languageMap(text: LangText | undefined | null, decorate: (value: string, lang: string) => string = (v) => v): LanguageMap {
  const out: LanguageMap = {};
  for (const [tag, raw] of Object.entries(text ?? {})) {
    const key = tag === 'none' || SCHEMA_TAG.test(tag) ? tag : 'none';
    const value = plainText(raw);
    push(out, key, value === null ? null : plainText(decorate(value.trim(), key)));
  }
  return sortKeys(out);
}

function fromWords(words: Words): LanguageMap {
  return { 'zh-Hans': [words['zh-Hans']], 'zh-Hant': [words['zh-Hant']], en: [words.en] };
}

function isEmpty(map: LanguageMap): boolean {
  return Object.keys(map).length === 0;
}

/**
 * Several values (creators of one role, subjects, …) as one map. Every language any of them has is
 * filled for each of them, falling back to a related language, so a reader whose language one value
 * lacks still sees all the values, not only those translated (clients show one language's list).
 */
function mergedMap(maps: readonly LanguageMap[]): LanguageMap {
  const present = maps.filter((m) => !isEmpty(m));
  const languages = new Set(present.flatMap((m) => Object.keys(m)));
  const out: LanguageMap = {};
  if ([...languages].every((key) => key === 'none')) {
    for (const map of present) for (const value of map.none ?? []) push(out, 'none', value);
    return out;
  }
  languages.delete('none');
  for (const key of languages) {
    for (const map of present) {
      const chain = FALLBACK[key] ?? [key, 'en', 'zh-Hans', 'zh-Hant', 'none'];
      const found = chain.find((tag) => map[tag] !== undefined) ?? Object.keys(map)[0]!;
      for (const value of map[found] ?? []) push(out, key, value);
    }
  }
  return sortKeys(out);
}

// ---------------------------------------------------------------------------------------------
// Small parts

function httpUrl(url: string | undefined, what: string): string {
  let parsed: URL | null = null;
  try {
    parsed = new URL(url ?? '');
  } catch {
    parsed = null;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.hash) {
    throw new PresentationInputError('not_http_url', `${what} must be an absolute http(s) URL without a fragment (got "${url ?? ''}"); is the public URL set?`);
  }
  return url!;
}

function dimension(value: number, what: string): number {
  if (!Number.isInteger(value) || value <= 0) throw new PresentationInputError('bad_dimensions', `${what} must be a positive integer (got ${value})`);
  return value;
}

function requiredLabel(text: LangText, what: string): LanguageMap {
  const label = languageMap(text);
  if (isEmpty(label)) throw new PresentationInputError('no_label', `${what} needs a label in at least one language`);
  return label;
}

function imageService(id: string): ImageService3 {
  return { id: httpUrl(id, 'imageServiceId').replace(/\/+$/, ''), type: 'ImageService3', profile: 'level2' };
}

function imageRef(image: ImageRefInput & { imageServiceId?: string | undefined }, what: string): ImageResource {
  const out: ImageResource = {
    id: httpUrl(image.url, `${what} url`),
    type: 'Image',
    format: image.mediaType ?? 'image/jpeg',
    width: dimension(image.width, `${what} width`),
    height: dimension(image.height, `${what} height`),
  };
  if (image.imageServiceId) out.service = [imageService(image.imageServiceId)];
  return out;
}

const CC = /^https?:\/\/creativecommons\.org\/(licenses|publicdomain)\/[a-z0-9.\-/]+$/;
const RS = /^https?:\/\/rightsstatements\.org\/vocab\/[A-Za-z-]+\/1\.0\/?$/;

/**
 * The `rights` value for a URI, or null when the spec does not allow it there (§3.2: Creative
 * Commons and RightsStatements.org URIs only). Both publish their canonical URIs as `http://…/`
 * (the spec's note and the validator's schema require the http form), so https and a missing
 * trailing slash are normalised.
 */
export function rightsUri(uri: string | undefined | null): string | null {
  const given = (uri ?? '').trim();
  if (!CC.test(given) && !RS.test(given)) return null;
  const http = given.replace(/^https:/, 'http:');
  return http.endsWith('/') ? http : `${http}/`;
}

function rightsEntry(rights: RightsInput): LabelValue | null {
  const uri = plainText(rights.uri);
  if (uri === null) return null;
  // The URI is listed after the note in each language, so a reader sees both; without a note it stands alone.
  const note = languageMap(rights.note);
  const value: LanguageMap = isEmpty(note) ? { none: [uri] } : Object.fromEntries(Object.entries(note).map(([k, v]) => [k, [...v, uri]]));
  return { label: fromWords(PRESENTATION_LABELS.rights), value };
}

function requiredStatement(attribution: LangText | undefined, provider: ProviderInput | undefined): LabelValue | null {
  const value = languageMap(attribution ?? provider?.label);
  return isEmpty(value) ? null : { label: fromWords(PRESENTATION_LABELS.attribution), value };
}

// Before setup the institution has no name; an Agent MUST have a label, so there is then no provider.
function agent(provider: ProviderInput): Agent | null {
  const label = languageMap(provider.label);
  if (isEmpty(label)) return null;
  const out: Agent = { id: httpUrl(provider.id, 'provider id'), type: 'Agent', label };
  if (provider.homepage) out.homepage = [{ id: httpUrl(provider.homepage, 'provider homepage'), type: 'Text', label, format: 'text/html' }];
  if (provider.logo) out.logo = [imageRef({ ...provider.logo, mediaType: provider.logo.mediaType ?? 'image/png' }, 'provider logo')];
  return out;
}

function collectionRefs(refs: readonly CollectionRefInput[]): Reference<'Collection'>[] {
  return refs.map((ref) => ({ id: httpUrl(ref.id, 'partOf id'), type: 'Collection', label: requiredLabel(ref.label, `collection ${ref.id}`) }));
}

function entry(words: Words, value: LanguageMap): LabelValue[] {
  return isEmpty(value) ? [] : [{ label: fromWords(words), value }];
}

/** `metadata` entries from the descriptive fields, in reading order; fields with no text give none. */
export function metadataEntries(fields: ManifestMetadataInput | undefined, rights?: RightsInput): LabelValue[] {
  const f = fields ?? {};
  const out: LabelValue[] = [];
  // One entry per role, in the order roles first appear, so "Artist: A; B" reads as on the work's page.
  const roles: CreatorRole[] = [];
  for (const creator of f.creators ?? []) if (!roles.includes(creator.role)) roles.push(creator.role);
  for (const role of roles) {
    const names = (f.creators ?? []).filter((c) => c.role === role).map((c) => {
      const extra = [c.lifeDates, c.nationality].map((s) => s?.trim()).filter((s): s is string => !!s).join(', ');
      return languageMap(c.name, (name, lang) => (extra === '' ? name : lang.startsWith('zh') ? `${name}（${extra}）` : `${name} (${extra})`));
    });
    out.push(...entry(ROLE_LABELS[role], mergedMap(names)));
  }
  out.push(...entry(PRESENTATION_LABELS.date, languageMap(f.date)));
  out.push(...entry(PRESENTATION_LABELS.medium, languageMap(f.medium)));
  out.push(...entry(PRESENTATION_LABELS.dimensions, languageMap(f.dimensions)));
  out.push(...entry(PRESENTATION_LABELS.place, languageMap(f.place)));
  out.push(...entry(PRESENTATION_LABELS.subjects, mergedMap((f.subjects ?? []).map((s) => languageMap(s)))));
  const kinds: InscriptionKind[] = [];
  for (const inscription of f.inscriptions ?? []) if (!kinds.includes(inscription.kind)) kinds.push(inscription.kind);
  for (const kind of kinds) {
    out.push(...entry(INSCRIPTION_LABELS[kind], mergedMap((f.inscriptions ?? []).filter((i) => i.kind === kind).map((i) => languageMap(i.text)))));
  }
  out.push(...entry(PRESENTATION_LABELS.provenance, languageMap(f.provenance)));
  out.push(...entry(PRESENTATION_LABELS.institution, languageMap(f.institution)));
  out.push(...entry(PRESENTATION_LABELS.collection, mergedMap((f.collections ?? []).map((c) => languageMap(c)))));
  for (const kind of ['inventory', 'registration', 'record'] as const) {
    const values = (f.identifiers ?? []).filter((i) => i.kind === kind).map((i) => languageMap({ none: i.value }));
    out.push(...entry(IDENTIFIER_LABELS[kind], mergedMap(values)));
  }
  if (rights) {
    const r = rightsEntry(rights);
    if (r) out.push(r);
  }
  out.push(...entry(PRESENTATION_LABELS.source, languageMap({ none: f.sourceUrl })));
  for (const note of f.notes ?? []) {
    const label = languageMap({ none: note.label });
    const value = languageMap(note.text);
    if (!isEmpty(label) && !isEmpty(value)) out.push({ label, value });
  }
  return out;
}

function navDate(year: number | undefined): string | null {
  // XSD dateTime wants four digits (and validators refuse year 0 and BCE), so only years 1–9999 navigate.
  if (year === undefined || !Number.isInteger(year) || year < 1 || year > 9999) return null;
  return `${String(year).padStart(4, '0')}-01-01T00:00:00Z`;
}

function fullImageFormat(mediaType: string): { format: string; extension: string } {
  const extension = IIIF_FORMATS.find((f) => IIIF_MEDIA_TYPES[f] === mediaType) ?? 'jpg';
  return { format: IIIF_MEDIA_TYPES[extension], extension };
}

function canvas(base: string, input: CanvasInput, index: number): Canvas {
  const n = index + 1;
  const id = `${base}/canvas/${n}`;
  const service = imageService(input.imageServiceId);
  const { format, extension } = fullImageFormat(input.mediaType);
  const width = dimension(input.width, `canvas ${n} width`);
  const height = dimension(input.height, `canvas ${n} height`);
  const label = languageMap(input.label);
  const out: Canvas = {
    id,
    type: 'Canvas',
    label: isEmpty(label) ? { none: [String(n)] } : label,
    width,
    height,
    thumbnail: [{ ...imageRef(input.thumbnail, `canvas ${n} thumbnail`), service: [service] }],
    items: [
      {
        id: `${base}/page/${n}`,
        type: 'AnnotationPage',
        items: [
          {
            id: `${base}/annotation/${n}`,
            type: 'Annotation',
            motivation: 'painting',
            // Image API 3: `max` is the largest size the service allows this reader, so a restricted work stays restricted.
            body: { id: `${service.id}/full/max/0/default.${extension}`, type: 'Image', format, width, height, service: [service] },
            target: id,
          },
        ],
      },
    ],
  };
  const pages = (input.annotationPageIds ?? []).map((pageId) => ({ id: httpUrl(pageId, `canvas ${n} annotation page`), type: 'AnnotationPage' as const }));
  if (pages.length > 0) out.annotations = pages;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Builders

/** A Presentation 3.0 Manifest for a work; throws PresentationInputError (`no_canvases` when it has no images to show). */
export function buildManifest(input: ManifestInput): Manifest {
  const id = httpUrl(input.manifestId, 'manifestId');
  // A Manifest MUST have at least one Canvas (§3.4 items): a work with no images has no Manifest.
  if (input.canvases.length === 0) throw new PresentationInputError('no_canvases', `work ${input.workId} has no images, so it has no IIIF Manifest`);
  const base = id.replace(/\/+$/, '');
  const label = requiredLabel(input.label, `work ${input.workId}`);
  const items = input.canvases.map((c, i) => canvas(base, c, i));
  const seeAlso: ExternalResource[] = [];
  if (input.recordUrl) seeAlso.push({ id: httpUrl(input.recordUrl, 'recordUrl'), type: 'Dataset', label: fromWords(PRESENTATION_LABELS.record), format: 'application/json' });
  if (input.receiptUrl) seeAlso.push({ id: httpUrl(input.receiptUrl, 'receiptUrl'), type: 'Dataset', label: fromWords(PRESENTATION_LABELS.receipt), format: 'application/json' });
  const date = navDate(input.navYear);
  return {
    ...describe(id, 'Manifest', label, input, metadataEntries(input.metadata, input.rights)),
    ...(seeAlso.length > 0 ? { seeAlso } : {}),
    // The first view stands for the work in lists and search results.
    thumbnail: items[0]!.thumbnail.map((t) => ({ ...t })),
    ...(date ? { navDate: date } : {}),
    ...(input.viewingDirection ? { viewingDirection: input.viewingDirection } : {}),
    ...(input.behavior ? { behavior: [input.behavior] } : {}),
    ...(input.partOf && input.partOf.length > 0 ? { partOf: collectionRefs(input.partOf) } : {}),
    items,
  };
}

interface SharedInput {
  summary?: LangText | undefined;
  rights?: RightsInput | undefined;
  attribution?: LangText | undefined;
  provider?: ProviderInput | undefined;
  homepage?: string | undefined;
}

/** The properties Manifests and Collections share, in the spec's order, without undefined keys. */
function describe<T extends 'Manifest' | 'Collection'>(id: string, type: T, label: LanguageMap, input: SharedInput, metadata: LabelValue[]): Described & { type: T } {
  const out: Described & { type: T } = { '@context': PRESENTATION_CONTEXT, id, type, label };
  const summary = languageMap(input.summary);
  if (!isEmpty(summary)) out.summary = summary;
  if (metadata.length > 0) out.metadata = metadata;
  const statement = requiredStatement(input.attribution, input.provider);
  if (statement) out.requiredStatement = statement;
  const rights = rightsUri(input.rights?.uri);
  if (rights) out.rights = rights;
  const provider = input.provider ? agent(input.provider) : null;
  if (provider) out.provider = [provider];
  if (input.homepage) out.homepage = [{ id: httpUrl(input.homepage, 'homepage'), type: 'Text', label, format: 'text/html' }];
  return out;
}

/** A Presentation 3.0 Collection of Manifest and Collection references (at most MAX_COLLECTION_ITEMS). */
export function buildCollection(input: CollectionInput): Collection {
  const id = httpUrl(input.id, 'collection id');
  if (input.items.length > MAX_COLLECTION_ITEMS) {
    throw new PresentationInputError('too_many_items', `collection ${id} lists ${input.items.length} entries; split it into sub-collections of at most ${MAX_COLLECTION_ITEMS} (pagedCollectionRefs)`);
  }
  const label = requiredLabel(input.label, `collection ${id}`);
  const rights = input.rights ? rightsEntry(input.rights) : null;
  const items = input.items.map((item) => {
    const out: CollectionItem = { id: httpUrl(item.id, `${item.type} id`), type: item.type, label: requiredLabel(item.label, `${item.type} ${item.id}`) };
    if (item.thumbnail) out.thumbnail = [imageRef(item.thumbnail, `${item.type} ${item.id} thumbnail`)];
    return out;
  });
  return {
    ...describe(id, 'Collection', label, input, rights ? [rights] : []),
    ...(input.thumbnail ? { thumbnail: [imageRef(input.thumbnail, 'collection thumbnail')] } : {}),
    ...(input.viewingDirection ? { viewingDirection: input.viewingDirection } : {}),
    ...(input.behavior ? { behavior: [input.behavior] } : {}),
    ...(input.partOf && input.partOf.length > 0 ? { partOf: collectionRefs(input.partOf) } : {}),
    items,
  };
}

/** The URL of page `n` (from 1) of a paged Collection. */
export function collectionPageId(collectionId: string, n: number): string {
  return `${collectionId.replace(/\/+$/, '')}/page/${n}`;
}

/**
 * References to the sub-Collections that split `total` entries into pages of `pageSize`
 * (`…/page/1`, `…/page/2`, …, labelled "Works 1–1000"): the items of the top Collection when a set
 * is larger than MAX_COLLECTION_ITEMS. Page n lists entries (n-1)·pageSize … n·pageSize-1 in the
 * set's stable order. Throws when even the pages would not fit one document (over 1,000,000 entries).
 */
export function pagedCollectionRefs(collectionId: string, total: number, pageSize: number = MAX_COLLECTION_ITEMS): CollectionItemInput[] {
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_COLLECTION_ITEMS) throw new PresentationInputError('too_many_items', `pageSize must be 1–${MAX_COLLECTION_ITEMS}`);
  const pages = Math.ceil(Math.max(0, total) / pageSize);
  if (pages > MAX_COLLECTION_ITEMS) throw new PresentationInputError('too_many_items', `${total} entries need ${pages} pages, more than one collection lists (${MAX_COLLECTION_ITEMS})`);
  return Array.from({ length: pages }, (_, i) => ({
    type: 'Collection' as const,
    id: collectionPageId(collectionId, i + 1),
    label: pageLabel(i * pageSize + 1, Math.min(total, (i + 1) * pageSize)),
  }));
}

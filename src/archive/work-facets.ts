import { parseDateText, periodKeyFor } from './date-range.js';
import { matchPlace } from './gazetteer.js';
import { canonicalLangMap, pickLang } from './lang.js';
import type { WorkMetadata } from './metadata.schema.js';

export interface FacetColumns {
  title_sort: string;
  industry: string | null;
  heritage: string | null;
  earliest_year: number | null;
  latest_year: number | null;
  period: string | null;
  medium_facet: string | null;
  institution_facet: string | null;
  rights_uri: string | null;
  /** The most specific gazetteer place the place text names (gazetteer.ts), for the place facet and the map. */
  place_key: string | null;
  geo_lat: number | null;
  geo_lon: number | null;
}

/** Derives the denormalised sort and facet columns of a work from its metadata. */
export function facetColumns(metadata: WorkMetadata): FacetColumns {
  const earliest = metadata.date?.earliest ?? metadata.date?.latest ?? null;
  const latest = metadata.date?.latest ?? metadata.date?.earliest ?? null;
  const title = pickLang(metadata.title, 'en') ?? '';
  return {
    title_sort: title.normalize('NFKC').toLowerCase().slice(0, 200),
    industry: metadata.classification.industry ?? null,
    heritage: metadata.classification.heritage ?? null,
    earliest_year: earliest,
    latest_year: latest,
    period: earliest !== null && latest !== null ? periodKeyFor({ earliest, latest, ...namedPeriod(metadata) }) : null,
    medium_facet: canonicalLangMap(metadata.medium),
    institution_facet: canonicalLangMap(metadata.institution),
    rights_uri: metadata.rights?.uri ?? null,
    place_key: matchPlace(metadata.place)?.key ?? null,
    geo_lat: metadata.geo?.lat ?? null,
    geo_lon: metadata.geo?.lon ?? null,
  };
}

/** The dynasty or era the date text names (明 永乐年间 → ming), so the period facet can say 明 rather than "15th century". */
function namedPeriod(metadata: WorkMetadata): { period?: string } {
  for (const text of Object.values(metadata.date?.display ?? {})) {
    const period = parseDateText(text)?.period;
    if (period) return { period };
  }
  return {};
}

/** Top-level metadata fields whose values differ between two versions. */
export function changedFields(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((key) => canonicalJson(before[key]) !== canonicalJson(after[key])).sort();
}

/**
 * A value as JSON with object keys sorted and empty parts (undefined, '', {}, []) dropped, so that
 * an edit form re-sending a field in another key order, or an empty language, is not a change.
 */
function canonicalJson(value: unknown): string {
  return sortedJson(pruned(value)) ?? '';
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** JSON with object keys sorted, for comparing metadata regardless of key order (also the importer's). */
export function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => byName(a, b))) : v,
  );
}

function pruned(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(pruned).filter((v) => v !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .map(([key, v]) => [key, pruned(v)] as const)
      .filter(([, v]) => v !== undefined);
    return entries.length > 0 ? Object.fromEntries(entries) : undefined;
  }
  // Surrounding whitespace is not content: forms trim what they send back.
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  return value;
}

/** The titles of a work, for the heavier-weighted part of the search index. */
export function searchableTitle(metadata: WorkMetadata): string {
  return Object.values(metadata.title).join('\n');
}

/** A work's human-readable strings by the weight a match in them carries in search (title highest). */
export interface SearchableFields {
  title: string;
  creator: string;
  /** Inscriptions, seals, colophons, and annotations' transcriptions, translations, notes and owners. */
  inscription: string;
  /** Description, subjects, date, medium, place, institution, provenance, inventory number. */
  other: string;
  /** The place text alone (also part of `other`), for the pinyin of place names. */
  place: string;
}

/** Gathers a work's searchable strings into the fields search weighs differently. */
export function searchableFields(metadata: WorkMetadata): SearchableFields {
  const collect = (fill: (add: (map: Record<string, string> | undefined) => void, parts: string[]) => void): string => {
    const parts: string[] = [];
    fill((map) => {
      if (map) parts.push(...Object.values(map));
    }, parts);
    return parts.join('\n');
  };
  return {
    title: searchableTitle(metadata),
    creator: collect((add) => {
      for (const creator of metadata.creators) add(creator.name);
    }),
    // A seal's owner, an inscription's words: a search for them finds the work (and the page zooms to them).
    inscription: collect((add, parts) => {
      for (const inscription of metadata.inscriptions) add(inscription.text);
      for (const annotation of metadata.annotations) {
        if (annotation.transcription) parts.push(annotation.transcription);
        add(annotation.translation);
        add(annotation.owner?.name);
        add(annotation.note);
      }
    }),
    other: collect((add, parts) => {
      add(metadata.date?.display);
      add(metadata.medium);
      add(metadata.place);
      for (const subject of metadata.subjects) add(subject);
      add(metadata.description);
      add(metadata.institution);
      add(metadata.provenance);
      if (metadata.inventoryNumber) parts.push(metadata.inventoryNumber);
    }),
    place: collect((add) => add(metadata.place)),
  };
}

/** Every searchable string of a work but its titles. */
export function searchableText(metadata: WorkMetadata): string {
  const fields = searchableFields(metadata);
  return [fields.creator, fields.inscription, fields.other].filter(Boolean).join('\n');
}

/**
 * A date typed only as text (`明 永乐年间`, `Qianlong period`) gets its year range, as imports do, so
 * the year filter and the period facet find works described in the editor. Years given stay as given.
 */
export function withDerivedYears(metadata: WorkMetadata): WorkMetadata {
  const date = metadata.date;
  if (!date?.display || date.earliest !== undefined || date.latest !== undefined) return metadata;
  for (const text of Object.values(date.display)) {
    const range = parseDateText(text);
    if (range) return { ...metadata, date: { ...date, earliest: range.earliest, latest: range.latest } };
  }
  return metadata;
}

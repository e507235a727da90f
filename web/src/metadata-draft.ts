import { EDIT_LANGS, HERITAGE_TYPES, INDUSTRY_CODES, type Creator, type CreatorRole, type LangMap, type Visibility, type WorkDetail, type WorkMetadata } from './types';

/** Text inputs for one LangMap: the three edit languages plus any other tag the record already has. */
export type LangDraft = Record<string, string>;

export interface CreatorDraft {
  key: number;
  name: LangDraft;
  role: CreatorRole;
  /** Fields the form does not edit (life dates, nationality) ride along unchanged. */
  rest: Omit<Creator, 'name' | 'role'>;
}

export interface WorkDraft {
  title: LangDraft;
  creators: CreatorDraft[];
  dateDisplay: LangDraft;
  earliest: string;
  latest: string;
  medium: LangDraft;
  dimensions: LangDraft;
  place: LangDraft;
  /** The place's coordinates in decimal degrees, as typed; both or neither. */
  lat: string;
  lon: string;
  description: LangDraft;
  institution: LangDraft;
  inventoryNumber: string;
  rightsUri: string;
  industry: string;
  heritage: string;
  visibility: Visibility;
  collectionId: string;
  /** '' follows the collection, then the rights. */
  downloadPolicy: '' | 'master' | 'display' | 'none';
  note: string;
}

/** Fills the defaults the server schema applies, so older or partial records render safely. */
export function normalizeMetadata(metadata: Partial<WorkMetadata> & { title: LangMap }): WorkMetadata {
  return {
    ...metadata,
    creators: metadata.creators ?? [],
    subjects: metadata.subjects ?? [],
    inscriptions: metadata.inscriptions ?? [],
    notes: metadata.notes ?? [],
    classification: metadata.classification ?? {},
    annotations: metadata.annotations ?? [],
  };
}

/** The edit inputs for a LangMap: every edit language (empty when absent) and any extra tags. */
export function toLangDraft(map: LangMap | null | undefined): LangDraft {
  const draft: LangDraft = {};
  for (const tag of EDIT_LANGS) draft[tag] = map?.[tag] ?? '';
  for (const [tag, value] of Object.entries(map ?? {})) if (!(tag in draft)) draft[tag] = value;
  return draft;
}

/** The LangMap of a draft: trimmed, empty languages dropped; undefined when nothing is left. */
export function fromLangDraft(draft: LangDraft): LangMap | undefined {
  const entries = Object.entries(draft)
    .map(([tag, value]) => [tag, value.trim()] as const)
    .filter(([, value]) => value);
  return entries.length ? Object.fromEntries(entries) : undefined;
}

let nextKey = 1;
/** A stable React key for a new creator row. */
export function creatorKey(): number {
  return nextKey++;
}

/** The form's starting values for a work. */
export function toDraft(work: WorkDetail): WorkDraft {
  const m = work.metadata;
  return {
    title: toLangDraft(m.title),
    creators: m.creators.map(({ name, role, ...rest }) => ({ key: creatorKey(), name: toLangDraft(name), role, rest })),
    dateDisplay: toLangDraft(m.date?.display),
    earliest: m.date?.earliest?.toString() ?? '',
    latest: m.date?.latest?.toString() ?? '',
    medium: toLangDraft(m.medium),
    dimensions: toLangDraft(m.dimensions),
    place: toLangDraft(m.place),
    lat: m.geo?.lat.toString() ?? '',
    lon: m.geo?.lon.toString() ?? '',
    description: toLangDraft(m.description),
    institution: toLangDraft(m.institution),
    inventoryNumber: m.inventoryNumber ?? '',
    rightsUri: m.rights?.uri ?? '',
    industry: m.classification.industry ?? '',
    heritage: m.classification.heritage ?? '',
    visibility: work.visibility,
    collectionId: work.collectionId ?? '',
    downloadPolicy: work.downloadPolicy ?? '',
    note: '',
  };
}

function parseYear(text: string): number | undefined {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  const n = Number(trimmed);
  return Number.isInteger(n) ? n : Number.NaN;
}

/** Decimal degrees within ±limit; undefined when empty, NaN when not a number or out of range. */
function parseDegrees(text: string, limit: number): number | undefined {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  const n = Number(trimmed);
  return Number.isFinite(n) && Math.abs(n) <= limit ? n : Number.NaN;
}

/** The coordinates of a draft: undefined when both are empty, null when they are not a valid pair. */
function draftGeo(draft: Pick<WorkDraft, 'lat' | 'lon'>): { lat: number; lon: number } | undefined | null {
  const lat = parseDegrees(draft.lat, 90);
  const lon = parseDegrees(draft.lon, 180);
  if (lat === undefined && lon === undefined) return undefined;
  if (lat === undefined || lon === undefined || Number.isNaN(lat) || Number.isNaN(lon)) return null;
  return { lat, lon };
}

export type DraftProblem = 'titleRequired' | 'yearsInvalid' | 'geoInvalid';

/** Problems the form can catch before asking the server (which checks everything again). */
export function draftProblems(draft: WorkDraft): DraftProblem[] {
  const problems: DraftProblem[] = [];
  if (!fromLangDraft(draft.title)) problems.push('titleRequired');
  const earliest = parseYear(draft.earliest);
  const latest = parseYear(draft.latest);
  if (Number.isNaN(earliest) || Number.isNaN(latest) || (earliest !== undefined && latest !== undefined && earliest > latest)) problems.push('yearsInvalid');
  if (draftGeo(draft) === null) problems.push('geoInvalid');
  return problems;
}

/** New metadata: the original record with the form's fields replaced, so fields the form does not show survive. */
export function fromDraft(draft: WorkDraft, original: WorkMetadata): WorkMetadata {
  const out: WorkMetadata = { ...original, title: fromLangDraft(draft.title) ?? {} };
  const set = <K extends keyof WorkMetadata>(key: K, value: WorkMetadata[K] | undefined) => {
    if (value === undefined) delete out[key];
    else out[key] = value;
  };
  out.creators = draft.creators
    .map((c) => ({ ...c.rest, name: fromLangDraft(c.name), role: c.role }))
    .filter((c): c is Creator => c.name !== undefined);
  const display = fromLangDraft(draft.dateDisplay);
  const earliest = parseYear(draft.earliest);
  const latest = parseYear(draft.latest);
  set('date', display || earliest !== undefined || latest !== undefined ? { ...(display ? { display } : {}), ...(earliest !== undefined ? { earliest } : {}), ...(latest !== undefined ? { latest } : {}) } : undefined);
  set('medium', fromLangDraft(draft.medium));
  set('dimensions', fromLangDraft(draft.dimensions));
  set('place', fromLangDraft(draft.place));
  set('geo', draftGeo(draft) ?? undefined);
  set('description', fromLangDraft(draft.description));
  set('institution', fromLangDraft(draft.institution));
  set('inventoryNumber', draft.inventoryNumber.trim() || undefined);
  const uri = draft.rightsUri.trim();
  set('rights', uri ? { ...(original.rights?.note ? { note: original.rights.note } : {}), uri } : undefined);
  // The selects offer only the coded values; anything else (a cleared select) drops the code.
  const industry = INDUSTRY_CODES.find((code) => code === draft.industry);
  const heritage = HERITAGE_TYPES.find((type) => type === draft.heritage);
  out.classification = { ...(industry ? { industry } : {}), ...(heritage ? { heritage } : {}) };
  return out;
}

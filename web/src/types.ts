/**
 * Shapes of the Wenyuan API as the web UI sees them. They mirror src/archive/metadata.schema.ts,
 * src/archive/work.presenter.ts and src/discover/catalogue.service.ts; the server stays the source of truth.
 */

/** A language tag (zh-Hans, zh-Hant, en, und, …) to text. */
export type LangMap = Record<string, string>;

export const EDIT_LANGS = ['zh-Hans', 'zh-Hant', 'en'] as const;
export type EditLang = (typeof EDIT_LANGS)[number];

export const CREATOR_ROLES = ['artist', 'author', 'calligrapher', 'maker', 'performer', 'composer', 'photographer', 'designer', 'attributed', 'after', 'workshop', 'other'] as const;
export type CreatorRole = (typeof CREATOR_ROLES)[number];

export const INSCRIPTION_KINDS = ['inscription', 'colophon', 'seal', 'signature', 'label'] as const;
export type InscriptionKind = (typeof INSCRIPTION_KINDS)[number];

export const INDUSTRY_CODES = ['01', '02', '03', '04', '05', '06', '07', '08', '09'] as const;
export const HERITAGE_TYPES = ['tangible', 'intangible', 'creative'] as const;

export const ROLES = ['admin', 'curator', 'reviewer', 'creator', 'licensee'] as const;
export type Role = (typeof ROLES)[number];

export type Visibility = 'private' | 'public';

export interface Creator {
  name: LangMap;
  role: CreatorRole;
  lifeDates?: string;
  nationality?: string;
}

export interface WorkDate {
  display?: LangMap;
  earliest?: number;
  latest?: number;
}

export interface WorkMetadata {
  title: LangMap;
  creators: Creator[];
  date?: WorkDate;
  medium?: LangMap;
  dimensions?: LangMap;
  place?: LangMap;
  subjects: LangMap[];
  inscriptions: { kind: InscriptionKind; text: LangMap }[];
  provenance?: LangMap;
  description?: LangMap;
  institution?: LangMap;
  inventoryNumber?: string;
  rights?: { uri: string; note?: LangMap };
  classification: { industry?: string; heritage?: string };
  sourceUrl?: string;
  notes: { label: string; text: LangMap }[];
}

export interface FileView {
  sha256: string;
  name: string;
  mediaType: string;
  kind: string;
  size: number;
  width: number | null;
  height: number | null;
  placeholder: string | null;
  url: string;
  derivatives: Record<string, { url: string; width: number; height: number; mediaType: string }>;
}

export interface WorkDetail {
  id: string;
  version: number;
  visibility: Visibility;
  workType: string;
  collectionId: string | null;
  ownerId: string | null;
  sourceKey: string | null;
  metadata: WorkMetadata;
  createdAt: string;
  updatedAt: string;
  canEdit: boolean;
  files: FileView[];
}

export interface WorkSummary {
  id: string;
  title: LangMap;
  creators: { name: LangMap; role: string }[];
  date: WorkDate | null;
  workType: string;
  visibility: string;
  thumbnail: { url: string; width: number; height: number } | null;
  placeholder: string | null;
}

export const FACET_NAMES = ['industry', 'heritage', 'period', 'type', 'medium', 'institution', 'rights', 'visibility'] as const;
export type FacetName = (typeof FACET_NAMES)[number];

export interface CataloguePage {
  items: WorkSummary[];
  total: number;
  page: number;
  pageSize: number;
  facets: Partial<Record<FacetName, { value: string; count: number }[]>>;
}

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  disabled: boolean;
  preferredLang: string | null;
  createdAt: string;
}

export interface WorkVersion {
  version: number;
  changedBy: string | null;
  changedByName: string | null;
  changedAt: string;
  changedFields: string[];
  note: string | null;
  visibility: string;
}

export interface WorkEvent {
  type: string;
  actorId: string | null;
  actorName: string | null;
  at: string;
  detail: unknown;
}

export interface Collection {
  id: string;
  parentId: string | null;
  name: LangMap;
  description: LangMap | null;
  visibility: Visibility;
  ownerId: string | null;
  createdAt: string;
}

export type UploadItem =
  | { name: string; status: 'imported' | 'unchanged'; workId: string; sha256: string; warnings: string[] }
  | { name: string; status: 'failed'; code: string; reason: string };

export type JobStatus = 'queued' | 'running' | 'done' | 'dead';
export const JOB_STATUSES: readonly JobStatus[] = ['queued', 'running', 'done', 'dead'];

export interface Job {
  id: number;
  kind: string;
  status: JobStatus;
  attempts: number;
  maxAttempts: number;
  runAt: string;
  lastError: string | null;
  createdAt: string;
  finishedAt: string | null;
  payload: unknown;
}

export interface JobsPage {
  counts: Partial<Record<JobStatus, number>>;
  total: number;
  items: Job[];
}

export interface FixityRun {
  id: string;
  trigger: string;
  startedAt: string;
  finishedAt: string;
  checked: number;
  mismatched: number;
  missing: number;
}

export interface FixityReport extends FixityRun {
  problems: { sha256: string; problem: 'missing' | 'mismatch' | 'size'; detail: string }[];
}

export interface ApiToken {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  revoked: boolean;
}

type Labels = { 'zh-Hans'?: string; zh?: string; en?: string };

/** GET /api/vocabulary: labels of coded values. */
export interface Vocabulary {
  industry: Record<string, Labels & { field?: 'core' | 'related' }>;
  heritage: Record<string, Labels>;
  period: Record<string, Labels>;
}

/** Who a registration is made as (src/registry/entry.ts REGISTRANT_ROLES). */
export const REGISTRANT_ROLES = ['author', 'right-holder', 'institution'] as const;
export type RegistrantRole = (typeof REGISTRANT_ROLES)[number];

/** A registration receipt (src/registry/registry.service.ts Receipt): all that offline verification needs. */
export interface Receipt {
  type: 'wenyuan.registry.receipt/v1';
  registrationId: string;
  log: { origin: string; verifierKey: string };
  /** The canonical entry text (src/registry/entry.ts). */
  entry: string;
  index: number;
  treeSize: number;
  /** C2SP tlog-proof with the signed checkpoint. */
  proof: string;
  work: { id: string | null };
}

export type RegistrationStatus = { status: 'pending'; registrationId: string } | { status: 'sequenced'; registrationId: string; receipt: Receipt };

/** GET /api/works/:id/registrations, newest first. */
export interface RegistrationSummary {
  registrationId: string;
  index: number;
  sequencedAt: string;
}

// The protection routes' shapes are declared once, beside the server code that makes them.
export type { CopyRecord as IssuedCopy, IsccCodes, ScanMatch, ScanResult, ScanStatus, TransformNote, WatermarkFinding } from '../../src/protect/protect-contract';
import type { EvidenceBundle as ContractBundle, IsccCodes } from '../../src/protect/protect-contract';

/** The registered JSON of an evidence report. */
export type EvidenceBundle = ContractBundle<Receipt>;

/** GET /api/evidence/:id (POST /api/evidence answers the same without `suspectSha256`). */
export interface EvidenceView {
  id: string;
  bundle: EvidenceBundle;
  bundleSha256: string;
  suspectSha256?: string;
  registration: RegistrationStatus | null;
}

/** GET /api/evidence, newest first. */
export interface EvidenceSummary {
  id: string;
  createdAt: string;
  suspectSha256: string;
  registrationId: string | null;
}

/** GET /api/works/:id/fingerprint: the fingerprint of the work's main image. */
export interface WorkFingerprint {
  status: 'ok' | 'low_quality' | 'unsupported' | 'pending' | 'none';
  pdq: string | null;
  quality: number | null;
  iscc: IsccCodes | null;
  reason: string | null;
}

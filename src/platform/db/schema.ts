import type { Generated } from 'kysely';

/**
 * Table types for Kysely. Timestamps are ISO-8601 UTC strings and JSON columns are text in both
 * dialects so that repositories behave identically on SQLite and PostgreSQL.
 */
export interface UsersTable {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  role: string;
  disabled: number;
  preferred_lang: string | null;
  created_at: string;
  updated_at: string;
  /** ISO 3166-1 alpha-2 (or subdivision) of a licensee or partner, for cross-border transfer rules (0022). */
  country: string | null;
}

export interface SessionsTable {
  token_hash: string;
  user_id: string;
  created_at: string;
  expires_at: string;
  last_seen_at: string | null;
  user_agent: string | null;
  ip: string | null;
}

/** A TOTP secret, sealed with the keystore's key; unconfirmed while enrolment waits for a first code. */
export interface UserTotpTable {
  user_id: string;
  secret_sealed: string;
  confirmed_at: string | null;
  last_step: number | null;
  created_at: string;
}

export interface RecoveryCodesTable {
  user_id: string;
  code_hash: string;
  used_at: string | null;
}

/** Between a right password and the second factor: single-use, short-lived. */
export interface MfaChallengesTable {
  challenge_hash: string;
  user_id: string;
  expires_at: string;
}

export interface UserPasskeysTable {
  id: string;
  user_id: string;
  credential_id: string;
  public_key: string;
  counter: number;
  transports: string;
  name: string;
  created_at: string;
  last_used_at: string | null;
}

export interface PasskeyChallengesTable {
  challenge_hash: string;
  purpose: string;
  user_id: string | null;
  mfa_challenge_hash: string | null;
  expires_at: string;
  used_at: string | null;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface BlobsTable {
  sha256: string;
  size: number;
  media_type: string;
  created_at: string;
}

export interface CollectionsTable {
  id: string;
  parent_id: string | null;
  name: string; // LangMap JSON
  description: string | null; // LangMap JSON
  visibility: string;
  owner_id: string | null;
  created_at: string;
  updated_at: string;
  /** What visitors may download of the works inside: 'master' | 'display' | 'none', or null to follow each work's rights. */
  download_policy: string | null;
  /** 1: creators may file their works here (staff always may; the collection's owner too). */
  open_to_contributions: Generated<number>;
  /** 'public' | 'internal' | 'important' | 'core' (0022, transfer rules). */
  data_class: Generated<string>;
}

export interface WorksTable {
  id: string;
  seq: Generated<number>;
  /** Stable id from an import source (e.g. "met:39668"), so re-imports update instead of duplicating. */
  source_key: string | null;
  collection_id: string | null;
  owner_id: string | null;
  visibility: string;
  work_type: string;
  version: number;
  // Denormalised facet and sort columns, rewritten from metadata on every save.
  title_sort: string;
  industry: string | null;
  heritage: string | null;
  earliest_year: number | null;
  latest_year: number | null;
  period: string | null;
  medium_facet: string | null;
  institution_facet: string | null;
  rights_uri: string | null;
  /** Gazetteer key matched from the place text (0012); geo_* the record's own coordinates. */
  place_key: string | null;
  geo_lat: number | null;
  geo_lon: number | null;
  primary_file_sha256: string | null;
  change_version: number;
  /** 'master' | 'display' | 'none', or null to inherit from the collection, then the rights. */
  download_policy: string | null;
  created_at: string;
  updated_at: string;
  /** 'public' | 'internal' | 'important' | 'core' (0022, transfer rules). */
  data_class: Generated<string>;
}

/** Discover's reuse flags of works whose terms go beyond their rights URI (written by license). */
export interface WorkReuseFlagsTable {
  work_seq: number;
  /** 0: cleared (the rights URI decides again). */
  active: number;
  free_to_reuse: number;
  licensable: number;
  /** 1: AI training (text and data mining) allowed by the public licence. */
  ai_training: number;
  change_version: number;
}

/** What the works of a collection inherit, for the catalogue's reuse filters (written by license). */
export interface CollectionReuseFlagsTable {
  collection_id: string;
  active: number;
  /** 1: a public licence (the collection's or an ancestor's) replaces the works' rights URIs. */
  has_licence: number;
  free_to_reuse: number;
  ai_training: number;
  licensable: number;
  change_version: number;
}

/** A deleted work (0028): its seq and the catalogue version its deletion took, for readers following change_version. */
export interface WorkTombstonesTable {
  seq: number;
  change_version: number;
}

/** One row: a counter every work write increments, so readers can tell what changed since. */
export interface CatalogueStateTable {
  id: number;
  version: number;
}

/** PostgreSQL only (0026): works per facet value, public or not, folded from the deltas triggers append. */
export interface FacetCountsTable {
  facet: string;
  value: string;
  is_public: number;
  n: number;
}

export interface FacetCountDeltasTable {
  id: Generated<number>;
  facet: string;
  value: string;
  is_public: number;
  n: number;
}

/**
 * The descriptive record, kept out of `works` so that facet counts and sorts scan narrow rows
 * (a museum record with inscriptions and provenance is kilobytes long).
 */
export interface WorkMetadataTable {
  work_id: string;
  metadata: string; // WorkMetadata JSON
}

export interface WorkFilesTable {
  id: string;
  work_id: string;
  sha256: string;
  original_name: string;
  media_type: string;
  kind: string;
  size: number;
  width: number | null;
  height: number | null;
  placeholder: string | null;
  position: number;
  created_at: string;
}

export interface DerivativesTable {
  source_sha256: string;
  name: string;
  sha256: string;
  media_type: string;
  width: number;
  height: number;
  created_at: string;
}

/** The work an upload of these bytes by this owner made (one per owner and content; migration 0007). */
export interface UploadKeysTable {
  owner_id: string;
  sha256: string;
  work_id: string;
  created_at: string;
}

export interface WorkVersionsTable {
  work_id: string;
  version: number;
  metadata: string;
  visibility: string;
  collection_id: string | null;
  changed_by: string | null;
  changed_at: string;
  /** JSON list of top-level fields that changed relative to the previous version. */
  changed_fields: string;
  note: string | null;
}

export interface WorkEventsTable {
  id: Generated<number>;
  work_id: string;
  type: string;
  actor_id: string | null;
  at: string;
  detail: string; // JSON
}

export interface SearchDocumentsTable {
  work_seq: number;
  title_tokens: string;
  creator_tokens: string;
  inscription_tokens: string;
  /** Everything else (description, subjects, place…): weight D. */
  tokens: string;
}

/** PostgreSQL only: the Latin terms of 5+ letters in the index, for typo tolerance. */
export interface SearchTermsTable {
  term: string;
}

export interface SettingsTable {
  key: string;
  value: string;
  updated_at: string;
}

export interface JobsTable {
  id: Generated<number>;
  kind: string;
  payload: string;
  status: string;
  dedupe_key: string | null;
  attempts: number;
  max_attempts: number;
  run_at: string;
  locked_by: string | null;
  lease_expires_at: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

export interface FixityRunsTable {
  id: string;
  started_at: string;
  finished_at: string | null;
  trigger: string;
  checked: number;
  mismatched: number;
  missing: number;
  report: string; // JSON list of problems
}

export interface RegistryStateTable {
  id: number;
  size: number;
  root_hash: string; // base64, as in checkpoints
  updated_at: string;
  sequencer_holder: string | null; // the process extending the log now (0025)
  sequencer_lease_until: string | null; // ISO time its lease runs out
}

export interface RegistrantKeysTable {
  user_id: string;
  key_id: string;
  public_key: string; // base64 raw Ed25519
  private_key: string; // sealed with the instance key (see registry/registrant-keys.ts)
  created_at: string;
}

export interface RegistryPendingTable {
  id: string;
  entry: string; // canonical entry text
  work_id: string | null;
  user_id: string | null;
  created_at: string;
}

export interface RegistryEntriesTable {
  idx: number;
  registration_id: string;
  leaf_hash: string; // base64
  entry: string;
  work_id: string | null;
  user_id: string | null;
  sequenced_at: string;
}

export interface RegistryTilesTable {
  level: number;
  idx: number;
  width: number;
  hashes: Buffer;
}

export interface RegistryCheckpointsTable {
  size: number;
  root_hash: string;
  note: string; // the signed checkpoint, verbatim
  created_at: string;
  seq: number | null; // 1, 2, 3… (0009): the checkpoint history's order
  history: string | null; // note signed with the log key: seq, size, root, time and predecessor (0009)
}

/** The opening of a sealed entry (0008; registry/commitment.ts): never in the log. */
export interface RegistryOpeningsTable {
  registration_id: string;
  salt: string; // 32 bytes, hex
  content_sha256: string;
  terms_sha256: string | null;
  fingerprints: string; // JSON array of fingerprint lines, in entry order
  created_at: string;
}

/** One accepted registration, unique by idempotency key and generation (0009; see registry/request-seal.ts). */
export interface RegistryRequestsTable {
  request_key: string;
  generation: number;
  registration_id: string;
  work_id: string | null;
  user_id: string | null;
  file_sha256: string | null;
  role: string | null;
  seal: string | null; // HMAC by a key outside the database; null for registrations made before 0009
  created_at: string;
}

/** Pending rows the sequencer refused because no valid registration request backs them (0009). */
export interface RegistryRejectedTable {
  id: string;
  entry: string;
  work_id: string | null;
  user_id: string | null;
  created_at: string;
  reason: string;
  rejected_at: string;
}

export interface FingerprintsTable {
  sha256: string;
  status: 'ok' | 'low_quality' | 'unsupported';
  reason: string | null;
  pdq: Buffer | null;
  pdq_crops: Buffer | null; // 32 bytes per crop, in crop_fractions order
  crop_fractions: string | null; // e.g. "0.05,0.1,0.15,0.2"
  pdq_on_black: Buffer | null; // 32 bytes each: whole image, then crop_fractions order
  pdq_quality: number | null;
  iscc: string | null; // JSON
  width: number | null;
  height: number | null;
  pages: number | null;
  change_version: number;
  created_at: string;
}

export interface ProtectStateTable {
  id: number;
  version: number;
}

/** A snapshot of the fingerprint index (migration 0027); its bytes are in fingerprint_snapshot_parts. */
export interface FingerprintSnapshotsTable {
  id: string;
  format: number;
  covers_version: number;
  codes: number;
  images: number;
  bytes: number;
  parts: number;
  created_at: string;
}

export interface FingerprintSnapshotPartsTable {
  snapshot_id: string;
  part: number;
  data: Uint8Array;
}

export interface WatermarkCopiesTable {
  serial: Generated<number>;
  work_id: string;
  source_sha256: string;
  output_sha256: string | null;
  recipient_id: string | null;
  /** Who the copy was made for when that is not (only) an account: a licensee's name. */
  recipient_name: string | null;
  purpose: 'download' | 'licence' | 'public';
  reference: string | null;
  created_at: string;
  /** Who made the copy (null for public display copies and copies made before migration 0005). */
  issued_by: string | null;
}

export interface EvidenceReportsTable {
  id: string;
  created_by: string | null;
  created_at: string;
  suspect_sha256: string;
  bundle: string; // the registered JSON, byte for byte
  bundle_sha256: string;
  registration_id: string | null;
}

/** Sign-in throttling (govern/login-throttle.ts): one row per hashed key. */
export interface LoginThrottleTable {
  key: string;
  /** Failed attempts, decaying with time since `failed_at`. */
  failures: number;
  failed_at: string;
  /** Pair rows: when this client may try an account that is under attack. */
  ticket_at: string | null;
  /** When the row says nothing any more; deleted after that. */
  expires_at: string;
}

/** Tiled pyramids of large images for the IIIF image service (publish module); rebuildable, so not blobs. */
export interface IiifPyramidsTable {
  source_sha256: string;
  /** `original`, or `public`: made from the publicly watermarked frame. */
  variant: string;
  /** Relative to the data folder. */
  path: string;
  sha256: string;
  bytes: number;
  width: number;
  height: number;
  /** JSON: [{ width, height, page }], full size first. */
  levels: string;
  tile_size: number;
  created_at: string;
}

/** An online exhibition (showcase module): JSON columns hold language maps and the ordered sections. */
export interface ExhibitionsTable {
  id: string;
  slug: string;
  title: string; // LangMap JSON
  subtitle: string | null; // LangMap JSON
  summary: string | null; // LangMap JSON
  cover: string | null; // media JSON
  sections: string; // sections JSON
  /** `draft` or `published`; a published one is visible from `publish_at`. */
  status: string;
  publish_at: string | null;
  version: number;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

/** The curated home page's settings: one row (id 1). */
export interface ShowcaseHomeTable {
  id: number;
  settings: string; // HomeSettings JSON
  updated_at: string;
  updated_by: string | null;
}

/** A staff bulk operation (archive module): many works changed by one job, with an undo. */
export interface BulkOperationsTable {
  id: string;
  actor_id: string;
  /** JSON: the action ({ type: 'visibility', … } or { type: 'undo', operationId }). */
  action: string;
  /** `ids` or `query` (then `query` holds the catalogue query as JSON). */
  selection: string;
  query: string | null;
  total: number;
  /** queued | running | done | failed | undone */
  status: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  error: string | null;
  undo_of: string | null;
  undone_by: string | null;
}

/** One work of a bulk operation: its result and the values it replaced (for undo). */
export interface BulkOperationItemsTable {
  operation_id: string;
  position: number;
  work_id: string;
  /** pending | done | unchanged | skipped | failed */
  status: string;
  reason: string | null;
  previous: string | null;
  target: string | null;
  expected_version: number | null;
  version: number | null;
  updated_at: string | null;
}

export interface RecommendationConsentsTable {
  user_id: string;
  consented_at: string;
}

export interface RecommendationSignalsTable {
  id: Generated<number>;
  user_id: string;
  work_id: string;
  kind: string;
  weight: number;
  created_at: string;
}

export interface RecommendationPicksTable {
  work_id: string;
  position: number;
  pinned_by: string | null;
  pinned_at: string;
}

export interface RecommendationModelsTable {
  id: string;
  built_at: string;
  data: Uint8Array;
}

export interface LicensePartiesTable {
  id: string;
  /** 'person' | 'institution' | 'community' | 'estate' | 'organisation' */
  kind: string;
  name: string; // LangMap JSON
  user_id: string | null;
  contact: string | null;
  created_by: string | null;
  created_at: string;
}

export interface LicensePoliciesTable {
  id: string;
  /** 'public' (the free licence of a work or collection) | 'offer' | 'heritage' (rules a heritage element passes on) */
  kind: string;
  /** 'work' | 'collection' | 'heritage' */
  target_type: string;
  target_id: string;
  title: string; // LangMap JSON
  odrl: string; // ODRL JSON-LD as written
  /** 'active' | 'withdrawn' */
  status: string;
  auto_approve: Generated<number>;
  edition_size: number | null;
  edition_used: Generated<number>;
  version: number;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface HeritageElementsTable {
  id: string;
  name: string; // LangMap JSON
  description: string | null; // LangMap JSON
  custodian_party_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface WorkHeritageElementsTable {
  work_id: string;
  element_id: string;
}

export interface RoyaltySplitsTable {
  work_id: string;
  version: number;
  shares: string; // JSON [{ partyId, basisPoints, role }]
  note: string | null;
  created_by: string | null;
  created_at: string;
}

export interface LicenseOrdersTable {
  id: string;
  work_id: string;
  offer_id: string;
  licensee_id: string;
  licensee_name: string;
  request: string; // JSON UseRequest
  decision: string; // JSON: the engine's decision and the carve-outs at pricing time
  price_minor: number | string;
  currency: string;
  copies: number;
  /** 'requested' | 'approved' (invoice issued) | 'granted' | 'rejected' | 'cancelled' */
  status: string;
  invoice_number: string | null;
  decided_by: string | null;
  decided_at: string | null;
  note: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface LicensePaymentsTable {
  id: string;
  order_id: string;
  provider: string;
  reference: string | null;
  amount_minor: number | string;
  currency: string;
  confirmed_by: string | null;
  confirmed_at: string;
}

export interface LicenseGrantsTable {
  id: string;
  order_id: string;
  work_id: string;
  licensee_id: string;
  licensee_name: string;
  agreement: string; // canonical JSON of the ODRL Agreement, exactly as hashed
  agreement_sha256: string;
  registration_id: string | null;
  valid_from: string;
  valid_until: string | null;
  /** 'active' | 'revoked' (expiry is read from valid_until) */
  status: string;
  revoked_at: string | null;
  revoked_by: string | null;
  revoke_reason: string | null;
  revocation: string | null; // canonical JSON of the revocation notice, as hashed
  revocation_sha256: string | null;
  revocation_registration_id: string | null;
  created_at: string;
}

export interface LedgerTransactionsTable {
  id: string;
  /** 'payment' | 'settlement' */
  kind: string;
  order_id: string | null;
  batch_id: string | null;
  work_id: string | null;
  currency: string;
  memo: string;
  created_at: string;
}

export interface LedgerPostingsTable {
  id: Generated<number>;
  transaction_id: string;
  /** Copied from the transaction, so statements read one range without a join. */
  kind: string;
  order_id: string | null;
  work_id: string | null;
  memo: string;
  account: string;
  party_id: string | null;
  minor: number | string;
  currency: string;
  created_at: string;
}

export interface SettlementBatchesTable {
  id: string;
  currency: string;
  period_to: string;
  total_minor: number | string;
  lines: string; // JSON [{ partyId, minor }]
  document: string; // canonical JSON, exactly as hashed
  sha256: string;
  registration_id: string | null;
  created_by: string | null;
  created_at: string;
}

/** Govern's hash-chained audit trail (see govern/audit-chain.ts for what the hash covers). */
export interface AuditRecordsTable {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target_type: string;
  target_id: string;
  outcome: string;
  details: string;
  ip: string;
  prev_hash: string;
  hash: string;
}

export interface AuditStateTable {
  id: number;
  seq: number;
  hash: string;
  updated_at: string;
}

export interface AuditAnchorsTable {
  seq: number;
  hash: string;
  document_sha256: string;
  registration_id: string;
  created_at: string;
}

/** The review queue (src/review): a submission awaiting publication, or a case opened by reports. */
export interface ReviewItemsTable {
  id: string;
  kind: string;
  work_id: string;
  submitter_id: string | null;
  state: string;
  stage: string;
  opened_at: string;
  stage_opened_at: string;
  claimed_by: string | null;
  claim_expires_at: string | null;
  decision: string | null;
  decided_by: string | null;
  decided_at: string | null;
  reason_code: string | null;
  reason_text: string | null;
  first_decided_by: string | null;
  appeal_text: string | null;
  appealed_at: string | null;
  report_count: number;
  checks_state: string;
  updated_at: string;
}

export interface ReviewDecisionsTable {
  id: string;
  item_id: string;
  stage: string;
  reviewer_id: string;
  decision: string;
  reason_code: string | null;
  reason_text: string | null;
  stage_opened_at: string;
  decided_at: string;
}

export interface ReviewChecksTable {
  item_id: string;
  code: string;
  outcome: string;
  params: string; // JSON
  checked_at: string;
}

export interface ReviewReportsTable {
  id: string;
  item_id: string;
  reason_code: string;
  details: string;
  reporter_key: string;
  created_at: string;
}

export interface ReviewReasonsTable {
  code: string;
  label_zh: string;
  label_en: string;
  applies_to: string;
  position: number;
  retired: number;
}

export interface NotificationsTable {
  id: string;
  user_id: string;
  kind: string;
  params: string; // JSON
  created_at: string;
  read_at: string | null;
}

export interface NotificationAddressesTable {
  user_id: string;
  email: string;
  updated_at: string;
}

export interface DB {
  users: UsersTable;
  sessions: SessionsTable;
  user_totp: UserTotpTable;
  recovery_codes: RecoveryCodesTable;
  mfa_challenges: MfaChallengesTable;
  user_passkeys: UserPasskeysTable;
  passkey_challenges: PasskeyChallengesTable;
  login_throttle: LoginThrottleTable;
  api_tokens: ApiTokensTable;
  blobs: BlobsTable;
  collections: CollectionsTable;
  works: WorksTable;
  catalogue_state: CatalogueStateTable;
  work_tombstones: WorkTombstonesTable;
  facet_counts: FacetCountsTable;
  facet_count_deltas: FacetCountDeltasTable;
  work_reuse_flags: WorkReuseFlagsTable;
  collection_reuse_flags: CollectionReuseFlagsTable;
  work_metadata: WorkMetadataTable;
  work_files: WorkFilesTable;
  derivatives: DerivativesTable;
  upload_keys: UploadKeysTable;
  work_versions: WorkVersionsTable;
  work_events: WorkEventsTable;
  search_documents: SearchDocumentsTable;
  search_terms: SearchTermsTable;
  settings: SettingsTable;
  jobs: JobsTable;
  fixity_runs: FixityRunsTable;
  registry_state: RegistryStateTable;
  registrant_keys: RegistrantKeysTable;
  registry_pending: RegistryPendingTable;
  registry_entries: RegistryEntriesTable;
  registry_tiles: RegistryTilesTable;
  registry_checkpoints: RegistryCheckpointsTable;
  registry_openings: RegistryOpeningsTable;
  iiif_pyramids: IiifPyramidsTable;
  registry_requests: RegistryRequestsTable;
  registry_rejected: RegistryRejectedTable;
  fingerprints: FingerprintsTable;
  protect_state: ProtectStateTable;
  fingerprint_snapshots: FingerprintSnapshotsTable;
  fingerprint_snapshot_parts: FingerprintSnapshotPartsTable;
  watermark_copies: WatermarkCopiesTable;
  evidence_reports: EvidenceReportsTable;
  exhibitions: ExhibitionsTable;
  showcase_home: ShowcaseHomeTable;
  bulk_operations: BulkOperationsTable;
  bulk_operation_items: BulkOperationItemsTable;
  recommendation_consents: RecommendationConsentsTable;
  recommendation_signals: RecommendationSignalsTable;
  recommendation_picks: RecommendationPicksTable;
  recommendation_models: RecommendationModelsTable;
  license_parties: LicensePartiesTable;
  license_policies: LicensePoliciesTable;
  heritage_elements: HeritageElementsTable;
  work_heritage_elements: WorkHeritageElementsTable;
  royalty_splits: RoyaltySplitsTable;
  license_orders: LicenseOrdersTable;
  license_payments: LicensePaymentsTable;
  license_grants: LicenseGrantsTable;
  ledger_transactions: LedgerTransactionsTable;
  ledger_postings: LedgerPostingsTable;
  settlement_batches: SettlementBatchesTable;
  audit_records: AuditRecordsTable;
  audit_state: AuditStateTable;
  audit_anchors: AuditAnchorsTable;
  review_items: ReviewItemsTable;
  review_decisions: ReviewDecisionsTable;
  review_checks: ReviewChecksTable;
  review_reports: ReviewReportsTable;
  review_reasons: ReviewReasonsTable;
  notifications: NotificationsTable;
  notification_addresses: NotificationAddressesTable;
  consent_records: ConsentRecordsTable;
  personal_exports: PersonalExportsTable;
  user_erasures: UserErasuresTable;
  transfer_rules: TransferRulesTable;
  transfer_assessments: TransferAssessmentsTable;
  transfer_decisions: TransferDecisionsTable;
  transfer_exports: TransferExportsTable;
}

/** Cross-border transfer rules (0022): destination × data class → allow | assess | refuse. */
export interface TransferRulesTable {
  id: string;
  position: number;
  destination: string;
  data_class: string;
  outcome: string;
  note: string | null;
  created_at: string;
}

export interface TransferAssessmentsTable {
  id: string;
  status: string;
  destination: string;
  data_classes: string; // JSON array
  scope_type: string;
  scope_ids: string; // JSON array
  purpose: string;
  recipient: string;
  volume: string;
  safeguards: string;
  notes: string | null; // LangMap JSON
  submitted_by: string;
  submitted_at: string;
  decided_by: string | null;
  decided_at: string | null;
  decision_note: string | null;
  expires_at: string | null;
}

export interface TransferDecisionsTable {
  id: string;
  at: string;
  path: string;
  destination: string;
  data_classes: string; // JSON array
  outcome: string;
  proceeded: number;
  rules: string; // JSON array of the deciding rules
  reason: string | null;
  assessment_id: string | null;
  actor: string;
  subject_type: string;
  subject_id: string;
}

export interface TransferExportsTable {
  id: string;
  decision_id: string;
  file_name: string;
  bytes: number;
  works: number;
  created_by: string;
  created_at: string;
}

/** A person's decision about one purpose (privacy module, 0021): append-only; the latest per purpose stands. */
export interface ConsentRecordsTable {
  id: string;
  user_id: string;
  purpose: string;
  granted: number;
  notice_version: number | null;
  at: string;
}

/** An export of everything about a person (0021): made by a job, downloadable once. */
export interface PersonalExportsTable {
  id: string;
  user_id: string;
  requested_by: string;
  status: string;
  bytes: number | null;
  sha256: string | null;
  error: string | null;
  created_at: string;
  finished_at: string | null;
  downloaded_at: string | null;
  expires_at: string | null;
}

/** An erasure of a person (0021): a durable job advances `step` until `done`. */
export interface UserErasuresTable {
  user_id: string;
  requested_by: string;
  status: string;
  works_policy: string;
  step: number;
  created_at: string;
  finished_at: string | null;
}

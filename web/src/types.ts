/**
 * The shapes of the Wenyuan API as the web UI names them. They are generated from the server's
 * OpenAPI document (api-schema.ts, written by `npm run openapi` from the routes' zod schemas), so
 * they are never retyped here; the lists of coded values come from the same document.
 */
import type { components } from './api-schema';
import { creatorRoleValues, facetNameValues, heritageTypeValues, industryCodeValues, inscriptionKindValues, jobStatusValues, registrantRoleValues, roleValues } from './api-schema';

type Schemas = components['schemas'];

/** A language tag (zh-Hans, zh-Hant, en, und, …) to text. */
export type LangMap = Schemas['LangMap'];

/** The languages the metadata editor offers fields for (the UI's choice; a record may hold any tag). */
export const EDIT_LANGS = ['zh-Hans', 'zh-Hant', 'en'] as const;
export type EditLang = (typeof EDIT_LANGS)[number];

export const CREATOR_ROLES = creatorRoleValues;
export type CreatorRole = Schemas['CreatorRole'];

export const INSCRIPTION_KINDS = inscriptionKindValues;
export type InscriptionKind = Schemas['InscriptionKind'];

export const INDUSTRY_CODES = industryCodeValues;
export const HERITAGE_TYPES = heritageTypeValues;

export const ROLES = roleValues;
export type Role = Schemas['Role'];

export type Visibility = Schemas['Visibility'];
export type DownloadPolicy = Schemas['DownloadPolicy'];

export type Creator = Schemas['Creator'];
export type WorkDate = Schemas['WorkDate'];
export type WorkMetadata = Schemas['WorkMetadata'];
export type FileView = Schemas['WorkFile'];
export type WorkDetail = Schemas['WorkDetail'];
export type WorkVersion = Schemas['WorkVersion'];
export type WorkEvent = Schemas['WorkEvent'];
export type WorkSummary = Schemas['WorkSummary'];
export type SearchSnippet = Schemas['SearchSnippet'];
export type SearchSuggestion = Schemas['SearchSuggestion'];

export const FACET_NAMES = facetNameValues;
export type FacetName = Schemas['FacetName'];
export type CataloguePage = Schemas['CataloguePage'];
export type RelatedWorks = Schemas['RelatedWorks'];

export type User = Schemas['User'];
export type ApiToken = Schemas['ApiToken'];
export type Collection = Schemas['Collection'];
export type UploadItem = Schemas['UploadItem'];
export type UploadUsage = Schemas['UploadUsage'];
export type Notice = Schemas['Notice'];

export const JOB_STATUSES = jobStatusValues;
export type JobStatus = Schemas['JobStatus'];
export type Job = Schemas['Job'];
export type JobsPage = Schemas['JobsPage'];
export type FixityRun = Schemas['FixityRun'];
export type FixityReport = Schemas['FixityReport'];

/** GET /api/vocabulary: labels of coded values. */
export type Vocabulary = Schemas['Vocabulary'];

/** GET /api/browse/timeline: dynasties in order with their works and reign periods. */
export type Timeline = Schemas['Timeline'];
export type DynastyCount = Schemas['DynastyCount'];
export type ReignCount = Schemas['ReignCount'];
/** GET /api/browse/places: gazetteer places and coordinates with their works. */
export type BrowsePlaces = Schemas['BrowsePlaces'];
export type PlaceCount = Schemas['PlaceCount'];
export type PlaceLevel = Schemas['PlaceLevel'];
export type GeoPoint = Schemas['GeoPoint'];

/** GET /api/instance: who runs this archive (header, footer, page titles, absolute links). */
export type InstanceIdentity = Schemas['InstanceIdentity'];
/** GET /api/instance/settings: the identity as an admin sets it up. */
export type InstanceSettings = Schemas['InstanceSettings'];
export type InstitutionName = Schemas['InstitutionName'];

/** Who a registration is made as. */
export const REGISTRANT_ROLES = registrantRoleValues;
export type RegistrantRole = Schemas['RegistrantRole'];
/** A registration receipt: all that offline verification needs. */
export type Receipt = Schemas['Receipt'];
export type RegistrationStatus = Schemas['RegistrationStatus'];
/** GET /api/works/:id/registrations, newest first. */
export type RegistrationSummary = Schemas['RegistrationSummary'];
/** GET /api/works/:id/registrations/mine: the roles the signed-in user registered the current file as. */
export type MyRegistrations = Schemas['MyRegistrations'];
/** GET /api/registry/health (admins, curators): witnesses, size and refused rows. */
export type RegistryHealth = Schemas['RegistryHealth'];

export type ScanResult = Schemas['ScanResult'];
export type ScanStatus = Schemas['ScanStatus'];
export type ScanMatch = Schemas['ScanMatch'];
export type TransformNote = Schemas['TransformNote'];
export type WatermarkFinding = Schemas['WatermarkFinding'];
export type IsccCodes = Schemas['IsccCodes'];
/** The registered JSON of an evidence report. */
export type EvidenceBundle = Schemas['EvidenceBundle'];
/** GET /api/evidence/:id (POST /api/evidence answers the same without `suspectSha256`). */
export type EvidenceView = Schemas['EvidenceView'];
/** GET /api/evidence, newest first. */
export type EvidenceSummary = Schemas['EvidenceSummary'];
/** GET /api/works/:id/fingerprint: the fingerprint of the work's main image. */
export type WorkFingerprint = Schemas['WorkFingerprint'];
/** A watermarked copy of a work, as those who manage it see it. */
export type IssuedCopy = Schemas['CopyRecord'];

/** GET /api/exhibitions/:slug: an online exhibition ("story") with its sections and the works they show. */
export type Exhibition = Schemas['Exhibition'];
/** GET /api/exhibitions: a card of the list (staff also see drafts). */
export type ExhibitionSummary = Schemas['ExhibitionSummary'];
/** POST /api/exhibitions; PUT carries the same plus `version` (ExhibitionUpdate). */
export type ExhibitionInput = Schemas['NewExhibition'];
export type ExhibitionUpdate = Schemas['ExhibitionUpdate'];
export type ExhibitionSection = Schemas['ExhibitionSection'];
export type ExhibitionMedia = Schemas['ExhibitionMedia'];
export type ExhibitionProblem = Schemas['ExhibitionProblem'];
/** A work as an exhibition shows it: a card, a caption and a deep-zoom view. */
export type ShowcaseWork = Schemas['ShowcaseWork'];
/** A region of an image in its upright pixels (IIIF `x,y,w,h`). */
export type ImageRegion = Schemas['ImageRegion'];

/** GET /api/showcase/home: what the home page shows the reader (firstRun for staff on an empty instance). */
export type Home = Schemas['Home'];
/** GET/PUT /api/showcase/home/settings: the home page as a curator sets it. */
export type HomeSettings = Schemas['HomeSettings'];

// Registered bundles carry these texts in English; the client recognises them to translate them.
export { EVIDENCE_METHOD_V1 } from '../../src/protect/evidence-method';

/** Licensing (issue 14): GET /api/works/:id/terms — free uses, offers with prices, heritage rules, AI training. */
export type WorkTerms = Schemas['WorkTerms'];
/** A public licence, an offer, or a heritage element's rules, with its ODRL JSON-LD. */
export type LicensePolicy = Schemas['LicensePolicy'];
/** POST /api/license/check: the answer to "may I?", what it rests on and why. */
export type LicenseCheck = Schemas['LicenseCheck'];
export type LicenseDecision = Schemas['LicenseDecision'];
export type LicenseDuty = Schemas['LicenseDuty'];
export type LicenseOrder = Schemas['LicenseOrder'];
export type LicenseGrant = Schemas['LicenseGrant'];
/** GET /api/grants/:id/status: what a licence certificate's QR code opens. */
export type LicenseGrantStatus = Schemas['LicenseGrantStatus'];
export type Money = Schemas['Money'];

/** Parties paid royalties (a person, an institution, a community fund). */
export type LicenseParty = Schemas['LicenseParty'];
/** GET/PUT /api/works/:id/royalty-split: shares in basis points summing to 10,000, versioned. */
export type RoyaltySplit = Schemas['RoyaltySplit'];
export type RoyaltySplitHistory = Schemas['RoyaltySplitHistory'];
/** A heritage element whose rules (an ODRL Set) every work using it inherits. */
export type HeritageElement = Schemas['HeritageElement'];
/** GET /api/ledger/statements/:partyId: one party's statement for a period. */
export type RoyaltyStatement = Schemas['RoyaltyStatement'];
export type LedgerTrialBalance = Schemas['LedgerTrialBalance'];
export type SettlementBatch = Schemas['SettlementBatch'];

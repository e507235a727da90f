import { z } from 'zod';
import { DOWNLOAD_POLICIES } from './download-policy.js';
import { ANNOTATION_TYPES, CREATOR_ROLES, HERITAGE_TYPES, INDUSTRY_CATEGORIES, INSCRIPTION_KINDS, VIEWING_DIRECTIONS, type WorkMetadata as ValidatedMetadata } from './metadata.schema.js';

/**
 * The shapes the work routes answer with (and the web client's types, generated from the OpenAPI
 * document). Each `.meta({ id })` names a schema in the document.
 *
 * Metadata is described here as it is stored, without the rules that writes must pass
 * (metadata.schema.ts): every record was checked when it was written, and a rule added later must
 * not make older records unreadable. The assertion below keeps the two shapes identical.
 */

export const visibilitySchema = z.enum(['private', 'public']).meta({ id: 'Visibility' });

export const downloadPolicySchema = z.enum(DOWNLOAD_POLICIES).meta({ id: 'DownloadPolicy', description: 'What people who do not manage a work may download: the master, the display copy, or nothing.' });
export const policySourceSchema = z.enum(['work', 'collection', 'rights']).meta({ id: 'DownloadPolicySource' });

export const langMapView = z.record(z.string(), z.string()).meta({ id: 'LangMap', description: 'A language tag (BCP 47: zh-Hans, zh-Hant, en, …) to text.' });

export const creatorRoleSchema = z.enum(CREATOR_ROLES).meta({ id: 'CreatorRole' });
export const inscriptionKindSchema = z.enum(INSCRIPTION_KINDS).meta({ id: 'InscriptionKind' });
export const industryCodeSchema = z.enum(INDUSTRY_CATEGORIES).meta({ id: 'IndustryCode', description: 'Major category of the 2018 national Classification of Cultural and Related Industries.' });
export const heritageTypeSchema = z.enum(HERITAGE_TYPES).meta({ id: 'HeritageType' });

export const viewingDirectionSchema = z.enum(VIEWING_DIRECTIONS).meta({ id: 'ViewingDirection', description: 'How the images of a multi-image work are read (IIIF viewingDirection): a handscroll is right-to-left.' });

export const annotationTypeSchema = z.enum(ANNOTATION_TYPES).meta({ id: 'AnnotationType' });
export const annotationView = z
  .object({
    id: z.string(),
    type: annotationTypeSchema,
    file: z.string().describe('sha256 of the image the region is on.'),
    region: z.object({ x: z.number().int(), y: z.number().int(), width: z.number().int(), height: z.number().int() }).describe('In the image\'s upright pixels.'),
    transcription: z.string().optional(),
    transcriptionLanguage: z.string().optional(),
    translation: langMapView.optional(),
    owner: z.object({ name: langMapView, uri: z.string().optional() }).optional(),
    note: langMapView.optional(),
  })
  .meta({ id: 'Annotation', description: 'A described region of one of the work\'s images (a seal, an inscription, a colophon, damage).' });

export const creatorView = z
  .object({ name: langMapView, role: creatorRoleSchema, lifeDates: z.string().optional(), nationality: z.string().optional() })
  .meta({ id: 'Creator' });

export const workDateView = z
  .object({ display: langMapView.optional(), earliest: z.number().int().optional(), latest: z.number().int().optional() })
  .meta({ id: 'WorkDate', description: 'The date as written, and the range of years it covers (negative: BCE).' });

export const workMetadataView = z
  .object({
    title: langMapView,
    creators: z.array(creatorView),
    date: workDateView.optional(),
    medium: langMapView.optional(),
    dimensions: langMapView.optional(),
    place: langMapView.optional(),
    geo: z.object({ lat: z.number(), lon: z.number() }).optional().describe('Where the work was made, in WGS 84 degrees.'),
    subjects: z.array(langMapView),
    inscriptions: z.array(z.object({ kind: inscriptionKindSchema, text: langMapView })),
    provenance: langMapView.optional(),
    description: langMapView.optional(),
    institution: langMapView.optional(),
    inventoryNumber: z.string().optional(),
    rights: z.object({ uri: z.string(), note: langMapView.optional() }).optional(),
    classification: z.object({ industry: industryCodeSchema.optional(), heritage: heritageTypeSchema.optional() }),
    viewingDirection: viewingDirectionSchema.optional(),
    display: z.object({ verticalTitle: z.boolean().optional().describe('Set the title vertically beside the image (shown only when the title shown is Chinese).') }).optional(),
    annotations: z.array(annotationView),
    sourceUrl: z.string().optional(),
    notes: z.array(z.object({ label: z.string(), text: langMapView })),
  })
  .meta({ id: 'WorkMetadata', description: 'Descriptive metadata of a work (docs/metadata.md).' });

// Fails to compile when metadata.schema.ts and the stored shape above drift apart.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const metadataShapesAgree: Same<z.output<typeof workMetadataView>, ValidatedMetadata> = true;
void metadataShapesAgree;

export const workFileSchema = z
  .object({
    sha256: z.string(),
    name: z.string().describe('The file’s name as uploaded (cleaned).'),
    mediaType: z.string(),
    kind: z.string().describe('image, audio, video, pdf, text, model or other.'),
    size: z.number().int(),
    width: z.number().int().nullable(),
    height: z.number().int().nullable(),
    placeholder: z.string().nullable().describe('ThumbHash of an image, base64, to paint while the thumbnail loads.'),
    url: z.string().nullable().describe('The original, or null when the download policy keeps it from the reader (the display copy stands in).'),
    derivatives: z.record(z.string(), z.object({ url: z.string(), width: z.number().int(), height: z.number().int(), mediaType: z.string() })).describe('By name: `thumbnail`, `display`.'),
    download: z.object({ kind: z.enum(['master', 'display']), url: z.string() }).nullable().describe('What a Download button fetches for this reader, or null when nothing may be downloaded.'),
    iiif: z.object({ service: z.string().describe('IIIF Image API 3.0 service id (absolute): `{service}/info.json` describes the image, `{service}/{region}/{size}/{rotation}/{quality}.{format}` renders it.') }).nullable().describe('The image\'s IIIF Image service, or null (not an image).'),
  })
  .meta({ id: 'WorkFile' });

/** Where a work stands in review (the review module), for those who manage it. */
export const workReviewSchema = z
  .object({
    itemId: z.string(),
    state: z.enum(['pending', 'approved', 'rejected', 'changes_requested', 'appealed']).describe('pending: waiting for a reviewer (the work stays private meanwhile); appealed: an appeal waits.'),
    reasonCode: z.string().nullable(),
    reasonText: z.string().nullable(),
    decidedAt: z.string().nullable(),
    appealUntil: z.string().nullable().describe('Until when the decision may be appealed (null: it may not).'),
  })
  .meta({ id: 'WorkReview' });
export type WorkReview = z.infer<typeof workReviewSchema>;

export const workDetailSchema = z
  .object({
    id: z.string(),
    version: z.number().int(),
    visibility: visibilitySchema,
    workType: z.string(),
    collectionId: z.string().nullable(),
    ownerId: z.string().nullable(),
    sourceKey: z.string().nullable(),
    metadata: workMetadataView,
    createdAt: z.string(),
    updatedAt: z.string(),
    canEdit: z.boolean().describe('Whether the asking user may edit the work.'),
    downloadPolicy: downloadPolicySchema.nullable().describe('The work’s own override (editors change it); null: inherited.'),
    download: z.object({ policy: downloadPolicySchema, source: policySourceSchema }).describe('The policy in force and where it comes from.'),
    files: z.array(workFileSchema),
    iiif: z.object({ manifest: z.string().describe('IIIF Presentation 3.0 manifest URL (absolute), for any IIIF viewer.') }).nullable().describe('The work\'s IIIF manifest, or null when it has no image.'),
    review: workReviewSchema.nullable().optional().describe('For those who manage the work, when review decides its publication: the latest submission. A write that asked to make the work public answers `pending` while it waits.'),
  })
  .meta({ id: 'WorkDetail' });

export const workVersionSchema = z
  .object({
    version: z.number().int(),
    changedBy: z.string().nullable(),
    changedByName: z.string().nullable(),
    changedByUsername: z.string().nullable(),
    changedAt: z.string(),
    changedFields: z.array(z.string()),
    note: z.string().nullable(),
    visibility: visibilitySchema,
  })
  .meta({ id: 'WorkVersion' });

export const workVersionDetailSchema = z
  .object({
    version: z.number().int(),
    metadata: workMetadataView,
    visibility: visibilitySchema,
    collectionId: z.string().nullable(),
    changedAt: z.string(),
    changedBy: z.string().nullable(),
  })
  .meta({ id: 'WorkVersionDetail' });

export const workEventSchema = z
  .object({
    type: z.string(),
    actorId: z.string().nullable(),
    actorName: z.string().nullable(),
    actorUsername: z.string().nullable(),
    at: z.string(),
    detail: z.unknown().describe('Depends on `type` (e.g. `edited`: the new version and the fields it changed).'),
  })
  .meta({ id: 'WorkEvent' });

export type WorkDetail = z.infer<typeof workDetailSchema>;
export type WorkFile = z.infer<typeof workFileSchema>;
export type WorkVersion = z.infer<typeof workVersionSchema>;
export type WorkVersionDetail = z.infer<typeof workVersionDetailSchema>;
export type WorkEvent = z.infer<typeof workEventSchema>;

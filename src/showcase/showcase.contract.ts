import { z } from 'zod';
import { langMapSchema } from '../archive/metadata.schema.js';
import { creatorRoleSchema, langMapView, visibilitySchema, workDateView } from '../archive/work.contract.js';

/**
 * The shapes of the showcase routes: the home page a curator composes, and online exhibitions
 * ("stories") made of ordered sections of bilingual Markdown, each showing a region of a work.
 * Inputs are checked here; the rules that need the database (works exist, are public when the
 * exhibition is, slugs are unique) are the service's.
 */

const pixels = z.number().int().min(0).max(1_000_000);
/** A region of an image in its upright pixels (as IIIF `x,y,w,h` and the annotations use). */
export const imageRegionSchema = z
  .object({ x: pixels, y: pixels, width: pixels.min(1), height: pixels.min(1) })
  .meta({ id: 'ImageRegion', description: 'A region of an image in its upright pixels; the reader zooms to it.' });

const workId = z.string().min(1).max(64);
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be the sha256 of one of the work\'s files');
/** Markdown per language; raw HTML in it is shown as text, never rendered. */
const markdownMap = z
  .record(z.string().regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, 'must be a language tag such as zh-Hans or en'), z.string().trim().min(1).max(50_000))
  .refine((m) => Object.keys(m).length > 0, 'needs at least one language');

/** What a section (or the cover) shows: one work, one of its files, optionally a region to zoom to. */
export const exhibitionMediaInput = z
  .object({
    workId,
    /** Which file; the work's main file when absent. */
    file: sha256.optional(),
    region: imageRegionSchema.optional(),
    caption: langMapSchema.optional(),
  })
  .strict();

export const EXHIBITION_STATUSES = ['draft', 'published'] as const;
export const exhibitionStatusSchema = z.enum(EXHIBITION_STATUSES).meta({ id: 'ExhibitionStatus' });

export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const exhibitionSlugSchema = z.string().min(1).max(80).regex(SLUG_PATTERN, 'must be lower-case letters, digits and single hyphens, such as dunhuang-cave-45');

export const exhibitionSectionInput = z
  .object({
    /** Stable within the exhibition (the editor makes it): the reader's anchor `#<id>`. */
    id: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1–32 letters, digits, - or _'),
    heading: langMapSchema.optional(),
    body: markdownMap.optional(),
    media: exhibitionMediaInput.optional(),
    /** Further works the section points to ("see also"). */
    links: z.array(workId).max(50).default([]),
  })
  .strict();

const exhibitionFields = z
  .object({
    slug: exhibitionSlugSchema,
    title: langMapSchema,
    subtitle: langMapSchema.optional(),
    summary: langMapSchema.optional(),
    cover: exhibitionMediaInput.optional(),
    sections: z
      .array(exhibitionSectionInput)
      .max(200)
      .default([])
      .refine((list) => new Set(list.map((s) => s.id)).size === list.length, 'section ids must be unique within the exhibition'),
    status: exhibitionStatusSchema.default('draft'),
    /** When a published exhibition becomes visible (ISO 8601); now when absent. */
    publishAt: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();
// Not "ExhibitionInput": the OpenAPI generator names the written form of `Exhibition` so.
export const exhibitionInputSchema = exhibitionFields.meta({ id: 'NewExhibition' });
export type ExhibitionInput = z.infer<typeof exhibitionInputSchema>;

/** A change: the whole exhibition again, with the version it was read at (a stale one is refused). */
// Extended from the fields, not the named input: an extended schema keeps its parent's OpenAPI id.
export const exhibitionUpdateSchema = exhibitionFields.extend({ version: z.number().int().min(1) }).strict().meta({ id: 'ExhibitionUpdate' });

/** A work as an exhibition or the home page shows it: enough for a card, a caption and a deep-zoom view. */
export const showcaseWorkSchema = z
  .object({
    id: z.string(),
    title: langMapView,
    creators: z.array(z.object({ name: langMapView, role: creatorRoleSchema })),
    date: workDateView.nullable(),
    visibility: visibilitySchema,
    /** The file shown (the one asked for, else the main image), or null for a record without one. */
    image: z
      .object({
        sha256: z.string(),
        width: z.number().int().nullable(),
        height: z.number().int().nullable(),
        thumbnail: z.object({ url: z.string(), width: z.number().int(), height: z.number().int() }).nullable(),
        /** The display copy (at most 2,048 px), for a plain <img>. */
        displayUrl: z.string().nullable(),
        /** The IIIF Image API service (absolute), for deep zoom; null when the file is not an image. */
        iiifService: z.string().nullable(),
        placeholder: z.string().nullable().describe('ThumbHash, base64.'),
      })
      .nullable(),
    /** The shown file when it is audio or video this reader may play (as on the work's page), else null. */
    media: z
      .object({
        kind: z.enum(['audio', 'video']),
        url: z.string().describe('The file itself, for an <audio> or <video> element.'),
        mediaType: z.string(),
      })
      .nullable(),
  })
  .meta({ id: 'ShowcaseWork' });
export type ShowcaseWork = z.infer<typeof showcaseWorkSchema>;

export const exhibitionMediaView = z
  .object({
    workId: z.string(),
    file: z.string().nullable(),
    region: imageRegionSchema.nullable(),
    caption: langMapView.nullable(),
    /** Null when the reader may not see the work (private, gone): the section shows its text only. */
    work: showcaseWorkSchema.nullable(),
  })
  .meta({ id: 'ExhibitionMedia' });

export const exhibitionSectionView = z
  .object({
    id: z.string(),
    heading: langMapView.nullable(),
    body: langMapView.nullable().describe('Markdown per language; raw HTML is not rendered.'),
    media: exhibitionMediaView.nullable(),
    links: z.array(showcaseWorkSchema).describe('The linked works the reader may see, in order.'),
  })
  .meta({ id: 'ExhibitionSection' });

/** Something staff must fix before (or since) publishing: a work that is private, gone, or has no such file. */
export const exhibitionProblemSchema = z
  .object({
    sectionId: z.string().nullable().describe('Null for the cover.'),
    workId: z.string(),
    reason: z.enum(['private', 'missing', 'no-file', 'region-outside']),
  })
  .meta({ id: 'ExhibitionProblem' });

export const exhibitionSummarySchema = z
  .object({
    id: z.string(),
    slug: z.string(),
    title: langMapView,
    subtitle: langMapView.nullable(),
    summary: langMapView.nullable(),
    cover: exhibitionMediaView.nullable(),
    status: exhibitionStatusSchema,
    publishAt: z.string().nullable(),
    sectionCount: z.number().int(),
    updatedAt: z.string(),
  })
  .meta({ id: 'ExhibitionSummary' });

export const exhibitionSchema = exhibitionSummarySchema
  .extend({
    version: z.number().int(),
    createdAt: z.string(),
    sections: z.array(exhibitionSectionView),
    /** Staff only (empty for visitors). */
    problems: z.array(exhibitionProblemSchema),
    canEdit: z.boolean(),
    /** The IIIF Presentation 3.0 manifest of the exhibition (absolute). */
    manifest: z.string(),
  })
  .meta({ id: 'Exhibition' });

export const exhibitionListSchema = z.object({ items: z.array(exhibitionSummarySchema) }).meta({ id: 'ExhibitionList' });

/** The home page as a curator sets it (ids; the service checks them). */
export const homeSettingsSchema = z
  .object({
    /** A line over the hero, per language; the institution's name when absent. */
    heroTitle: langMapSchema.optional(),
    heroText: langMapSchema.optional(),
    featuredWorkIds: z.array(workId).max(24).default([]),
    featuredCollectionIds: z.array(z.string().min(1).max(64)).max(12).default([]),
    featuredExhibitionIds: z.array(z.string().min(1).max(64)).max(12).default([]),
  })
  .strict()
  .meta({ id: 'HomeSettings' });
export type HomeSettings = z.infer<typeof homeSettingsSchema>;

export const facetEntrySchema = z.object({ value: z.string(), count: z.number().int() });

export const homeSchema = z
  .object({
    heroTitle: langMapView.nullable(),
    heroText: langMapView.nullable(),
    /** Curated works the reader may see, in the curator's order (public works with images first when none are chosen). */
    featuredWorks: z.array(showcaseWorkSchema),
    featuredCollections: z.array(
      z.object({ id: z.string(), name: langMapView, description: langMapView.nullable(), workCount: z.number().int(), cover: showcaseWorkSchema.nullable() }),
    ),
    /** Chosen exhibitions, else the latest published ones. */
    exhibitions: z.array(exhibitionSummarySchema),
    /** A few public works with images, different each day (and for each `seed`): "something you have not seen". */
    discovery: z.array(showcaseWorkSchema),
    /** Entry points: counts of public works per value (2018 classification, heritage type, period). */
    categories: z.object({ industry: z.array(facetEntrySchema), heritage: z.array(facetEntrySchema), period: z.array(facetEntrySchema) }),
    publicWorks: z.number().int(),
    /**
     * For staff while the instance is not yet showing anything (no public work): what is left to do.
     * Null for everyone else and once public works exist.
     */
    firstRun: z
      .object({ works: z.number().int(), publicWorks: z.number().int(), institutionNamed: z.boolean(), hasLogo: z.boolean() })
      .nullable(),
  })
  .meta({ id: 'Home' });
export type Home = z.infer<typeof homeSchema>;

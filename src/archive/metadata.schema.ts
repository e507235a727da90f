import { z } from 'zod';

/**
 * Descriptive metadata of a work. Every human-readable value is a LangMap: a language tag
 * (BCP 47: zh-Hans, zh-Hant, en, …) to text, so one record holds all its translations and the
 * UI picks one with a fallback chain (see lang.ts).
 */
/** IIIF Presentation 3.0 viewing directions. */
export const VIEWING_DIRECTIONS = ['left-to-right', 'right-to-left', 'top-to-bottom', 'bottom-to-top'] as const;

export const LANG_TAGS = ['zh-Hans', 'zh-Hant', 'en'] as const;

const langTag = z
  .string()
  .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, 'must be a language tag such as zh-Hans, zh-Hant or en');

const text = (max: number) => z.string().trim().min(1).max(max);

export const langMapSchema = z
  .record(langTag, text(20_000))
  .refine((m) => Object.keys(m).length > 0, 'needs at least one language');
export type LangMap = z.infer<typeof langMapSchema>;

export const CREATOR_ROLES = ['artist', 'author', 'calligrapher', 'maker', 'performer', 'composer', 'photographer', 'designer', 'attributed', 'after', 'workshop', 'other'] as const;

export const creatorSchema = z.object({
  name: langMapSchema,
  role: z.enum(CREATOR_ROLES).default('artist'),
  /** Free text such as "1526–1590" or "active 1300s"; the searchable range lives in `date`. */
  lifeDates: text(200).optional(),
  nationality: text(200).optional(),
});
export type Creator = z.infer<typeof creatorSchema>;

const year = z.number().int().min(-10_000).max(3_000);

export const workDateSchema = z
  .object({
    display: langMapSchema.optional(),
    earliest: year.optional(),
    latest: year.optional(),
  })
  .refine((d) => d.earliest === undefined || d.latest === undefined || d.earliest <= d.latest, {
    message: 'earliest year must not be after latest year',
  });
export type WorkDate = z.infer<typeof workDateSchema>;

export const INSCRIPTION_KINDS = ['inscription', 'colophon', 'seal', 'signature', 'label'] as const;
export const inscriptionSchema = z.object({
  kind: z.enum(INSCRIPTION_KINDS),
  text: langMapSchema,
});

/** 2018 national Classification of Cultural and Related Industries: the nine major categories. */
export const INDUSTRY_CATEGORIES = ['01', '02', '03', '04', '05', '06', '07', '08', '09'] as const;
export const HERITAGE_TYPES = ['tangible', 'intangible', 'creative'] as const;

export const classificationSchema = z.object({
  industry: z.enum(INDUSTRY_CATEGORIES).optional(),
  heritage: z.enum(HERITAGE_TYPES).optional(),
});

export const rightsSchema = z.object({
  uri: z
    .string()
    .regex(
      /^https?:\/\/(rightsstatements\.org\/vocab\/[A-Za-z-]+\/1\.0\/|creativecommons\.org\/(licenses|publicdomain)\/[a-z0-9.\-/]+)$/,
      'must be a RightsStatements.org or Creative Commons URI',
    ),
  note: langMapSchema.optional(),
});

/** What a region drawn on an image shows (IIIF annotations; seals, inscriptions and colophons above all). */
export const ANNOTATION_TYPES = ['seal', 'inscription', 'colophon', 'signature', 'damage', 'note'] as const;
const pixels = z.number().int().min(0).max(1_000_000);

/**
 * A region of one of the work's images, described by a curator: a seal and whose it is, an
 * inscription in its original script and its translation, damage. Kept in the metadata so it is
 * versioned, exported and searchable with the rest; served as W3C Web Annotations on IIIF canvases.
 * The region is in the image's upright pixels (the service checks it lies inside the image).
 */
export const annotationSchema = z.object({
  /** Stable within the work (the editor makes it); the annotation's IIIF id ends in it. */
  id: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1–32 letters, digits, - or _'),
  type: z.enum(ANNOTATION_TYPES),
  /** sha256 of the image file the region is on. */
  file: z.string().regex(/^[0-9a-f]{64}$/, 'must be the sha256 of one of the work\'s image files'),
  region: z.object({ x: pixels, y: pixels, width: pixels.min(1), height: pixels.min(1) }),
  /** The text as written, in its original script (seal script, classical Chinese…). */
  transcription: text(4000).optional(),
  /** The language of the transcription (BCP 47, e.g. zh-Hant, lzh). */
  transcriptionLanguage: z.string().regex(/^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8}){0,3}$/, 'must be a language tag such as zh-Hant').optional(),
  translation: langMapSchema.optional(),
  /** For seals (and signatures): whose they are, with an authority link (Wikidata, CBDB, VIAF) when known. */
  owner: z
    .object({
      name: langMapSchema,
      uri: z.string().url().max(2000).regex(/^https?:\/\//i, 'must be an http(s) address').optional(),
    })
    .optional(),
  note: langMapSchema.optional(),
});
export type Annotation = z.infer<typeof annotationSchema>;

export const workMetadataSchema = z.object({
  title: langMapSchema,
  creators: z.array(creatorSchema).max(200).default([]),
  date: workDateSchema.optional(),
  medium: langMapSchema.optional(),
  dimensions: langMapSchema.optional(),
  place: langMapSchema.optional(),
  /** Where the work was made, when known more exactly than the place text (WGS 84 degrees). */
  geo: z.object({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) }).optional(),
  subjects: z.array(langMapSchema).max(500).default([]),
  inscriptions: z.array(inscriptionSchema).max(500).default([]),
  provenance: langMapSchema.optional(),
  description: langMapSchema.optional(),
  institution: langMapSchema.optional(),
  inventoryNumber: text(200).optional(),
  rights: rightsSchema.optional(),
  classification: classificationSchema.default({}),
  /**
   * How the images of a multi-image work are read, in order: a handscroll is right-to-left, an
   * album left-to-right. Viewers (ours and any IIIF viewer, through the manifest) follow it.
   */
  viewingDirection: z.enum(VIEWING_DIRECTIONS).optional(),
  /** How the work page presents the record: a Chinese painting's title set vertically beside the image. */
  display: z.object({ verticalTitle: z.boolean().optional() }).optional(),
  annotations: z
    .array(annotationSchema)
    .max(2000)
    .default([])
    .refine((list) => new Set(list.map((a) => a.id)).size === list.length, 'annotation ids must be unique within the work'),
  /** Where the record came from (a museum page); shown as a link, never fetched. */
  sourceUrl: z
    .string()
    .url()
    .max(2000)
    .regex(/^https?:\/\//i, 'must be an http(s) address')
    .optional(),
  /** Extra fields kept verbatim from an import that have no place above. */
  notes: z.array(z.object({ label: text(200), text: langMapSchema })).max(200).default([]),
});
export type WorkMetadata = z.infer<typeof workMetadataSchema>;

/**
 * Metadata as stored (JSON), with the defaults of fields added since it was written: a record
 * saved before annotations existed reads as having none. Stored records are never re-validated
 * (a rule added later must not make an old record unreadable).
 */
export function parseStoredMetadata(json: string): WorkMetadata {
  const stored = JSON.parse(json) as Partial<WorkMetadata> & Pick<WorkMetadata, 'title'>;
  return { creators: [], subjects: [], inscriptions: [], classification: {}, notes: [], ...stored, annotations: Array.isArray(stored.annotations) ? stored.annotations : [] };
}
export type WorkMetadataInput = z.input<typeof workMetadataSchema>;

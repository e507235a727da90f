import { z } from 'zod';
import { MAX_NAME_LENGTH } from './instance.service.js';
import { HEX_COLOUR } from './theme.js';

/** The shapes of the instance routes: the public identity and the admin's settings. */

/** The institution's name per language (Simplified and Traditional Chinese, English). */
export const institutionNameSchema = z
  .object({ 'zh-Hans': z.string().max(MAX_NAME_LENGTH), 'zh-Hant': z.string().max(MAX_NAME_LENGTH), en: z.string().max(MAX_NAME_LENGTH) })
  .partial()
  .strict()
  .meta({ id: 'InstitutionName' });

const hexColour = z.string().regex(HEX_COLOUR, 'must be a colour like #8a2f1d');

/** The instance's colours; null keeps the default. The web client sets them as CSS custom properties. */
export const instanceThemeSchema = z
  .object({
    /** Buttons (white text on it) and links (on white); WCAG contrast at least 3:1 (4.5:1 advised). */
    accent: hexColour.nullable(),
    /** The header's background; its text is ink or white, whichever reads better. */
    headerBackground: hexColour.nullable(),
  })
  .meta({ id: 'InstanceTheme' });

/** The tiles the browse map draws on (WENYUAN_MAP_TILE_URL), or null: it draws the bundled country outlines. */
export const instanceMapSchema = z
  .object({
    /** A URL template with {z}, {x} and {y}. */
    tileUrl: z.string(),
    /** The credit the tile server requires (WENYUAN_MAP_ATTRIBUTION), or null. */
    attribution: z.string().nullable(),
  })
  .meta({ id: 'InstanceMap' });

export const instanceIdentitySchema = z
  .object({
    name: institutionNameSchema,
    /** The public URL every absolute link is built from; null before setup. */
    publicUrl: z.string().nullable(),
    /** Where the logo is served (a path on this site), or null. */
    logoUrl: z.string().nullable(),
    setupDone: z.boolean(),
    theme: instanceThemeSchema,
    map: instanceMapSchema.nullable(),
  })
  .meta({ id: 'InstanceIdentity', description: 'Who runs this archive: shown in the header, footer and page titles.' });

export const instanceSettingsSchema = instanceIdentitySchema
  .extend({
    /** The transparency log's origin: its key's once the key exists, else the one setup stored. */
    registryOrigin: z.string().nullable(),
    /** True once the log key exists: the origin can no longer change. */
    registryOriginFixed: z.boolean(),
    /** True when WENYUAN_PUBLIC_URL sets the public URL. */
    publicUrlFromEnv: z.boolean(),
    /** What setup proposes when no origin is stored yet. */
    suggestedRegistryOrigin: z.string().nullable(),
  })
  .meta({ id: 'InstanceSettings', description: 'The identity as an administrator sets it up.' });

export const instanceChangesSchema = z
  .object({
    name: institutionNameSchema.optional(),
    publicUrl: z.string().min(1).max(2000).optional(),
    registryOrigin: z.string().min(1).max(255).optional(),
    /** Only the colours given change; null returns one to the default. */
    theme: instanceThemeSchema.partial().strict().optional(),
  })
  .strict()
  .meta({ id: 'InstanceChanges' });

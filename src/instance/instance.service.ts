import type { Readable } from 'node:stream';
import sharp from 'sharp';
import { bytesPerSample, withDecodeBudget } from '../media/decode-budget.js';
import { mediaTypeOfImageFormat } from '../media/file-kind.js';
import type { BlobStore } from '../platform/blob-store.js';
import { AppError, CommonErrors } from '../platform/errors.js';
import { absoluteUrl, parsePublicUrl, registryOriginProblem, suggestRegistryOrigin, type PublicLinks } from '../platform/public-url.js';
import { setupRequired } from './instance.errors.js';
import type { InstanceRepository, NameMap, StoredIdentity } from './instance.repository.js';
import { CONTRAST_MIN, formatRatio, themeContrasts, type Theme } from './theme.js';

export type { NameMap } from './instance.repository.js';

export const NAME_LANGS = ['zh-Hans', 'zh-Hant', 'en'] as const;
export const MAX_NAME_LENGTH = 200;
/** Logos are shown small in the header and on certificates; a megabyte is plenty. */
export const LOGO_MAX_BYTES = 1024 * 1024;
const LOGO_MAX_PIXELS = 4096 * 4096;
const LOGO_TYPES: Record<string, string> = { 'image/png': 'PNG', 'image/jpeg': 'JPEG', 'image/webp': 'WebP' };

/** What anyone may know about the instance (GET /api/instance): the web header, footer and page titles use it. */
export interface InstanceIdentity {
  /** The institution's name per language; empty before setup. */
  name: NameMap;
  publicUrl: string | null;
  /** Where the logo is served (a path on this site, changing with the logo), or null. */
  logoUrl: string | null;
  setupDone: boolean;
  /** The colours an admin chose; null for each left at the default. */
  theme: Theme;
  /** Map tiles from WENYUAN_MAP_TILE_URL, or null (the web client draws its bundled outlines). */
  map: { tileUrl: string; attribution: string | null } | null;
}

/** What an admin sees on the setup page: the identity, the registry origin and what may still change. */
export interface InstanceSettings extends InstanceIdentity {
  /** The log's origin: the one its key carries once it exists, else the one setup stored, else null. */
  registryOrigin: string | null;
  /** True once the log key exists: the origin can no longer change. */
  registryOriginFixed: boolean;
  /** True when WENYUAN_PUBLIC_URL sets the public URL (it cannot be changed here then). */
  publicUrlFromEnv: boolean;
  /** The origin to propose when none is stored: WENYUAN_REGISTRY_ORIGIN, else the public URL's host + `/registry`. */
  suggestedRegistryOrigin: string | null;
}

/** The environment's part of the identity (see platform/config.ts). */
export interface InstanceConfig {
  publicUrl?: string | undefined;
  registryOrigin?: string | undefined;
  /** A tile URL template, or empty for none. */
  mapTileUrl?: string | undefined;
  mapAttribution?: string | undefined;
}

/** A PUT of the identity: the name, public URL and origin it should have (omitted: as they are). */
export interface InstanceChanges {
  name?: NameMap;
  publicUrl?: string;
  registryOrigin?: string;
  /** The colours to change (null: back to the default); those not given stay. */
  theme?: Partial<Theme>;
}

/**
 * The instance's identity: the institution's name and logo, the public URL every absolute link is
 * built from, and the transparency log's origin. Setup is finished by the first complete save;
 * until then nothing can be registered, so the log is never named after a machine by accident.
 * Read from the database every time: several processes (the CLI, API nodes) share it.
 */
export class InstanceService {
  private registryKeyOrigin: () => Promise<string | null> = async () => null;

  constructor(
    private readonly repo: InstanceRepository,
    private readonly blobs: BlobStore,
    private readonly config: InstanceConfig,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The registry reports the origin its key carries (null before the key exists); from then on that origin is fixed. */
  setRegistryKeyOrigin(source: () => Promise<string | null>): void {
    this.registryKeyOrigin = source;
  }

  async identity(): Promise<InstanceIdentity> {
    return this.present(await this.repo.load());
  }

  async settings(): Promise<InstanceSettings> {
    const stored = await this.repo.load();
    const fixed = await this.registryKeyOrigin();
    const identity = this.present(stored);
    return {
      ...identity,
      registryOrigin: fixed ?? stored.registryOrigin,
      registryOriginFixed: fixed !== null,
      publicUrlFromEnv: this.config.publicUrl !== undefined,
      suggestedRegistryOrigin: this.config.registryOrigin ?? (identity.publicUrl ? suggestRegistryOrigin(identity.publicUrl) : null),
    };
  }

  /** The public URL: WENYUAN_PUBLIC_URL, else the one set at setup, else null. */
  async publicUrl(): Promise<string | null> {
    return this.config.publicUrl ?? (await this.repo.load()).publicUrl;
  }

  /** Absolute links from the public URL (see PublicLinks). */
  readonly links: PublicLinks = {
    publicUrl: () => this.publicUrl(),
    absolute: async (path) => {
      const base = await this.publicUrl();
      return base ? absoluteUrl(base, path) : path;
    },
  };

  /**
   * The origin a new log key is made with. Throws `setup_required` until setup is finished, so
   * nothing is registered (and no key named) before an admin has chosen the origin.
   */
  async registryOriginForNewKey(): Promise<string> {
    const stored = await this.repo.load();
    if (!stored.setupAt || !stored.registryOrigin) throw setupRequired();
    return stored.registryOrigin;
  }

  /**
   * Sets the name, public URL and registry origin (setup, and later changes). The result must be a
   * complete identity; the first complete save finishes setup. The origin cannot change once the
   * log key exists, nor the public URL while WENYUAN_PUBLIC_URL sets it. All or nothing.
   */
  async configure(changes: InstanceChanges): Promise<InstanceSettings> {
    const stored = await this.repo.load();
    const fixed = await this.registryKeyOrigin();
    const next: Partial<StoredIdentity> = {};

    if (changes.name !== undefined) next.name = checkName(changes.name);
    if (Object.keys(next.name ?? stored.name ?? {}).length === 0) {
      throw CommonErrors.invalid('give the institution’s name in at least one language (zh-Hans, zh-Hant or en)', { key: 'instance.name_required' });
    }

    if (changes.publicUrl !== undefined) {
      const url = checkPublicUrl(changes.publicUrl);
      if (this.config.publicUrl !== undefined) {
        if (url !== this.config.publicUrl) {
          throw CommonErrors.conflict(`the public URL is set by WENYUAN_PUBLIC_URL (${this.config.publicUrl}); change it there`, { key: 'instance.public_url_from_env', params: { variable: 'WENYUAN_PUBLIC_URL' } });
        }
      } else {
        next.publicUrl = url;
      }
    }
    if (!this.config.publicUrl && !(next.publicUrl ?? stored.publicUrl)) {
      throw CommonErrors.invalid('give the public URL people reach this archive at, like https://museum.example', { key: 'instance.public_url_required' });
    }

    if (changes.registryOrigin !== undefined) {
      const origin = changes.registryOrigin.trim();
      const problem = registryOriginProblem(origin);
      if (problem) throw CommonErrors.invalid(`registry origin ${problem}`, { key: 'instance.registry_origin_invalid', params: { value: origin } });
      if (fixed !== null && origin !== fixed) {
        throw CommonErrors.conflict(`the registry origin is fixed as "${fixed}": the log's key already carries it, and receipts name it`, { key: 'instance.registry_origin_fixed', params: { origin: fixed } });
      }
      next.registryOrigin = origin;
    }
    // Once the key exists, the stored origin follows it (an upgraded instance's key predates setup).
    if (fixed !== null) next.registryOrigin = fixed;
    if (!(next.registryOrigin ?? stored.registryOrigin)) {
      throw CommonErrors.invalid('give the registry origin, the transparency log’s name, like museum.example/registry', { key: 'instance.registry_origin_required' });
    }

    if (changes.theme !== undefined) next.theme = checkTheme({ ...stored.theme, ...changes.theme });

    if (!stored.setupAt) next.setupAt = this.now().toISOString();
    await this.repo.save(next, this.now().toISOString());
    return this.settings();
  }

  /** Replaces the logo with an image (PNG, JPEG or WebP up to LOGO_MAX_BYTES), stored in the blob store. */
  async setLogo(bytes: Buffer): Promise<InstanceSettings> {
    if (bytes.length === 0) throw CommonErrors.invalid('the logo file is empty', { key: 'instance.logo_missing' });
    if (bytes.length > LOGO_MAX_BYTES) throw CommonErrors.invalid(`the logo is larger than ${LOGO_MAX_BYTES} bytes`, { key: 'instance.logo_too_large', params: { max: LOGO_MAX_BYTES } });
    const types = Object.values(LOGO_TYPES).join(',');
    let mediaType: string | null;
    try {
      // A full decode (not only the header), within a pixel limit: what is stored is an image browsers can show.
      const image = sharp(bytes, { limitInputPixels: LOGO_MAX_PIXELS, failOn: 'error' });
      const { format } = await image.metadata();
      mediaType = mediaTypeOfImageFormat(format);
      if (!mediaType || !LOGO_TYPES[mediaType]) throw new AppError('invalid_input', `the logo must be a ${types.replaceAll(',', ', ')} image (this is ${format ?? 'not an image'})`, { key: 'instance.logo_type', params: { types } });
      await withDecodeBudget(bytes, { maxPixels: LOGO_MAX_PIXELS, keptBytesPerPixel: (h) => h.channels * bytesPerSample(h.depth) }, () => image.raw().toBuffer());
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw CommonErrors.invalid(`the logo could not be read as a ${types.replaceAll(',', ', ')} image: ${(error as Error).message}`, { key: 'instance.logo_unreadable' });
    }
    const stored = await this.blobs.putBuffer(bytes);
    await this.repo.save({ logo: { sha256: stored.sha256, mediaType, size: bytes.length } }, this.now().toISOString());
    return this.settings();
  }

  async removeLogo(): Promise<InstanceSettings> {
    await this.repo.save({ logo: null }, this.now().toISOString());
    return this.settings();
  }

  /** The logo's bytes and type, for serving; 404 when there is none. */
  async logo(): Promise<{ sha256: string; mediaType: string; size: number; open: () => Readable }> {
    const logo = (await this.repo.load()).logo;
    if (!logo || !(await this.blobs.has(logo.sha256))) throw CommonErrors.notFound('instance_logo', {}, 'this instance has no logo');
    return { ...logo, open: () => this.blobs.open(logo.sha256) };
  }

  private present(stored: StoredIdentity): InstanceIdentity {
    return {
      name: stored.name ?? {},
      publicUrl: this.config.publicUrl ?? stored.publicUrl,
      logoUrl: stored.logo ? logoPath(stored.logo.sha256) : null,
      setupDone: stored.setupAt !== null,
      theme: { accent: stored.theme?.accent ?? null, headerBackground: stored.theme?.headerBackground ?? null },
      map: this.config.mapTileUrl ? { tileUrl: this.config.mapTileUrl, attribution: this.config.mapAttribution || null } : null,
    };
  }
}

/** Where the logo is served; the version parameter changes with the logo, so it may be cached for good. */
export function logoPath(sha256: string): string {
  return `/api/instance/logo?v=${sha256.slice(0, 16)}`;
}

function checkName(name: NameMap): NameMap {
  const out: NameMap = {};
  for (const lang of NAME_LANGS) {
    const value = name[lang]?.trim();
    if (!value) continue;
    if (value.length > MAX_NAME_LENGTH) throw CommonErrors.invalid(`the institution’s name (${lang}) is longer than ${MAX_NAME_LENGTH} characters`, { key: 'instance.name_too_long', params: { max: MAX_NAME_LENGTH } });
    out[lang] = value;
  }
  return out;
}

/**
 * Keeps the colours set (lower-cased), or null when none is; refuses one whose text would be hard
 * to see. The web form warns below 4.5:1 (WCAG AA) and lets the admin decide down to 3:1.
 */
function checkTheme(theme: Partial<Theme>): Partial<Theme> | null {
  const out: Partial<Theme> = {};
  if (theme.accent) out.accent = theme.accent.toLowerCase();
  if (theme.headerBackground) out.headerBackground = theme.headerBackground.toLowerCase();
  for (const { field, colour, text, ratio } of themeContrasts(out)) {
    if (ratio < CONTRAST_MIN) {
      throw CommonErrors.invalid(`${field} ${colour} has a contrast of ${formatRatio(ratio)}:1 with its text (${text}); it must be at least ${CONTRAST_MIN}:1 (WCAG asks for 4.5:1): choose a darker or lighter colour`, {
        key: 'instance.theme_low_contrast',
        params: { ratio: formatRatio(ratio) },
      });
    }
  }
  return Object.keys(out).length ? out : null;
}

function checkPublicUrl(text: string): string {
  const parsed = parsePublicUrl(text);
  if ('problem' in parsed) throw CommonErrors.invalid(`public URL: ${parsed.problem}`, { key: 'instance.public_url_invalid', params: { value: text.trim() } });
  return parsed.url;
}

import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { parsePublicUrl, registryOriginProblem } from './public-url.js';
import { parseS3Url } from './s3-location.js';

/** Everything the process reads from its environment, validated once at start-up. */
export const configSchema = z.object({
  dataDir: z.string().min(1),
  databaseUrl: z.string().min(1),
  host: z.string().min(1).default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65_535).default(8080),
  /** Largest single upload accepted, in bytes (default 2 GiB). */
  maxUploadBytes: z.coerce.number().int().positive().default(2 * 1024 ** 3),
  /**
   * Upload quota of each creator, in bytes of the originals in the works they own (files they
   * hold twice count once); 0 = none. Default 10 GiB.
   */
  uploadQuotaBytes: z.coerce.number().int().min(0).default(10 * 1024 ** 3),
  /** The same for admins and curators; 0 (the default) = no quota. */
  staffUploadQuotaBytes: z.coerce.number().int().min(0).default(0),
  /** Files one upload request may add; the answer names each file past it as not received. */
  maxFilesPerUpload: z.coerce.number().int().min(1).max(100_000).default(1000),
  /** Images declaring more pixels than this are refused before decoding (decompression bombs). */
  maxImagePixels: z.coerce.number().int().positive().default(200_000_000),
  /**
   * Memory (MiB) image decoding may take at once in this process, estimated from each image's
   * header; decodes wait for room, and one larger than the whole budget runs alone. The default
   * keeps four 196-megapixel PNGs at once under 1 GiB of server memory.
   */
  decodeBudgetMb: z.coerce.number().int().min(1).max(1_048_576).default(512),
  sessionTtlHours: z.coerce.number().int().positive().default(24 * 14),
  /**
   * Jobs run concurrently by one worker process; default one per core. The jobs' decoding and
   * encoding run on libvips' threads and the watermark's arithmetic on the main thread, so jobs in
   * flight on every core keep both kinds of work going at once.
   */
  workerConcurrency: z.coerce.number().int().min(1).max(64).default(() => Math.min(64, os.availableParallelism())),
  /**
   * Seconds a worker holds a job between heartbeats (renewed every third of it): a job whose worker
   * died (kill -9, a lost machine) is taken over by another worker once this runs out.
   */
  jobLeaseSeconds: z.coerce.number().min(1).max(3600).default(60),
  /** Hours between scheduled fixity audits; 0 turns the schedule off. */
  fixityIntervalHours: z.coerce.number().min(0).default(24 * 7),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'),
  /**
   * The public URL people reach this instance at (`https://museum.example`), the base of every
   * absolute link it makes. Overrides the one set at setup (which it also seeds); unset, setup decides.
   */
  publicUrl: z
    .string()
    .transform((s, ctx) => {
      const parsed = parsePublicUrl(s);
      if ('url' in parsed) return parsed.url;
      ctx.addIssue({ code: 'custom', message: `${parsed.problem} (an http:// or https:// URL)` });
      return z.NEVER;
    })
    .optional(),
  /**
   * The transparency log's origin (and its key's name), e.g. "museum.example/registry": only the
   * value setup proposes. Setup settles the origin; the log key, made at the first registration, fixes it.
   */
  registryOrigin: z
    .string()
    .superRefine((s, ctx) => {
      const problem = registryOriginProblem(s);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
  /**
   * Witnesses asked to cosign each new checkpoint (c2sp.org/tlog-witness): items
   * `<witness vkey>@<http(s) URL>`, separated by commas or newlines. Empty: no witnesses.
   */
  registryWitnesses: z
    .string()
    .refine(
      (s) => s.split(/[,\n]/).map((i) => i.trim()).filter((i) => i !== '').every((i) => /^\S+@https?:\/\/\S+$/.test(i)),
      'must be <witness vkey>@<http(s) URL> items separated by commas or newlines',
    )
    .default(''),
  /** Cosignatures required before a checkpoint is served and used in receipts; 0 = witnesses optional. */
  registryWitnessQuorum: z.coerce.number().int().min(0).default(0),
  /**
   * Marks each public display copy with an invisible watermark naming its work (a `public` copy
   * serial), so screenshots of the public site can be traced even when cropped past recognition.
   */
  watermarkPublicCopies: z
    .union([z.boolean(), z.enum(['true', 'false', '1', '0'])])
    .transform((v) => v === true || v === 'true' || v === '1')
    .default(true),
  /**
   * Hosts `wenyuan import` may download record files from (a mapping's `"as": "url"` files): `host`
   * (its scheme's default port) or `host:port`, separated by commas. Empty: no downloads at all.
   */
  importUrlHosts: z
    .string()
    .transform((s, ctx) => {
      const hosts: string[] = [];
      for (const item of s.split(/[,\s]+/).filter((i) => i !== '')) {
        const host = normaliseHost(item);
        if (host) hosts.push(host);
        else ctx.addIssue({ code: 'custom', message: `"${item}" is not a host name or host:port; list them like images.example.org,127.0.0.1:8080 (no http://, no path, no *)` });
      }
      return hosts;
    })
    .default([]),
  /**
   * Proxies in front of the server whose X-Forwarded-For is believed (addresses, CIDR ranges, or
   * loopback / linklocal / uniquelocal), separated by commas. Empty: the connecting address is the
   * visitor, which behind a proxy makes every visitor one (and one rate limit, one sign-in throttle).
   */
  trustedProxies: z
    .string()
    .transform((s, ctx) => {
      const items = s.split(/[,\s]+/).filter((i) => i !== '');
      for (const item of items) {
        if (!isProxyAddress(item)) ctx.addIssue({ code: 'custom', message: `"${item}" is not an IP address, a CIDR range (10.0.0.0/8) or one of loopback, linklocal, uniquelocal` });
      }
      return items;
    })
    .default([]),
  /**
   * Where the catalogue's facet counts come from. `memory`: every process holds each work's facet
   * columns (exact, fastest; about 20 bytes per work per process). `database` (PostgreSQL only): the
   * database keeps the counts — exact for the whole catalogue and for selections up to 5,000 works,
   * estimated from a 1-in-32 sample above, and marked so — with no per-work memory in any process.
   * `auto` (the default): `memory` on SQLite, `database` on PostgreSQL.
   */
  facetCounts: z.enum(['auto', 'memory', 'database']).default('auto'),
  /**
   * Works whose titles search-as-you-type suggests, at most (the first catalogued): titles are most of
   * the suggestion index's memory — about 1 GB per million works — while creators and places always
   * cover every work, and search finds every title. 0 = every work.
   */
  suggestMaxTitles: z.coerce.number().int().min(0).default(250_000),
  /** API requests one visitor (a signed-in user, else an IP address) may make per minute; 0 = no limit. */
  rateLimitPerMinute: z.coerce.number().int().min(0).default(600),
  /** Catalogue searches one visitor may make per minute (they cost the most); 0 = no limit. */
  searchRateLimitPerMinute: z.coerce.number().int().min(0).default(120),
  /**
   * Searches one IP address may make per minute, whoever is signed in there: a signed-in attacker
   * cannot escape the per-account count by rotating addresses, nor many accounts share one address
   * past this; a classroom behind one NAT is not one account. 0 = no limit.
   */
  searchRateLimitPerIpPerMinute: z.coerce.number().int().min(0).default(1200),
  /** Upload requests one account (anonymous: one IP address) may make per minute; 0 = no limit. */
  uploadRateLimitPerMinute: z.coerce.number().int().min(0).default(60),
  /** Upload requests one IP address may make per minute, whoever is signed in there; 0 = no limit. */
  uploadRateLimitPerIpPerMinute: z.coerce.number().int().min(0).default(600),
  /**
   * Redis the rate limits count in, shared by every API process of a fleet (`redis://host:6379/0`,
   * `rediss://…` for TLS). Empty (the default): each process counts in its own memory, right for one
   * machine. Unreachable: requests pass unlimited, with a logged warning, until it is back.
   */
  redisUrl: z
    .string()
    .trim()
    .refine((s) => s === '' || /^rediss?:\/\/\S+$/.test(s), 'must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379/0')
    .default(''),
  /**
   * Threads (SQLite) or connections (PostgreSQL) that run heavy reads — search, ranking, facet
   * loads — off the event loop. 0 runs them on the main connection (tests, tiny machines).
   */
  readWorkers: z.coerce.number().int().min(0).max(64).default(Math.min(4, Math.max(2, os.availableParallelism()))),
  /** Longest a heavy read may run before it is stopped and answered 503 (milliseconds). */
  readTimeoutMs: z.coerce.number().int().min(100).default(10_000),
  /** Marks cookies Secure; set when served behind HTTPS. */
  /** Bytes (MiB) of rendered IIIF images (tiles, views, info.json) kept in memory for repeat requests; 0 = none. */
  iiifCacheMb: z.coerce.number().int().min(0).max(65_536).default(128),
  /**
   * Bytes (MiB) of pyramid tiles kept decoded for the IIIF render threads (shared by them), so an
   * unaligned region re-decodes only the tiles its neighbours did not; 0 = none (every region decodes
   * its tiles). At most 3 GiB: they live in one WebAssembly memory (4 GiB at most) with the threads'
   * work areas.
   */
  iiifDecodedTilesMb: z.coerce.number().int().min(0).max(3072).default(96),
  /**
   * IIIF requests per minute per visitor (a deep-zoom viewer fetches hundreds of tiles a minute);
   * 0 = unlimited. Kept apart from the API's limit.
   */
  iiifRateLimitPerMinute: z.coerce.number().int().min(0).default(6000),
  /**
   * Map tiles for the browse-by-place map: an http(s) URL template with {z}, {x} and {y}
   * (`https://tiles.example.org/{z}/{x}/{y}.png`). Empty (the default): the map draws the country
   * outlines bundled with the web client, so no visitor's browser asks a third-party server.
   */
  mapTileUrl: z
    .string()
    .trim()
    .refine((s) => s === '' || isTileTemplate(s), 'must be an http:// or https:// URL template containing {z}, {x} and {y}')
    .default(''),
  /** The credit the tile server requires, shown in the map's corner (`© OpenStreetMap contributors`). */
  mapAttribution: z.string().trim().max(500).default(''),
  /**
   * Where notification emails go out: `smtp://user:pass@host:587` or `smtps://…` (nodemailer's
   * URL form). Empty (the default): no email is sent, and nothing fails for want of it.
   */
  smtpUrl: z
    .string()
    .trim()
    .refine((s) => s === '' || /^smtps?:\/\/[^\s]+$/.test(s), 'must be an smtp:// or smtps:// URL')
    .default(''),
  /**
   * Bearer token Prometheus must send for /metrics. Empty (the default): only a scraper on this
   * machine connecting directly (not through a proxy) is answered.
   */
  metricsToken: z.string().trim().max(200).default(''),
  /**
   * Where blobs live: empty (the default) = `<dataDir>/blobs` on local disk; or an S3-compatible
   * bucket, `s3://bucket/prefix?endpoint=https://…&region=…&forcePathStyle=1` (AWS S3, MinIO, Ceph
   * RGW, Garage, OSS, COS). Credentials: the two variables below, else the standard AWS chain.
   */
  blobStore: z
    .string()
    .trim()
    .superRefine((s, ctx) => {
      if (s === '') return;
      const parsed = parseS3Url(s);
      if ('problem' in parsed) ctx.addIssue({ code: 'custom', message: parsed.problem });
    })
    .default(''),
  s3AccessKeyId: z.string().trim().default(''),
  s3SecretAccessKey: z.string().trim().default(''),
  /** Attempts per S3 request (exponential backoff between them) before it fails as 503. */
  s3MaxAttempts: z.coerce.number().int().min(1).max(10).default(3),
  /**
   * Largest local temporary copy of a remote blob (bytes; default 1 GiB): images up to it are
   * decoded from a temporary file, larger ones are stored unrendered, never copied whole to disk.
   */
  blobTempMaxBytes: z.coerce.number().int().min(1024 * 1024).default(1024 ** 3),
  /**
   * With an S3 store, originals that a visitor may download are served by a redirect to a presigned
   * URL valid this many seconds (the bytes then bypass this server); 0 (the default) = always proxied.
   */
  blobDirectDownloadSeconds: z.coerce.number().int().min(0).max(7 * 24 * 3600).default(0),
  /** The sender of notification emails. */
  mailFrom: z.string().trim().max(200).default('Wenyuan <no-reply@localhost>'),
  secureCookies: z
    .union([z.boolean(), z.enum(['true', 'false', '1', '0'])])
    .transform((v) => v === true || v === 'true' || v === '1')
    .default(false),
});
export type Config = z.infer<typeof configSchema>;

const ENV_NAMES: Record<keyof Config, string> = {
  dataDir: 'WENYUAN_DATA_DIR',
  databaseUrl: 'WENYUAN_DATABASE_URL',
  host: 'WENYUAN_HOST',
  port: 'WENYUAN_PORT',
  maxUploadBytes: 'WENYUAN_MAX_UPLOAD_BYTES',
  maxImagePixels: 'WENYUAN_MAX_IMAGE_PIXELS',
  decodeBudgetMb: 'WENYUAN_DECODE_BUDGET_MB',
  uploadQuotaBytes: 'WENYUAN_UPLOAD_QUOTA_BYTES',
  staffUploadQuotaBytes: 'WENYUAN_STAFF_UPLOAD_QUOTA_BYTES',
  maxFilesPerUpload: 'WENYUAN_MAX_FILES_PER_UPLOAD',
  sessionTtlHours: 'WENYUAN_SESSION_TTL_HOURS',
  workerConcurrency: 'WENYUAN_WORKER_CONCURRENCY',
  jobLeaseSeconds: 'WENYUAN_JOB_LEASE_SECONDS',
  fixityIntervalHours: 'WENYUAN_FIXITY_INTERVAL_HOURS',
  logLevel: 'WENYUAN_LOG_LEVEL',
  watermarkPublicCopies: 'WENYUAN_WATERMARK_PUBLIC_COPIES',
  secureCookies: 'WENYUAN_SECURE_COOKIES',
  publicUrl: 'WENYUAN_PUBLIC_URL',
  registryOrigin: 'WENYUAN_REGISTRY_ORIGIN',
  registryWitnesses: 'WENYUAN_REGISTRY_WITNESSES',
  registryWitnessQuorum: 'WENYUAN_REGISTRY_WITNESS_QUORUM',
  importUrlHosts: 'WENYUAN_IMPORT_URL_HOSTS',
  trustedProxies: 'WENYUAN_TRUSTED_PROXIES',
  rateLimitPerMinute: 'WENYUAN_RATE_LIMIT_PER_MINUTE',
  facetCounts: 'WENYUAN_FACET_COUNTS',
  suggestMaxTitles: 'WENYUAN_SUGGEST_MAX_TITLES',
  searchRateLimitPerMinute: 'WENYUAN_SEARCH_RATE_LIMIT_PER_MINUTE',
  searchRateLimitPerIpPerMinute: 'WENYUAN_SEARCH_RATE_LIMIT_PER_IP_PER_MINUTE',
  uploadRateLimitPerMinute: 'WENYUAN_UPLOAD_RATE_LIMIT_PER_MINUTE',
  uploadRateLimitPerIpPerMinute: 'WENYUAN_UPLOAD_RATE_LIMIT_PER_IP_PER_MINUTE',
  redisUrl: 'WENYUAN_REDIS_URL',
  readWorkers: 'WENYUAN_READ_WORKERS',
  readTimeoutMs: 'WENYUAN_READ_TIMEOUT_MS',
  iiifCacheMb: 'WENYUAN_IIIF_CACHE_MB',
  iiifDecodedTilesMb: 'WENYUAN_IIIF_DECODED_TILES_MB',
  iiifRateLimitPerMinute: 'WENYUAN_IIIF_RATE_LIMIT_PER_MINUTE',
  mapTileUrl: 'WENYUAN_MAP_TILE_URL',
  mapAttribution: 'WENYUAN_MAP_ATTRIBUTION',
  smtpUrl: 'WENYUAN_SMTP_URL',
  mailFrom: 'WENYUAN_MAIL_FROM',
  metricsToken: 'WENYUAN_METRICS_TOKEN',
  blobStore: 'WENYUAN_BLOB_STORE',
  s3AccessKeyId: 'WENYUAN_S3_ACCESS_KEY_ID',
  s3SecretAccessKey: 'WENYUAN_S3_SECRET_ACCESS_KEY',
  s3MaxAttempts: 'WENYUAN_S3_MAX_ATTEMPTS',
  blobTempMaxBytes: 'WENYUAN_BLOB_TEMP_MAX_BYTES',
  blobDirectDownloadSeconds: 'WENYUAN_BLOB_DIRECT_DOWNLOAD_SECONDS',
};

/**
 * `host` or `host:port` in the form URL parsing gives (lower case, punycode, IPv6 in brackets; a
 * port only when given), or null when it is neither.
 */
export function normaliseHost(item: string): string | null {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^\s:/?#@[\]\\*]+)(?::(\d{1,5}))?$/.exec(item.trim());
  if (!m) return null;
  let hostname: string;
  try {
    hostname = new URL(`http://${m[1]}/`).hostname;
  } catch {
    return null;
  }
  if (hostname === '' || hostname.endsWith('.')) return null;
  if (m[2] === undefined) return hostname;
  const port = Number(m[2]);
  return port >= 1 && port <= 65_535 ? `${hostname}:${port}` : null;
}

/**
 * An http(s) URL with the {z}, {x} and {y} placeholders a slippy-map tile layer fills in; in the
 * host only a whole first label {s} (Leaflet's subdomains), which a CSP source can say as `*.`.
 */
function isTileTemplate(template: string): boolean {
  if (!['{z}', '{x}', '{y}'].every((p) => template.includes(p))) return false;
  const host = /^https?:\/\/([^/?#]*)/i.exec(template)?.[1];
  if (!host || /[{}]/.test(host.replace(/^\{s\}\./, ''))) return false;
  try {
    // Leaflet also fills {r} (retina) and the like; any value makes them parseable here.
    const url = new URL(template.replace(/\{[a-z]+\}/g, 'a'));
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/**
 * The Content-Security-Policy source that lets the browser load a tile template's images
 * (`https://{s}.tiles.example.org/{z}/{x}/{y}.png` → `https://*.tiles.example.org`).
 */
export function tileImageSource(template: string): string {
  const url = new URL(template.replace(/^(https?:\/\/)\{s\}\./i, '$1wildcard-subdomain.').replace(/\{[a-z]+\}/g, 'a'));
  return `${url.protocol}//${url.host.replace(/^wildcard-subdomain\./, '*.')}`;
}

/** An address, a CIDR range or a proxy-addr keyword, as Fastify's trustProxy takes them. */
function isProxyAddress(item: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(item)) return true;
  const [address, bits, extra] = item.split('/');
  if (extra !== undefined || !address) return false;
  const family = net.isIP(address);
  if (family === 0) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

export class ConfigError extends Error {}

/**
 * Builds the configuration from environment variables and explicit overrides (CLI flags win).
 * The only place in the code base that reads process.env.
 */
export function loadConfig(overrides: Partial<Record<keyof Config, unknown>> = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(ENV_NAMES)) {
    const value = overrides[key as keyof Config] ?? env[name];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  raw.dataDir = path.resolve(String(raw.dataDir ?? path.join(process.cwd(), '.data')));
  raw.databaseUrl ??= `sqlite:${path.join(String(raw.dataDir), 'wenyuan.db')}`;
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0]) as keyof Config;
      return `${ENV_NAMES[key] ?? key}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return parsed.data;
}

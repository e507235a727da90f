import path from 'node:path';
import { z } from 'zod';
import { parsePublicUrl, registryOriginProblem } from './public-url.js';

/** Everything the process reads from its environment, validated once at start-up. */
export const configSchema = z.object({
  dataDir: z.string().min(1),
  databaseUrl: z.string().min(1),
  host: z.string().min(1).default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65_535).default(8080),
  /** Largest single upload accepted, in bytes (default 2 GiB). */
  maxUploadBytes: z.coerce.number().int().positive().default(2 * 1024 ** 3),
  /** Images declaring more pixels than this are refused before decoding (decompression bombs). */
  maxImagePixels: z.coerce.number().int().positive().default(200_000_000),
  sessionTtlHours: z.coerce.number().int().positive().default(24 * 14),
  /** Jobs run concurrently by one worker process. */
  workerConcurrency: z.coerce.number().int().min(1).max(64).default(2),
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
  /** Marks cookies Secure; set when served behind HTTPS. */
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
  sessionTtlHours: 'WENYUAN_SESSION_TTL_HOURS',
  workerConcurrency: 'WENYUAN_WORKER_CONCURRENCY',
  fixityIntervalHours: 'WENYUAN_FIXITY_INTERVAL_HOURS',
  logLevel: 'WENYUAN_LOG_LEVEL',
  watermarkPublicCopies: 'WENYUAN_WATERMARK_PUBLIC_COPIES',
  secureCookies: 'WENYUAN_SECURE_COOKIES',
  publicUrl: 'WENYUAN_PUBLIC_URL',
  registryOrigin: 'WENYUAN_REGISTRY_ORIGIN',
  registryWitnesses: 'WENYUAN_REGISTRY_WITNESSES',
  registryWitnessQuorum: 'WENYUAN_REGISTRY_WITNESS_QUORUM',
  importUrlHosts: 'WENYUAN_IMPORT_URL_HOSTS',
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

import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

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
   * The transparency log's origin (and its key's name), e.g. "museum.example/registry". Used only
   * when the log key is first created; afterwards the key file decides.
   */
  registryOrigin: z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/, 'must be printable ASCII without spaces, like museum.example/registry')
    .refine((s) => !s.includes('+'), 'must not contain "+"')
    .default(`${os.hostname().replace(/[^\x21-\x7e+]/g, '') || 'localhost'}/wenyuan-registry`),
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
  registryOrigin: 'WENYUAN_REGISTRY_ORIGIN',
  registryWitnesses: 'WENYUAN_REGISTRY_WITNESSES',
  registryWitnessQuorum: 'WENYUAN_REGISTRY_WITNESS_QUORUM',
};

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

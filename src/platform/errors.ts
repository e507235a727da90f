/**
 * Errors that services throw. Each carries
 * - a code from a module's list; the HTTP layer maps codes to statuses in one table
 *   (http/error-status.ts), so services never speak HTTP;
 * - an English message, for the API, logs and the CLI;
 * - a message key with parameters, which the web client says in the reader's language
 *   (`serverError.<key>` in web/src/locales/<lang>/server-errors.json).
 *
 * Keys are declared with their parameter names in each module's `<module>.errors.ts` table (the
 * platform's own are below), which adds them to `ErrorKeys`: a throw with an undeclared key or other
 * parameters does not compile, and test/platform/error-keys.test.ts fails when a declared key lacks a
 * message in either language or a message's arguments differ from the parameters.
 */

/**
 * A message parameter: a value (an id, a number, a field path, a file name, a limit), never an
 * English phrase; where a message must choose words, a token it selects on (`kind: 'signer'`).
 * Byte counts the reader should see as sizes are named `…Bytes`.
 */
export type ErrorParam = string | number;
export type ErrorParams = Readonly<Record<string, ErrorParam>>;

/** A table of message keys and the names of their parameters. */
export type ErrorKeyTable = Readonly<Record<string, readonly string[]>>;

/** The parameter object of each key of a table. */
export type KeyParams<T extends ErrorKeyTable> = { [K in keyof T]: { readonly [P in T[K][number]]: ErrorParam } };

/** Declares a module's message keys (checked against the catalogues by test/platform/error-keys.test.ts). */
export function errorKeys<const T extends ErrorKeyTable>(table: T): T {
  return table;
}

/** The platform's keys: requests the HTTP layer refuses before any module sees them. */
export const PLATFORM_ERROR_KEYS = errorKeys({
  unauthenticated: [],
  internal: [],
  'not_found.route': ['method', 'path'],
  'invalid_input.request': [],
  'invalid_input.fields': ['fields', 'count'],
  'invalid_input.too_complex': ['maxValues', 'maxKeys', 'maxDepth'],
  'payload_too_large.request': [],
  'unsupported_media.request': [],
  // Crowds: too many requests from one visitor, or more heavy reads than the server takes at once.
  'rate_limited.requests': ['retryAfterSeconds'],
  'busy.queue_full': ['retryAfterSeconds'],
  'busy.query_timeout': ['seconds'],
  // The object store (S3) cannot be reached: the request may be tried again shortly.
  'blob_store_unavailable.unreachable': ['retryAfterSeconds'],
  // The database is restarting or unreachable: the request may be tried again shortly.
  'database_unavailable.unreachable': ['retryAfterSeconds'],
  // The disk holding the local blob store is full: an admin must free space.
  'storage_full.blob_store': [],
  // A file in a remote (S3) store too large for the local copy that decoding it needs (WENYUAN_BLOB_TEMP_MAX_BYTES).
  'image_too_large.local_copy': ['sizeBytes', 'maxBytes'],
  // /metrics: only a scraper on this machine, or one with the configured token.
  'forbidden.metrics': [],
  // One per zod issue code, for each field of an `invalid_input.fields` error (its `details`).
  'validation.invalid_type': ['field', 'expected'],
  'validation.too_small': ['field', 'origin', 'minimum', 'inclusive'],
  'validation.too_big': ['field', 'origin', 'maximum', 'inclusive'],
  'validation.invalid_format': ['field', 'format'],
  'validation.not_multiple_of': ['field', 'divisor'],
  'validation.unrecognized_keys': ['field', 'keys'],
  'validation.invalid_value': ['field', 'values'],
  'validation.invalid_union': ['field'],
  'validation.invalid_key': ['field'],
  'validation.invalid_element': ['field'],
  'validation.custom': ['field'],
});

/**
 * Every message key and its parameters. Modules add theirs by declaration merging:
 *
 *     declare module '../platform/errors.js' { interface ErrorKeys extends KeyParams<typeof ARCHIVE_ERROR_KEYS> {} }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ErrorKeys extends KeyParams<typeof PLATFORM_ERROR_KEYS> {}
export type ErrorKey = keyof ErrorKeys & string;

/** `key` and, when the key has parameters, `params`; `details` is anything else a client may use. */
export type ErrorOptions<K extends ErrorKey = ErrorKey> = { key: K; details?: unknown } & (keyof ErrorKeys[K] extends never ? { params?: ErrorKeys[K] } : { params: ErrorKeys[K] });

/**
 * A warning that does not stop the work (a file stored but not rendered, an image too flat to
 * match): the English `message` for the API, logs and CLI, and a declared key with parameters the
 * interface says in the reader's language, exactly like an error's.
 */
export interface Notice {
  key: string;
  params: ErrorParams;
  message: string;
}

/** A notice of a declared key (checked like an error's key and parameters). */
export function notice<K extends ErrorKey>(key: K, message: string, ...params: keyof ErrorKeys[K] extends never ? [] : [ErrorKeys[K]]): Notice {
  return { key, params: (params[0] ?? {}) as ErrorParams, message };
}

export class AppError<K extends ErrorKey = ErrorKey> extends Error {
  readonly key: K;
  readonly params: ErrorParams;
  readonly details?: unknown;
  constructor(
    readonly code: string,
    message: string,
    options: ErrorOptions<K>,
  ) {
    super(message);
    this.name = 'AppError';
    this.key = options.key;
    this.params = (options.params ?? {}) as ErrorParams;
    if (options.details !== undefined) this.details = options.details;
  }
}

/** The key, parameters and details of an error, to throw it again with another code or message. */
export function keyOf<K extends ErrorKey>(error: AppError<K>): ErrorOptions<K> {
  return { key: error.key, params: error.params, details: error.details } as unknown as ErrorOptions<K>;
}

/** What a client needs to say an error in its own language, and the English of it. */
export interface ErrorReport {
  code: string;
  key: string;
  params: ErrorParams;
  message: string;
}

/** The body of an error answer: `{ error: { code, key, params, message, details } }`. */
export function errorBody(error: AppError): { error: ErrorReport & { details?: unknown } } {
  return { error: { ...reportOf(error), ...(error.details === undefined ? {} : { details: error.details }) } };
}

/** An error as a per-item result reports it (an upload's or a scan's failed file). */
export function reportOf(error: AppError): ErrorReport {
  return { code: error.code, key: error.key, params: error.params, message: error.message };
}

/** The things a module says may be missing (`not_found.<entity>` keys of the modules' tables). */
export type MissingEntity = ErrorKey extends infer K ? (K extends `not_found.${infer E}` ? E : never) : never;

/** A field whose value was refused, as `invalid_input.fields` lists it in `details`. */
export interface FieldProblem {
  field: string;
  code: string;
  key: ErrorKey;
  params: ErrorParams;
  message: string;
}

/** The parts of a zod issue that name a field's problem (zod itself stays out of the platform). */
export interface ValidationIssue {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** At most ten items, then how many more: an error never grows with the attacker's input. */
const listOf = (value: unknown): string => {
  if (!Array.isArray(value)) return clip(String(value ?? ''));
  const shown = value.slice(0, 10).map((v) => clip(String(v), 80));
  return value.length > 10 ? `${shown.join(', ')} … (+${value.length - 10})` : shown.join(', ');
};
const clip = (text: string, max = 200): string => (text.length > max ? `${text.slice(0, max)}…` : text);
const numberOf = (value: unknown): ErrorParam => (typeof value === 'number' || typeof value === 'string' ? value : typeof value === 'bigint' ? value.toString() : '');

/** One field problem from a zod issue; `field` is its dotted path, or `where` when the issue is about the whole value. */
export function fieldProblem(issue: ValidationIssue, where: string): FieldProblem {
  const field = clip(issue.path.map(String).join('.') || where);
  const base = { field, code: issue.code, message: `${field}: ${clip(issue.message, 300)}` };
  const more = issue as unknown as Readonly<Record<string, unknown>>;
  switch (issue.code) {
    case 'invalid_type':
      return { ...base, key: 'validation.invalid_type', params: { field, expected: String(more.expected ?? '') } };
    case 'too_small':
      return { ...base, key: 'validation.too_small', params: { field, origin: String(more.origin ?? ''), minimum: numberOf(more.minimum), inclusive: more.inclusive === false ? 'no' : 'yes' } };
    case 'too_big':
      return { ...base, key: 'validation.too_big', params: { field, origin: String(more.origin ?? ''), maximum: numberOf(more.maximum), inclusive: more.inclusive === false ? 'no' : 'yes' } };
    case 'invalid_format':
      return { ...base, key: 'validation.invalid_format', params: { field, format: String(more.format ?? '') } };
    case 'not_multiple_of':
      return { ...base, key: 'validation.not_multiple_of', params: { field, divisor: numberOf(more.divisor) } };
    case 'unrecognized_keys':
      return { ...base, key: 'validation.unrecognized_keys', params: { field, keys: listOf(more.keys) } };
    case 'invalid_value':
      return { ...base, key: 'validation.invalid_value', params: { field, values: listOf(more.values) } };
    case 'invalid_union':
    case 'invalid_key':
    case 'invalid_element':
      return { ...base, key: `validation.${issue.code}`, params: { field } };
    default:
      return { ...base, key: 'validation.custom', params: { field } };
  }
}

export const MAX_REPORTED_PROBLEMS = 20;

/** `invalid_input` naming each bad field: key `invalid_input.fields`, the problems as `details`. */
export function invalidFields(problems: FieldProblem[], prefix = 'invalid input'): AppError<'invalid_input.fields'> {
  // Only the first problems are reported: a body with thousands of bad values must not be answered
  // with megabytes of error (the count still says how many fields were refused).
  const shown = problems.slice(0, MAX_REPORTED_PROBLEMS);
  const fields = [...new Set(problems.map((p) => p.field))];
  const more = problems.length > shown.length ? ` … (+${problems.length - shown.length})` : '';
  return new AppError('invalid_input', `${prefix} — ${shown.map((p) => p.message).join('; ')}${more}`, {
    key: 'invalid_input.fields',
    params: { fields: listOf(fields), count: fields.length },
    details: shown,
  });
}

/** The English words of an entity name: `evidence_report` → "evidence report". */
const words = (entity: string): string => entity.replaceAll('_', ' ');

export const CommonErrors = {
  /** `not_found.<entity>`; the English message names the entity and its `id` unless given. */
  notFound: <E extends MissingEntity>(entity: E, ...[params, message]: NotFoundArgs<E>) =>
    new AppError('not_found', message ?? `${words(entity)}${params && 'id' in params ? ` ${String(params.id)}` : ''} was not found`, { key: `not_found.${entity}`, params } as unknown as ErrorOptions<`not_found.${E}`>),
  unauthenticated: () => new AppError('unauthenticated', 'sign in or send an API token to do this', { key: 'unauthenticated' }),
  forbidden: <K extends ErrorKey>(message: string, options: ErrorOptions<K>) => new AppError('forbidden', message, options),
  invalid: <K extends ErrorKey>(message: string, options: ErrorOptions<K>) => new AppError('invalid_input', message, options),
  conflict: <K extends ErrorKey>(message: string, options: ErrorOptions<K>) => new AppError('conflict', message, options),
};

type NotFoundKey<E extends string> = `not_found.${E}` & ErrorKey;
type NotFoundArgs<E extends string> = keyof ErrorKeys[NotFoundKey<E>] extends never
  ? [params?: ErrorKeys[NotFoundKey<E>], message?: string]
  : [params: ErrorKeys[NotFoundKey<E>], message?: string];

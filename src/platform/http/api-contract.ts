import { z } from 'zod';

/**
 * The shapes every route shares. Each schema named with `.meta({ id })` becomes one entry of the
 * OpenAPI document's `components.schemas`, so the web client's generated types carry that name.
 */

/** The parameters of a message key: values (ids, numbers, field paths, names), never English phrases. */
export const errorParamsSchema = z.record(z.string(), z.union([z.string(), z.number()])).meta({ id: 'ErrorParams' });

/** The body of every error answer (4xx and 5xx); `server.ts` declares it for every API route. */
export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string().describe('A code from a module’s list; the HTTP status follows from it (error-status.ts).'),
      message: z.string().describe('English, for logs, scripts and the CLI.'),
      key: z.string().optional().describe('The message key the web client says in the reader’s language, with its parameters.'),
      params: errorParamsSchema.optional(),
      details: z.unknown().optional().describe('Anything else a client may use (e.g. each bad field of an `invalid_input`).'),
    }),
  })
  .meta({ id: 'ErrorBody', description: 'What went wrong: a code, an English message and a translatable key with parameters.' });
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** A warning that did not stop the work, said like an error: a key with parameters, and English. */
export const noticeSchema = z
  .object({ key: z.string(), params: errorParamsSchema, message: z.string().describe('English, for logs, scripts and the CLI.') })
  .meta({ id: 'Notice' });

/** `{ ok: true }`: the answer of actions that have nothing else to say. */
export const okSchema = z.object({ ok: z.literal(true) }).meta({ id: 'Ok' });
export const OK = { ok: true } as const satisfies z.infer<typeof okSchema>;

/** `{ items: [...] }`: the envelope of plain lists. */
export const itemsOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });

/**
 * A response that is not JSON (a file, a tile, plain text), documented by its media types. It is
 * never serialised (routes send buffers, streams or text), so it is plain OpenAPI, not zod.
 */
export function mediaResponse(description: string, mediaTypes: readonly string[], kind: 'binary' | 'text' = 'binary') {
  const schema = kind === 'binary' ? { type: 'string', format: 'binary' } : { type: 'string' };
  return { description, content: Object.fromEntries(mediaTypes.map((type) => [type, { schema }])) };
}

import { z } from 'zod';
import type { App } from '../app.js';
import { requireRole, requireUser } from '../platform/http/auth.js';
import type { Api } from '../platform/http/routes.js';

const tags = ['collections'];
const langMap = z.record(z.string(), z.string().max(2000));

/** Nested collections. */
export function collectionRoutes(api: Api, app: App): void {
  api.get('/collections', { schema: { tags } }, async (request) => ({ items: await app.collections.list(request.actor) }));

  api.get('/collections/:id', { schema: { tags, params: z.object({ id: z.string().max(64) }) } }, async (request) => app.collections.get(request.actor, request.params.id));

  api.post(
    '/collections',
    {
      preValidation: requireUser,
      preHandler: requireRole('admin', 'curator'),
      schema: { tags, body: z.object({ name: langMap, description: langMap.nullable().optional(), parentId: z.string().max(64).nullable().optional(), visibility: z.enum(['private', 'public']).optional() }) },
    },
    async (request, reply) => reply.status(201).send(await app.collections.create(request.actor, request.body)),
  );

  api.patch(
    '/collections/:id',
    {
      preValidation: requireUser,
      preHandler: requireRole('admin', 'curator'),
      schema: {
        tags,
        params: z.object({ id: z.string().max(64) }),
        body: z.object({ name: langMap.optional(), description: langMap.nullable().optional(), parentId: z.string().max(64).nullable().optional(), visibility: z.enum(['private', 'public']).optional() }),
      },
    },
    async (request) => app.collections.update(request.actor, request.params.id, request.body),
  );
}

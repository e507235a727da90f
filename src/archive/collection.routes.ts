import { z } from 'zod';
import { requireRole, requireUser } from '../govern/http-auth.js';
import type { Api } from '../platform/http/api.js';
import { itemsOf } from '../platform/http/api-contract.js';
import { collectionSchema } from './collection.contract.js';
import type { CollectionService } from './collection.service.js';
import { downloadPolicySchema, visibilitySchema } from './work.contract.js';

const tags = ['collections'];
const langMap = z.record(z.string(), z.string().max(2000));
const openToContributions = z.boolean().describe('Let creators file their own works into this collection (default: only admins, curators and the owner).');

/** Nested collections. */
export function collectionRoutes(api: Api, deps: { collections: CollectionService }): void {
  const { collections } = deps;
  api.get('/collections', { schema: { tags, response: { 200: itemsOf(collectionSchema) } } }, async (request) => ({ items: await collections.list(request.actor) }));

  api.get('/collections/:id', { schema: { tags, params: z.object({ id: z.string().max(64) }), response: { 200: collectionSchema } } }, async (request) => collections.get(request.actor, request.params.id));

  api.post(
    '/collections',
    {
      preValidation: requireUser,
      preHandler: requireRole('admin', 'curator'),
      schema: { tags, body: z.object({ name: langMap, description: langMap.nullable().optional(), parentId: z.string().max(64).nullable().optional(), visibility: visibilitySchema.optional(), openToContributions: openToContributions.optional() }), response: { 201: collectionSchema } },
    },
    async (request, reply) => reply.status(201).send(await collections.create(request.actor, request.body)),
  );

  api.patch(
    '/collections/:id',
    {
      preValidation: requireUser,
      preHandler: requireRole('admin', 'curator'),
      schema: {
        tags,
        params: z.object({ id: z.string().max(64) }),
        body: z.object({
          name: langMap.optional(),
          description: langMap.nullable().optional(),
          parentId: z.string().max(64).nullable().optional(),
          visibility: visibilitySchema.optional(),
          downloadPolicy: downloadPolicySchema.nullable().optional().describe('What visitors may download of the works inside: master, display (the watermarked display copy), none; null follows each work’s rights'),
          openToContributions: openToContributions.optional(),
        }),
        response: { 200: collectionSchema },
      },
    },
    async (request) => collections.update(request.actor, request.params.id, request.body),
  );
}

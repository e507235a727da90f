import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requireUser } from '../govern/http-auth.js';
import type { Api } from '../platform/http/api.js';
import type { DownloadPolicyService } from './download-policy.js';
import { itemsOf } from '../platform/http/api-contract.js';
import { type WorkReview, downloadPolicySchema, visibilitySchema, workDetailSchema, workEventSchema, workVersionDetailSchema, workVersionSchema } from './work.contract.js';
import { presentWork, type IiifLinks } from './work.presenter.js';

/** Makes a work's IIIF links (the publish module plugs it in); `origin` stands in while no public URL is set. */
export type IiifLinkSource = (workId: string, origin: string) => Promise<IiifLinks>;
/** Where a work stands in review (the review module plugs it in); asked only for those who manage the work. */
export type ReviewStatusSource = (workId: string) => Promise<WorkReview | null>;
import type { WorkService } from './work.service.js';

const tags = ['works'];
const idParams = z.object({ id: z.string().min(1).max(64) });
const visibility = visibilitySchema;
// The metadata schema is enforced by the service (it names every bad field); the route keeps it open.
const metadataInput = z.record(z.string(), z.unknown()).describe('Work metadata; see WorkMetadata in docs/metadata.md');

/** Reading, describing, versioning and restoring works. */
export function workRoutes(api: Api, deps: { works: WorkService; downloads: DownloadPolicyService; iiifLinks: () => IiifLinkSource | null; reviewStatus?: () => ReviewStatusSource | null }): void {
  const { works, downloads } = deps;
  const detail = async (request: FastifyRequest, id: string) => {
    const { work, files, derivatives, canEdit } = await works.withFiles(request.actor, id);
    const iiif = (await deps.iiifLinks()?.(work.id, `${request.protocol}://${request.host}`)) ?? null;
    const source = canEdit ? (deps.reviewStatus?.() ?? null) : null;
    const presented = presentWork(request.actor, work, files, derivatives, await downloads.forWork(work), iiif);
    return source ? { ...presented, review: await source(work.id) } : presented;
  };

  api.get('/works/:id', { schema: { tags, params: idParams, response: { 200: workDetailSchema } } }, async (request) => detail(request, request.params.id));

  api.post(
    '/works',
    {
      preValidation: requireUser,
      schema: { tags, body: z.object({ metadata: metadataInput, visibility: visibility.optional(), collectionId: z.string().max(64).nullable().optional() }), response: { 201: workDetailSchema } },
    },
    async (request, reply) => {
      // The service refuses an unknown or hidden collection (404) and one the actor may not file into (403).
      const work = await works.create(request.actor, {
        metadata: request.body.metadata as never,
        ...(request.body.visibility ? { visibility: request.body.visibility } : {}),
        collectionId: request.body.collectionId ?? null,
      });
      return reply.status(201).send(await detail(request, work.id));
    },
  );

  api.patch(
    '/works/:id',
    {
      preValidation: requireUser,
      schema: {
        tags,
        params: idParams,
        body: z.object({
          expectedVersion: z.number().int().positive(),
          metadata: metadataInput.optional(),
          visibility: visibility.optional(),
          collectionId: z.string().max(64).nullable().optional(),
          downloadPolicy: downloadPolicySchema.nullable().optional().describe('What visitors may download: master, display (the watermarked display copy), none; null follows the collection, then the rights'),
          note: z.string().max(500).optional(),
        }),
        response: { 200: workDetailSchema },
      },
    },
    async (request) => {
      const { expectedVersion, metadata, visibility: vis, collectionId, downloadPolicy, note } = request.body;
      await works.update(request.actor, request.params.id, {
        expectedVersion,
        ...(metadata ? { metadata: metadata as never } : {}),
        ...(vis ? { visibility: vis } : {}),
        ...(collectionId !== undefined ? { collectionId } : {}),
        ...(downloadPolicy !== undefined ? { downloadPolicy } : {}),
        ...(note ? { note } : {}),
      });
      return detail(request, request.params.id);
    },
  );

  api.get('/works/:id/versions', { preValidation: requireUser, schema: { tags, params: idParams, response: { 200: itemsOf(workVersionSchema) } } }, async (request) => ({
    items: await works.versions(request.actor, request.params.id),
  }));

  api.get(
    '/works/:id/versions/:version',
    { preValidation: requireUser, schema: { tags, params: idParams.extend({ version: z.coerce.number().int().positive() }), response: { 200: workVersionDetailSchema } } },
    async (request) => works.version(request.actor, request.params.id, request.params.version),
  );

  api.post(
    '/works/:id/restore',
    { preValidation: requireUser, schema: { tags, params: idParams, body: z.object({ version: z.number().int().positive(), expectedVersion: z.number().int().positive() }), response: { 200: workDetailSchema } } },
    async (request) => {
      await works.restore(request.actor, request.params.id, request.body.version, request.body.expectedVersion);
      return detail(request, request.params.id);
    },
  );

  api.get('/works/:id/events', { preValidation: requireUser, schema: { tags, params: idParams, response: { 200: itemsOf(workEventSchema) } } }, async (request) => ({
    items: await works.events(request.actor, request.params.id),
  }));
}

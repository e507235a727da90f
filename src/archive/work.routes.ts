import { z } from 'zod';
import type { App } from '../app.js';
import { requireUser } from '../platform/http/auth.js';
import type { Api } from '../platform/http/routes.js';
import { presentWork } from './work.presenter.js';

const tags = ['works'];
const idParams = z.object({ id: z.string().min(1).max(64) });
const visibility = z.enum(['private', 'public']);
// The metadata schema is enforced by the service (it names every bad field); the route keeps it open.
const metadataInput = z.record(z.string(), z.unknown()).describe('Work metadata; see WorkMetadata in docs/metadata.md');

/** Reading, describing, versioning and restoring works. */
export function workRoutes(api: Api, app: App): void {
  const detail = async (actor: Parameters<typeof presentWork>[0], id: string) => {
    const work = await app.works.get(actor, id);
    const files = await app.workRepository.filesOf([id]);
    const derivatives = await app.workRepository.derivativesOf(files.map((f) => f.sha256));
    return presentWork(actor, work, files, derivatives);
  };

  api.get('/works/:id', { schema: { tags, params: idParams } }, async (request) => detail(request.actor, request.params.id));

  api.post(
    '/works',
    {
      preValidation: requireUser,
      schema: { tags, body: z.object({ metadata: metadataInput, visibility: visibility.optional(), collectionId: z.string().max(64).nullable().optional() }) },
    },
    async (request, reply) => {
      // An unknown collection would otherwise fail the foreign key as a 500; a hidden one must not be guessable.
      if (request.body.collectionId) await app.collections.get(request.actor, request.body.collectionId);
      const work = await app.works.create(request.actor, {
        metadata: request.body.metadata as never,
        ...(request.body.visibility ? { visibility: request.body.visibility } : {}),
        collectionId: request.body.collectionId ?? null,
      });
      return reply.status(201).send(await detail(request.actor, work.id));
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
          note: z.string().max(500).optional(),
        }),
      },
    },
    async (request) => {
      const { expectedVersion, metadata, visibility: vis, collectionId, note } = request.body;
      if (collectionId) await app.collections.get(request.actor, collectionId);
      await app.works.update(request.actor, request.params.id, {
        expectedVersion,
        ...(metadata ? { metadata: metadata as never } : {}),
        ...(vis ? { visibility: vis } : {}),
        ...(collectionId !== undefined ? { collectionId } : {}),
        ...(note ? { note } : {}),
      });
      return detail(request.actor, request.params.id);
    },
  );

  api.get('/works/:id/versions', { preValidation: requireUser, schema: { tags, params: idParams } }, async (request) => ({
    items: await app.works.versions(request.actor, request.params.id),
  }));

  api.get(
    '/works/:id/versions/:version',
    { preValidation: requireUser, schema: { tags, params: idParams.extend({ version: z.coerce.number().int().positive() }) } },
    async (request) => app.works.version(request.actor, request.params.id, request.params.version),
  );

  api.post(
    '/works/:id/restore',
    { preValidation: requireUser, schema: { tags, params: idParams, body: z.object({ version: z.number().int().positive(), expectedVersion: z.number().int().positive() }) } },
    async (request) => {
      await app.works.restore(request.actor, request.params.id, request.body.version, request.body.expectedVersion);
      return detail(request.actor, request.params.id);
    },
  );

  api.get('/works/:id/events', { preValidation: requireUser, schema: { tags, params: idParams } }, async (request) => ({
    items: await app.works.events(request.actor, request.params.id),
  }));
}

import { auditActor, type AuditRecorder } from '../govern/audit.service.js';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requireRole, requireUser } from '../govern/http-auth.js';
import { AppError, CommonErrors } from '../platform/errors.js';
import type { Api } from '../platform/http/api.js';
import { mediaResponse } from '../platform/http/api-contract.js';
import { instanceChangesSchema, instanceIdentitySchema, instanceSettingsSchema } from './instance.contract.js';
import { LOGO_MAX_BYTES, type InstanceService } from './instance.service.js';

const tags = ['instance'];
// A per-call option of @fastify/multipart that its type for file() leaves out.
const LOGO_UPLOAD = { limits: { fileSize: LOGO_MAX_BYTES, files: 1 }, throwFileSizeLimit: false } as Parameters<FastifyRequest['file']>[0];

/** The first file of a multipart upload, whole; refuses more than the logo limit. */
async function uploadedLogo(request: FastifyRequest): Promise<Buffer> {
  if (!request.isMultipart()) throw new AppError('unsupported_media', 'send the logo as multipart/form-data', { key: 'unsupported_media.request' });
  const part = await request.file(LOGO_UPLOAD);
  if (!part) throw CommonErrors.invalid('no file in the upload; send the logo image as the `file` field', { key: 'instance.logo_missing' });
  const chunks: Buffer[] = [];
  for await (const chunk of part.file) chunks.push(chunk as Buffer);
  if (part.file.truncated) throw CommonErrors.invalid(`the logo is larger than ${LOGO_MAX_BYTES} bytes`, { key: 'instance.logo_too_large', params: { max: LOGO_MAX_BYTES } });
  return Buffer.concat(chunks);
}

/** The instance's public identity, its logo, and (for admins) setup and later changes. */
export function instanceRoutes(api: Api, deps: { instance: InstanceService; audit?: AuditRecorder }): void {
  const { instance } = deps;
  // Awaited: a settings change nobody can trace is worse than a retried save.
  const recordChange = async (request: FastifyRequest, fields: string[]) =>
    deps.audit?.record({ actor: auditActor(request.actor), action: 'settings.change', target: { type: 'instance', id: 'instance' }, details: { fields: fields.join(',') }, ip: request.ip });
  const admin = requireRole('admin');

  api.get(
    '/instance',
    { schema: { tags, description: 'The institution’s name, public URL and logo, and whether setup is done. Public.', response: { 200: instanceIdentitySchema } } },
    async () => instance.identity(),
  );

  api.get(
    '/instance/settings',
    { preValidation: requireUser, preHandler: admin, schema: { tags, description: 'The identity with the registry origin and what may still change (admins).', response: { 200: instanceSettingsSchema } } },
    async () => instance.settings(),
  );

  api.put(
    '/instance',
    {
      preValidation: requireUser,
      preHandler: admin,
      schema: {
        tags,
        body: instanceChangesSchema,
        description: 'Set the institution’s name, the public URL and the registry origin (admins). The first complete save finishes setup; the origin cannot change once the log key exists (409 instance.registry_origin_fixed).',
        response: { 200: instanceSettingsSchema },
      },
    },
    async (request) => {
      const settings = await instance.configure(request.body);
      await recordChange(request, Object.keys(request.body).sort());
      return settings;
    },
  );

  api.put(
    '/instance/logo',
    {
      preValidation: requireUser,
      preHandler: admin,
      schema: { tags, description: `Replace the logo (admins): one PNG, JPEG or WebP image of at most ${LOGO_MAX_BYTES} bytes, as the multipart field \`file\`.`, response: { 200: instanceSettingsSchema } },
    },
    async (request) => {
      const settings = await instance.setLogo(await uploadedLogo(request));
      await recordChange(request, ['logo']);
      return settings;
    },
  );

  api.delete(
    '/instance/logo',
    { preValidation: requireUser, preHandler: admin, schema: { tags, description: 'Remove the logo (admins).', response: { 200: instanceSettingsSchema } } },
    async (request) => {
      const settings = await instance.removeLogo();
      await recordChange(request, ['logo']);
      return settings;
    },
  );

  api.get(
    '/instance/logo',
    {
      schema: {
        tags,
        querystring: z.object({ v: z.string().regex(/^[0-9a-f]{1,64}$/, 'must be the version in the logo URL').optional() }),
        description: 'The logo image. Public; with the version from `logoUrl` it may be cached for good.',
        response: { 200: mediaResponse('The logo.', ['image/png', 'image/jpeg', 'image/webp']) },
      },
    },
    async (request, reply) => {
      const logo = await instance.logo();
      const current = request.query.v !== undefined && logo.sha256.startsWith(request.query.v);
      reply.header('cache-control', current ? 'public, max-age=31536000, immutable' : 'public, max-age=300');
      reply.header('content-length', String(logo.size));
      return reply.type(logo.mediaType).send(logo.open());
    },
  );
}

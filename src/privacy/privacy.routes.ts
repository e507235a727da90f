import { z } from 'zod';
import { auditActor } from '../govern/audit.service.js';
import { requireRole, requireUser, SESSION_COOKIE } from '../govern/http-auth.js';
import type { Actor } from '../govern/roles.js';
import { AppError, CommonErrors } from '../platform/errors.js';
import { itemsOf, mediaResponse } from '../platform/http/api-contract.js';
import type { Api } from '../platform/http/api.js';
import type { ConsentService } from './consent.service.js';
import type { ErasureService } from './erasure.service.js';
import type { ExportService } from './export.service.js';
import {
  consentsInputSchema,
  consentsSchema,
  erasureInputSchema,
  erasureSchema,
  erasureStateSchema,
  personalExportSchema,
  privacyNoticeSchema,
  noticeInputSchema,
  privacySettingsInputSchema,
  privacySettingsSchema,
  retentionReportSchema,
} from './privacy.contract.js';
import type { RetentionService } from './retention.service.js';

const tags = ['privacy'];
const idParams = z.object({ id: z.string().min(1).max(64) });
const admins = requireRole('admin');

export interface PrivacyRouteDeps {
  consents: ConsentService;
  exports: ExportService;
  erasure: ErasureService;
  retention: RetentionService;
  passwordMatches: (userId: string, password: string) => Promise<boolean>;
}

function userId(actor: Actor): string {
  if (actor.kind !== 'user') throw CommonErrors.unauthenticated();
  return actor.id;
}

/** The privacy notice, one's consents, "export my data", "erase me", and the admins' privacy settings. */
export function privacyRoutes(api: Api, deps: PrivacyRouteDeps): void {
  const { consents, exports, erasure, retention } = deps;
  const checkPassword = async (id: string, password: string) => {
    if (!(await deps.passwordMatches(id, password))) throw CommonErrors.forbidden('the password is not right', { key: 'privacy.password_wrong' });
  };

  api.get('/privacy/notice', { schema: { tags, description: 'The privacy notice in force: its version and text per language (null: the built-in text).', response: { 200: privacyNoticeSchema } } }, async () => consents.notice());

  api.put(
    '/privacy/notice',
    { preValidation: requireUser, preHandler: admins, schema: { tags, body: noticeInputSchema, description: 'Publishes a new version of the notice (admins). Everyone’s consents given under older versions are asked again.', response: { 200: privacyNoticeSchema } } },
    async (request) => consents.publishNotice(userId(request.actor), request.body.text),
  );

  api.get('/privacy/consents', { preValidation: requireUser, schema: { tags, description: 'Your decision for each purpose, when, and under which notice version.', response: { 200: consentsSchema } } }, async (request) => consents.states(request.actor));

  api.put(
    '/privacy/consents',
    {
      preValidation: requireUser,
      schema: { tags, body: consentsInputSchema, description: 'Records your decisions under the notice version you read (409 privacy.notice_changed when a newer one is in force). Only ever your own: there is no way to name another person.', response: { 200: consentsSchema } },
    },
    async (request) => consents.decide(request.actor, request.body.noticeVersion, request.body.consents, request.ip),
  );

  api.get('/privacy/exports', { preValidation: requireUser, schema: { tags, description: 'Your data exports, newest first.', response: { 200: itemsOf(personalExportSchema) } } }, async (request) => ({ items: await exports.list(userId(request.actor)) }));

  api.post(
    '/privacy/exports',
    { preValidation: requireUser, schema: { tags, description: 'Starts an export of everything about you (a zip, made in the background). 409 privacy.export_running while one is being made.', response: { 202: personalExportSchema } } },
    async (request, reply) => reply.code(202).send(await exports.request(userId(request.actor), userId(request.actor))),
  );

  api.get(
    '/privacy/exports/:id/download',
    {
      preValidation: requireUser,
      schema: { tags, params: idParams, description: 'The zip, once: afterwards 410 privacy.export_downloaded; after seven days 410 privacy.export_expired.', response: { 200: mediaResponse('The export as a zip.', ['application/zip']) } },
    },
    async (request, reply) => {
      const file = await exports.download(userId(request.actor), request.params.id);
      reply.type('application/zip').header('content-length', String(file.bytes)).header('cache-control', 'private, no-store').header('content-disposition', `attachment; filename="${file.fileName}"`);
      return reply.send(file.stream);
    },
  );

  api.get('/privacy/erasure', { preValidation: requireUser, schema: { tags, description: 'What erasing your account would do with your works, and an erasure under way.', response: { 200: erasureStateSchema } } }, async (request) => ({
    worksPolicy: await retention.worksPolicy(),
    erasure: await erasure.status(userId(request.actor)),
  }));

  api.post(
    '/privacy/erasure',
    {
      preValidation: requireUser,
      schema: {
        tags,
        body: erasureInputSchema,
        description: 'Erases your account (password again). Signs you out everywhere at once; the rest runs in the background. 409 privacy.last_admin for the only active admin, privacy.erasure_running when asked twice.',
        response: { 202: erasureSchema },
      },
    },
    async (request, reply) => {
      const id = userId(request.actor);
      await checkPassword(id, request.body.password);
      const started = await erasure.request(id, id, request.ip);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(202).send(started);
    },
  );

  api.post(
    '/privacy/users/:id/erasure',
    { preValidation: requireUser, preHandler: admins, schema: { tags, params: idParams, body: erasureInputSchema, description: 'Erases another account (admins; the admin’s own password again).', response: { 202: erasureSchema } } },
    async (request, reply) => {
      const id = userId(request.actor);
      await checkPassword(id, request.body.password);
      if (request.params.id === id) throw new AppError('invalid_input', 'erase your own account from your account page', { key: 'privacy.own_account' });
      return reply.code(202).send(await erasure.request(request.params.id, auditActor(request.actor), request.ip));
    },
  );

  api.get('/privacy/settings', { preValidation: requireUser, preHandler: admins, schema: { tags, description: 'Retention periods, the erased person’s works policy, and the last retention run (admins).', response: { 200: privacySettingsSchema } } }, async () => retention.settings());

  api.put(
    '/privacy/settings',
    { preValidation: requireUser, preHandler: admins, schema: { tags, body: privacySettingsInputSchema, description: 'Changes retention periods or the works policy (admins).', response: { 200: privacySettingsSchema } } },
    async (request) => retention.update(userId(request.actor), request.body),
  );

  api.post('/privacy/retention/run', { preValidation: requireUser, preHandler: admins, schema: { tags, description: 'Applies the retention rules now (admins; a background job does it daily).', response: { 200: retentionReportSchema } } }, async () => retention.run());
}

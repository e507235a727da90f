import { z } from 'zod';
import { requireRole, requireUser, setSessionCookie, SESSION_COOKIE } from './http-auth.js';
import type { Api } from '../platform/http/api.js';
import { AppError, CommonErrors } from '../platform/errors.js';
import { itemsOf, OK, okSchema } from '../platform/http/api-contract.js';
import { apiTokenSchema, newApiTokenSchema, roleSchema, userSchema } from './identity.contract.js';
import type { IdentityService } from './identity.service.js';

const tags = ['accounts'];

/** Sign-in, sessions, API tokens and (for admins) user management. */
export function identityRoutes(api: Api, deps: { identity: IdentityService; secureCookies: boolean }): void {
  const { identity } = deps;

  api.post(
    '/auth/login',
    {
      schema: { tags, body: z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) }), response: { 200: z.object({ user: userSchema }) } },
    },
    async (request, reply) => {
      try {
        const { token, user, expiresAt } = await identity.login(request.body.username, request.body.password, { ip: request.ip });
        setSessionCookie(reply, token, expiresAt, deps.secureCookies);
        return { user };
      } catch (error) {
        if (error instanceof AppError && error.code === 'rate_limited' && typeof error.params?.retryAfterSeconds === 'number') reply.header('retry-after', String(error.params.retryAfterSeconds));
        throw error;
      }
    },
  );

  api.post('/auth/logout', { schema: { tags, response: { 200: okSchema } } }, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) await identity.logout(token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return OK;
  });

  api.get('/auth/me', { schema: { tags, response: { 200: z.object({ user: userSchema.nullable() }) } } }, async (request) => {
    if (request.actor.kind !== 'user') return { user: null };
    return { user: await identity.getUser(request.actor.id) };
  });

  api.post(
    '/auth/password',
    { preValidation: requireUser, schema: { tags, body: z.object({ current: z.string().max(1024), next: z.string().max(1024) }), response: { 200: okSchema } } },
    async (request) => {
      if (request.actor.kind !== 'user') throw CommonErrors.unauthenticated();
      await identity.changePassword(request.actor.id, request.body.current, request.body.next);
      return OK;
    },
  );

  api.get('/auth/tokens', { preValidation: requireUser, schema: { tags, response: { 200: itemsOf(apiTokenSchema) } } }, async (request) => {
    if (request.actor.kind !== 'user') throw CommonErrors.unauthenticated();
    return { items: await identity.listApiTokens(request.actor.id) };
  });

  api.post(
    '/auth/tokens',
    { preValidation: requireUser, schema: { tags, body: z.object({ name: z.string().min(1).max(100) }), response: { 200: newApiTokenSchema } } },
    async (request) => {
      if (request.actor.kind !== 'user') throw CommonErrors.unauthenticated();
      return identity.createApiToken(request.actor.id, request.body.name);
    },
  );

  api.delete('/auth/tokens/:id', { preValidation: requireUser, schema: { tags, params: z.object({ id: z.string().max(64) }), response: { 200: okSchema } } }, async (request) => {
    if (request.actor.kind !== 'user') throw CommonErrors.unauthenticated();
    await identity.revokeApiToken(request.actor.id, request.params.id);
    return OK;
  });

  api.get('/users', { preValidation: requireUser, preHandler: requireRole('admin'), schema: { tags, response: { 200: itemsOf(userSchema) } } }, async () => ({
    items: await identity.listUsers(),
  }));

  api.post(
    '/users',
    {
      preValidation: requireUser,
      preHandler: requireRole('admin'),
      schema: {
        tags,
        body: z.object({ username: z.string().min(2).max(64), password: z.string().max(1024), role: roleSchema, displayName: z.string().max(200).optional() }),
        response: { 201: userSchema },
      },
    },
    async (request, reply) => {
      const user = await identity.createUser(request.body);
      return reply.status(201).send(user);
    },
  );

  api.patch(
    '/users/:id',
    {
      preValidation: requireUser,
      preHandler: requireRole('admin'),
      schema: {
        tags,
        params: z.object({ id: z.string().max(64) }),
        body: z.object({
          role: roleSchema.optional(),
          disabled: z.boolean().optional(),
          displayName: z.string().min(1).max(200).optional(),
          password: z.string().max(1024).optional().describe('sets a new password and signs the user out everywhere'),
        }),
        response: { 200: userSchema },
      },
    },
    async (request) => identity.updateUser(request.params.id, request.body),
  );
}

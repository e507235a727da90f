import { z } from 'zod';
import type { App } from '../app.js';
import { requireRole, requireUser, setSessionCookie, SESSION_COOKIE } from '../platform/http/auth.js';
import type { Api } from '../platform/http/routes.js';
import { AppError } from '../platform/errors.js';
import { LoginThrottle } from './login-throttle.js';
import { ROLES } from './roles.js';

const userSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  disabled: z.boolean(),
  preferredLang: z.string().nullable(),
  createdAt: z.string(),
});
const tags = ['accounts'];

/** Sign-in, sessions, API tokens and (for admins) user management. */
export function identityRoutes(api: Api, app: App): void {
  const throttle = new LoginThrottle();

  api.post(
    '/auth/login',
    {
      schema: { tags, body: z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) }), response: { 200: z.object({ user: userSchema }) } },
    },
    async (request, reply) => {
      const userKey = `user:${request.body.username.trim().toLowerCase()}`;
      const keys = [userKey, `ip:${request.ip}`];
      const wait = throttle.retryAfterSeconds(keys);
      if (wait > 0) {
        reply.header('retry-after', String(wait));
        throw new AppError('rate_limited', `too many failed sign-ins; try again in ${Math.ceil(wait / 60)} minute(s)`);
      }
      try {
        const { token, user, expiresAt } = await app.identity.login(request.body.username, request.body.password);
        throttle.reset(userKey);
        setSessionCookie(reply, token, expiresAt, app.config.secureCookies);
        return { user };
      } catch (error) {
        if (error instanceof AppError && error.code === 'bad_credentials') throttle.recordFailure(keys);
        throw error;
      }
    },
  );

  api.post('/auth/logout', { schema: { tags } }, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) await app.identity.logout(token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true };
  });

  api.get('/auth/me', { schema: { tags, response: { 200: z.object({ user: userSchema.nullable() }) } } }, async (request) => {
    if (request.actor.kind !== 'user') return { user: null };
    return { user: await app.identity.getUser(request.actor.id) };
  });

  api.post(
    '/auth/password',
    { preValidation: requireUser, schema: { tags, body: z.object({ current: z.string().max(1024), next: z.string().max(1024) }) } },
    async (request) => {
      if (request.actor.kind !== 'user') return;
      await app.identity.changePassword(request.actor.id, request.body.current, request.body.next);
      return { ok: true };
    },
  );

  api.get('/auth/tokens', { preValidation: requireUser, schema: { tags } }, async (request) => {
    if (request.actor.kind !== 'user') return;
    return { items: await app.identity.listApiTokens(request.actor.id) };
  });

  api.post(
    '/auth/tokens',
    { preValidation: requireUser, schema: { tags, body: z.object({ name: z.string().min(1).max(100) }), response: { 200: z.object({ id: z.string(), token: z.string() }) } } },
    async (request) => {
      if (request.actor.kind !== 'user') throw new Error('unreachable');
      return app.identity.createApiToken(request.actor.id, request.body.name);
    },
  );

  api.delete('/auth/tokens/:id', { preValidation: requireUser, schema: { tags, params: z.object({ id: z.string().max(64) }) } }, async (request) => {
    if (request.actor.kind !== 'user') return;
    await app.identity.revokeApiToken(request.actor.id, request.params.id);
    return { ok: true };
  });

  api.get('/users', { preValidation: requireUser, preHandler: requireRole('admin'), schema: { tags, response: { 200: z.object({ items: z.array(userSchema) }) } } }, async () => ({
    items: await app.identity.listUsers(),
  }));

  api.post(
    '/users',
    {
      preValidation: requireUser,
      preHandler: requireRole('admin'),
      schema: {
        tags,
        body: z.object({ username: z.string().min(2).max(64), password: z.string().max(1024), role: z.enum(ROLES), displayName: z.string().max(200).optional() }),
        response: { 201: userSchema },
      },
    },
    async (request, reply) => {
      const user = await app.identity.createUser(request.body);
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
          role: z.enum(ROLES).optional(),
          disabled: z.boolean().optional(),
          displayName: z.string().min(1).max(200).optional(),
          password: z.string().max(1024).optional().describe('sets a new password and signs the user out everywhere'),
        }),
        response: { 200: userSchema },
      },
    },
    async (request) => app.identity.updateUser(request.params.id, request.body),
  );
}

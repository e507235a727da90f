import { z } from 'zod';
import { requireRole, requireUser, setSessionCookie, SESSION_COOKIE } from './http-auth.js';
import type { Api } from '../platform/http/api.js';
import { AppError, CommonErrors } from '../platform/errors.js';
import { itemsOf, OK, okSchema } from '../platform/http/api-contract.js';
import { apiTokenSchema, countrySchema, newApiTokenSchema, roleSchema, userSchema } from './identity.contract.js';
import type { IdentityService } from './identity.service.js';
import { mfaChallengeSchema } from './two-factor.contract.js';
import { auditActor, type AuditRecorder } from './audit.service.js';

const tags = ['accounts'];

/** Sign-in, sessions, API tokens and (for admins) user management. */
export function identityRoutes(api: Api, deps: { identity: IdentityService; secureCookies: boolean; audit?: AuditRecorder }): void {
  const { identity } = deps;
  // Without a trail (tools, some tests) nothing is recorded.
  const audit: AuditRecorder = deps.audit ?? { record: async () => undefined, note: () => undefined };

  api.post(
    '/auth/login',
    {
      schema: { tags, body: z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) }), response: { 200: z.union([z.object({ user: userSchema }), mfaChallengeSchema]) } },
    },
    async (request, reply) => {
      try {
        const result = await identity.login(request.body.username, request.body.password, { ip: request.ip, userAgent: request.headers['user-agent'] });
        // Two-factor on: no session yet; the client sends the challenge and a code to /auth/login/mfa.
        if ('challenge' in result) return { mfaRequired: true as const, challenge: result.challenge, factors: result.factors };
        const { token, user, expiresAt } = result;
        // Awaited before the cookie is set: a session nobody recorded is never handed out.
        await audit.record({ actor: user.id, action: 'auth.sign_in', target: { type: 'user', id: user.id }, ip: request.ip });
        setSessionCookie(reply, token, expiresAt, deps.secureCookies);
        return { user };
      } catch (error) {
        if (error instanceof AppError && (error.code === 'bad_credentials' || error.code === 'rate_limited')) {
          const known = await identity.findByUsername(request.body.username).catch(() => null);
          audit.note({ actor: 'anonymous', action: 'auth.sign_in_failed', target: { type: 'user', id: known?.id ?? '' }, outcome: 'failed', details: { reason: error.code }, ip: request.ip });
        }
        if (error instanceof AppError && error.code === 'rate_limited' && typeof error.params?.retryAfterSeconds === 'number') reply.header('retry-after', String(error.params.retryAfterSeconds));
        throw error;
      }
    },
  );

  api.post('/auth/logout', { schema: { tags, response: { 200: okSchema } } }, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) await identity.logout(token);
    if (request.actor.kind === 'user') audit.note({ actor: request.actor.id, action: 'auth.sign_out', target: { type: 'user', id: request.actor.id }, ip: request.ip });
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return OK;
  });

  api.get('/auth/me', { schema: { tags, response: { 200: z.object({ user: userSchema.nullable() }) } } }, async (request) => {
    if (request.actor.kind !== 'user') return { user: null };
    return { user: await identity.getUser(request.actor.id) };
  });

  // Where a person is (a licensee, a partner): cross-border transfer rules check it before a licensed copy leaves.
  api.put(
    '/auth/country',
    { preValidation: requireUser, schema: { tags, body: z.object({ country: countrySchema.nullable() }), response: { 200: userSchema } } },
    async (request) => {
      if (request.actor.kind !== 'user') throw CommonErrors.unauthenticated();
      return identity.updateUser(request.actor.id, { country: request.body.country });
    },
  );

  api.post(
    '/auth/password',
    { preValidation: requireUser, schema: { tags, body: z.object({ current: z.string().max(1024), next: z.string().max(1024) }), response: { 200: okSchema } } },
    async (request) => {
      if (request.actor.kind !== 'user') throw CommonErrors.unauthenticated();
      // The session asking stays signed in; every other one of the account ends.
      await identity.changePassword(request.actor.id, request.body.current, request.body.next, request.authVia === 'session' ? request.cookies[SESSION_COOKIE] : undefined);
      await audit.record({ actor: request.actor.id, action: 'auth.password_change', target: { type: 'user', id: request.actor.id }, ip: request.ip });
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
      const created = await identity.createApiToken(request.actor.id, request.body.name);
      // Awaited: if the record fails the secret is never shown, so the token cannot be used.
      await audit.record({ actor: request.actor.id, action: 'token.create', target: { type: 'api_token', id: created.id }, ip: request.ip });
      return created;
    },
  );

  api.delete('/auth/tokens/:id', { preValidation: requireUser, schema: { tags, params: z.object({ id: z.string().max(64) }), response: { 200: okSchema } } }, async (request) => {
    if (request.actor.kind !== 'user') throw CommonErrors.unauthenticated();
    await identity.revokeApiToken(request.actor.id, request.params.id);
    audit.note({ actor: request.actor.id, action: 'token.revoke', target: { type: 'api_token', id: request.params.id }, ip: request.ip });
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
      await audit.record({ actor: auditActor(request.actor), action: 'user.create', target: { type: 'user', id: user.id }, details: { role: user.role }, ip: request.ip });
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
          country: countrySchema.nullable().optional().describe('where the account is (ISO 3166-1 alpha-2); null clears it'),
        }),
        response: { 200: userSchema },
      },
    },
    async (request) => {
      const before = await identity.getUser(request.params.id);
      const user = await identity.updateUser(request.params.id, request.body);
      const target = { type: 'user', id: user.id };
      const actor = auditActor(request.actor);
      // Awaited: a change of power that went unrecorded is worse than an admin seeing an error and retrying.
      if (user.role !== before.role) await audit.record({ actor, action: 'user.role_change', target, details: { from: before.role, to: user.role }, ip: request.ip });
      if (user.disabled !== before.disabled) await audit.record({ actor, action: user.disabled ? 'user.disable' : 'user.enable', target, ip: request.ip });
      if (request.body.password !== undefined) await audit.record({ actor, action: 'auth.password_change', target, details: { by: 'admin' }, ip: request.ip });
      return user;
    },
  );
}

import { z } from 'zod';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { requireRole, requireUser, setSessionCookie } from './http-auth.js';
import type { Api } from '../platform/http/api.js';
import { AppError, CommonErrors } from '../platform/errors.js';
import { itemsOf, OK, okSchema } from '../platform/http/api-contract.js';
import { userSchema } from './identity.contract.js';
import type { IdentityService } from './identity.service.js';
import { resetSecondFactors } from './second-factor-reset.js';
import { auditActor, type AuditRecorder } from './audit.service.js';
import { passkeyAuthenticationSchema, passkeyOptionsSchema, passkeyRegistrationSchema, passkeySchema } from './passkey.contract.js';
import { PASSKEY_NAME_MAX, type PasskeyService } from './passkey.service.js';
import type { SecondStepSignIn } from './second-step.service.js';
import type { TwoFactorService } from './two-factor.service.js';

const tags = ['accounts'];
const mfaChallenge = z.string().min(1).max(200);
const name = z.string().min(1).max(PASSKEY_NAME_MAX);
const PASSKEY_OPTIONS_PER_MINUTE = 30;

// The browser's JSON, checked field by field by the schema; the library's types are narrower strings.
const asRegistration = (body: z.infer<typeof passkeyRegistrationSchema>) => ({ ...body, clientExtensionResults: body.clientExtensionResults ?? {} }) as RegistrationResponseJSON;
const asAuthentication = (body: z.infer<typeof passkeyAuthenticationSchema>) => ({ ...body, clientExtensionResults: body.clientExtensionResults ?? {} }) as AuthenticationResponseJSON;

/** Passkeys: one's own (register, list, rename, remove), signing in with one, and the admins' reset of someone's second factors. */
export function passkeyRoutes(
  api: Api,
  deps: { identity: IdentityService; passkeys: PasskeyService; twoFactor: TwoFactorService; secondStep: SecondStepSignIn; secureCookies: boolean; audit?: AuditRecorder },
): void {
  const { identity, passkeys, twoFactor, secondStep } = deps;
  const audit: AuditRecorder = deps.audit ?? { record: async () => undefined, note: () => undefined };
  const me = (request: FastifyRequest) => {
    const actor = request.actor;
    if (actor.kind !== 'user') throw CommonErrors.unauthenticated();
    return actor;
  };
  // Refusals of a sign-in are noted in the trail like wrong passwords; throttled ones say when to come back.
  const noteFailure = (request: FastifyRequest, reply: FastifyReply, error: unknown) => {
    if (error instanceof AppError && (error.code === 'bad_credentials' || error.code === 'rate_limited')) {
      audit.note({ actor: 'anonymous', action: 'auth.sign_in_failed', target: { type: 'user', id: '' }, outcome: 'failed', details: { reason: error.key, factor: 'passkey' }, ip: request.ip });
    }
    if (error instanceof AppError && error.code === 'rate_limited' && typeof error.params?.retryAfterSeconds === 'number') reply.header('retry-after', String(error.params.retryAfterSeconds));
  };

  api.get('/account/passkeys', { preValidation: requireUser, schema: { tags, description: 'My passkeys.', response: { 200: itemsOf(passkeySchema) } } }, async (request) => ({
    items: await passkeys.list(me(request).id),
  }));

  api.post(
    '/account/passkeys/options',
    { preValidation: requireUser, schema: { tags, description: 'Start registering a passkey: the options for navigator.credentials.create (a single-use challenge, 5 minutes).', response: { 200: passkeyOptionsSchema } } },
    async (request) => {
      const user = await identity.getUser(me(request).id);
      return { options: { ...(await passkeys.registrationOptions({ id: user.id, username: user.username, displayName: user.displayName })) } };
    },
  );

  api.post(
    '/account/passkeys',
    {
      preValidation: requireUser,
      schema: { tags, description: "Finish registering a passkey with the browser's answer and a name for it.", body: z.object({ name, response: passkeyRegistrationSchema }), response: { 200: passkeySchema } },
    },
    async (request) => {
      const actor = me(request);
      const passkey = await passkeys.register(actor.id, request.body.name, asRegistration(request.body.response));
      // Awaited: a sign-in method nobody recorded must not be left in place unnoticed.
      await audit.record({ actor: actor.id, action: 'auth.passkey_add', target: { type: 'user', id: actor.id }, details: { passkey: passkey.id }, ip: request.ip });
      return passkey;
    },
  );

  api.patch(
    '/account/passkeys/:id',
    { preValidation: requireUser, schema: { tags, description: 'Rename one of my passkeys.', params: z.object({ id: z.string().max(64) }), body: z.object({ name }), response: { 200: passkeySchema } } },
    async (request) => passkeys.rename(me(request).id, request.params.id, request.body.name),
  );

  api.delete(
    '/account/passkeys/:id',
    {
      preValidation: requireUser,
      schema: { tags, description: 'Remove one of my passkeys (refused for the last second factor when the instance requires one for my role).', params: z.object({ id: z.string().max(64) }), response: { 200: okSchema } },
    },
    async (request) => {
      const actor = me(request);
      await passkeys.remove(actor.id, actor.role, request.params.id);
      await audit.record({ actor: actor.id, action: 'auth.passkey_remove', target: { type: 'user', id: actor.id }, details: { passkey: request.params.id }, ip: request.ip });
      return OK;
    },
  );

  api.post(
    '/auth/passkey/options',
    {
      // Anyone may ask, and each answer stores a challenge: a count of its own, tighter than the API's.
      config: { rateLimit: { max: PASSKEY_OPTIONS_PER_MINUTE, timeWindow: 60_000 } },
      schema: {
        tags,
        description: "Start signing in with a passkey: with `challenge` (from /auth/login), as the second step with one of that account's passkeys; without, passwordless with a discoverable passkey.",
        body: z.object({ challenge: mfaChallenge.nullish() }).nullish(),
        response: { 200: passkeyOptionsSchema },
      },
    },
    async (request) => {
      const challenge = request.body?.challenge;
      return { options: { ...(challenge ? await secondStep.passkeyOptions(challenge) : await passkeys.signInOptions(null)) } };
    },
  );

  api.post(
    '/auth/passkey',
    {
      schema: {
        tags,
        description: "Sign in with the browser's passkey answer: with `challenge`, as the second step after the password; without, passwordless.",
        body: z.object({ challenge: mfaChallenge.nullish(), response: passkeyAuthenticationSchema }),
        response: { 200: z.object({ user: userSchema }) },
      },
    },
    async (request, reply) => {
      const client = { ip: request.ip, userAgent: request.headers['user-agent'] };
      const challenge = request.body.challenge;
      const response = asAuthentication(request.body.response);
      try {
        const opened = challenge
          ? await secondStep.completeWithPasskey(challenge, response, client)
          : await secondStep.passwordless(response, client);
        const { token, user, expiresAt } = opened;
        // As for a password sign-in: recorded before the cookie is handed out.
        await audit.record({ actor: user.id, action: 'auth.sign_in', target: { type: 'user', id: user.id }, details: { factor: 'passkey', step: challenge ? 'second' : 'passwordless' }, ip: request.ip });
        setSessionCookie(reply, token, expiresAt, deps.secureCookies);
        return { user };
      } catch (error) {
        noteFailure(request, reply, error);
        throw error;
      }
    },
  );

  api.post(
    '/users/:id/two-factor/reset',
    {
      preValidation: requireUser,
      preHandler: requireRole('admin'),
      schema: {
        tags,
        description: "Reset someone's second factors after a lost device (admins, not their own): removes the authenticator app, recovery codes and passkeys, and signs them out everywhere.",
        params: z.object({ id: z.string().max(64) }),
        response: { 200: okSchema },
      },
    },
    async (request) => {
      const actor = me(request);
      const target = request.params.id;
      if (target === actor.id) throw CommonErrors.forbidden('you cannot reset your own two-factor sign-in; another admin can', { key: 'user.two_factor_reset_self' });
      await resetSecondFactors({ identity, twoFactor, passkeys }, target);
      await audit.record({ actor: auditActor(request.actor), action: 'auth.two_factor_reset', target: { type: 'user', id: target }, ip: request.ip });
      return OK;
    },
  );
}

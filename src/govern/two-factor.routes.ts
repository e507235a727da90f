import { z } from 'zod';
import { requireRole, requireUser, setSessionCookie, SESSION_COOKIE } from './http-auth.js';
import type { Api } from '../platform/http/api.js';
import { AppError, CommonErrors } from '../platform/errors.js';
import { itemsOf, OK, okSchema } from '../platform/http/api-contract.js';
import { userSchema } from './identity.contract.js';
import { accountSessionSchema, recoveryCodesSchema, totpEnrolmentSchema, twoFactorPolicySchema, twoFactorStatusSchema } from './two-factor.contract.js';
import type { IdentityService } from './identity.service.js';
import type { AuditRecorder } from './audit.service.js';
import type { SecondStepSignIn } from './second-step.service.js';
import type { SessionService } from './session.service.js';
import type { TwoFactorService } from './two-factor.service.js';

const tags = ['accounts'];

const code = z.string().regex(/^\s*\d{3}\s*\d{3}\s*$/, 'must be the 6 digits the app shows');
const recoveryCode = z.string().min(8).max(32);

/** Two-factor sign-in (second step, enrolment, turning off), one's own sessions, and the admins' rule of who must use two-factor. */
export function twoFactorRoutes(
  api: Api,
  deps: { identity: IdentityService; twoFactor: TwoFactorService; secondStep: SecondStepSignIn; sessions: SessionService; secureCookies: boolean; audit?: AuditRecorder; passkeys?: { hasPasskey(userId: string): Promise<boolean> } },
): void {
  const { identity, twoFactor, secondStep, sessions } = deps;
  const audit: AuditRecorder = deps.audit ?? { record: async () => undefined, note: () => undefined };
  const userId = (actor: { kind: string; id?: string }): string => {
    if (actor.kind !== 'user' || !actor.id) throw CommonErrors.unauthenticated();
    return actor.id;
  };

  api.post(
    '/auth/login/mfa',
    {
      schema: {
        tags,
        description: 'The second step of signing in when two-factor is on: the challenge from /auth/login and a code from the app, or a recovery code (used up).',
        body: z.union([z.object({ challenge: z.string().min(1).max(200), code }), z.object({ challenge: z.string().min(1).max(200), recoveryCode })]),
        response: { 200: z.object({ user: userSchema }) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const proof = 'code' in body ? { code: body.code } : { recoveryCode: body.recoveryCode };
      try {
        const { token, user, expiresAt } = await secondStep.complete(body.challenge, proof, { ip: request.ip, userAgent: request.headers['user-agent'] });
        // As for a password sign-in: recorded before the cookie is handed out.
        await audit.record({ actor: user.id, action: 'auth.sign_in', target: { type: 'user', id: user.id }, details: { factor: 'code' in body ? 'totp' : 'recovery_code' }, ip: request.ip });
        setSessionCookie(reply, token, expiresAt, deps.secureCookies);
        return { user };
      } catch (error) {
        if (error instanceof AppError && (error.code === 'bad_credentials' || error.code === 'rate_limited')) {
          audit.note({ actor: 'anonymous', action: 'auth.sign_in_failed', target: { type: 'user', id: '' }, outcome: 'failed', details: { reason: error.key }, ip: request.ip });
        }
        if (error instanceof AppError && error.code === 'rate_limited' && typeof error.params?.retryAfterSeconds === 'number') reply.header('retry-after', String(error.params.retryAfterSeconds));
        throw error;
      }
    },
  );

  api.get('/account/mfa', { preValidation: requireUser, schema: { tags, description: 'Whether two-factor sign-in is on, and whether the instance requires it of me.', response: { 200: twoFactorStatusSchema } } }, async (request) => {
    const id = userId(request.actor);
    const status = await twoFactor.status(id);
    const role = request.actor.kind === 'user' ? request.actor.role : null;
    return { ...status, required: role !== null && (await twoFactor.requiredRoles()).includes(role), hasPasskey: (await deps.passkeys?.hasPasskey(id)) ?? false };
  });

  api.post(
    '/account/mfa/totp',
    {
      preValidation: requireUser,
      schema: { tags, description: 'Start enrolling an authenticator app: the secret and its otpauth URI (for a QR code); pending until confirmed.', response: { 200: totpEnrolmentSchema } },
    },
    async (request) => {
      const id = userId(request.actor);
      return twoFactor.startEnrolment(id, request.actor.kind === 'user' ? request.actor.username : id);
    },
  );

  api.post(
    '/account/mfa/totp/confirm',
    {
      preValidation: requireUser,
      schema: { tags, description: 'Confirm enrolment with a first code; answers the 10 recovery codes, shown this once.', body: z.object({ code }), response: { 200: recoveryCodesSchema } },
    },
    async (request) => twoFactor.confirmEnrolment(userId(request.actor), request.body.code),
  );

  api.delete(
    '/account/mfa/totp',
    {
      preValidation: requireUser,
      schema: {
        tags,
        description: 'Turn two-factor sign-in off, proven with a current code or the password.',
        body: z.object({ code: code.optional(), password: z.string().max(1024).optional() }),
        response: { 200: okSchema },
      },
    },
    async (request) => {
      const id = userId(request.actor);
      const { code: typed, password } = request.body;
      if (typed !== undefined) await twoFactor.verify(id, { code: typed });
      else if (password !== undefined) {
        if (!(await identity.passwordMatches(id, password))) throw new AppError('bad_credentials', 'current password is wrong', { key: 'auth.current_password_wrong' });
      } else throw CommonErrors.invalid('send a current code or your password to turn two-factor sign-in off', { key: 'auth.mfa_proof_required' });
      await twoFactor.disable(id);
      return OK;
    },
  );

  api.get('/account/sessions', { preValidation: requireUser, schema: { tags, description: 'My browser sessions; `current` marks the one asking.', response: { 200: itemsOf(accountSessionSchema) } } }, async (request) => ({
    items: await sessions.list(userId(request.actor), request.authVia === 'session' ? (request.cookies[SESSION_COOKIE] ?? null) : null),
  }));

  api.delete(
    '/account/sessions/:id',
    { preValidation: requireUser, schema: { tags, description: 'Sign one of my sessions out.', params: z.object({ id: z.string().max(64) }), response: { 200: okSchema } } },
    async (request) => {
      await sessions.revoke(userId(request.actor), request.params.id);
      return OK;
    },
  );

  api.get(
    '/security/two-factor-policy',
    { preValidation: requireUser, preHandler: requireRole('admin'), schema: { tags, description: 'Which staff roles must use two-factor sign-in (admins).', response: { 200: twoFactorPolicySchema } } },
    async () => ({ roles: (await twoFactor.requiredRoles()).filter((r): r is 'admin' | 'curator' => r === 'admin' || r === 'curator') }),
  );

  api.put(
    '/security/two-factor-policy',
    {
      preValidation: requireUser,
      preHandler: requireRole('admin'),
      schema: { tags, description: 'Require two-factor sign-in of admins (and optionally curators); those not enrolled can then only enrol.', body: twoFactorPolicySchema, response: { 200: twoFactorPolicySchema } },
    },
    async (request) => {
      const roles = await twoFactor.setRequiredRoles(request.body.roles);
      await audit.record({ actor: request.actor.kind === 'user' ? request.actor.id : 'anonymous', action: 'settings.change', target: { type: 'setting', id: 'two_factor_policy' }, details: { roles: roles.join(',') }, ip: request.ip });
      return { roles: roles.filter((r): r is 'admin' | 'curator' => r === 'admin' || r === 'curator') };
    },
  );
}

import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IdentityService } from './identity.service.js';
import { ANONYMOUS, hasRole, type Actor, type Role } from './roles.js';
import { CommonErrors } from '../platform/errors.js';

export const SESSION_COOKIE = 'wy_session';
/** Header the web UI sends on every state-changing request; cross-site forms cannot set it. */
export const CSRF_HEADER = 'x-wenyuan-csrf';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor;
    authVia: 'session' | 'token' | 'none';
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** What a session limited to enrolling in two-factor sign-in may still reach (route patterns). */
export const ENROLMENT_ROUTES = new Set(['/api/auth/me', '/api/auth/logout', '/api/instance', '/api/account/mfa', '/api/account/mfa/totp', '/api/account/mfa/totp/confirm', '/api/account/passkeys', '/api/account/passkeys/options']);

/** The checks of strong sign-in on every session request (TwoFactorService, SessionService). */
export interface SessionChecks {
  mustEnrol(userId: string, role: Role): Promise<boolean>;
  touch(token: string): Promise<void>;
}

/**
 * onRequest hook: resolves the session cookie or bearer token into `request.actor`. With `checks`,
 * a staff session the instance requires two-factor for, whose account has not enrolled, reaches
 * only ENROLMENT_ROUTES (other API routes: 403; pages: as if signed out). Bearer tokens skip this:
 * making one needs a full session, and a token is a random secret no password phishing reveals.
 */
export function authenticate(identity: IdentityService, checks?: SessionChecks) {
  return async (request: FastifyRequest): Promise<void> => {
    request.actor = ANONYMOUS;
    request.authVia = 'none';
    if (request.routeOptions.config?.noAuthentication) return;
    const header = request.headers.authorization;
    if (header) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      const actor = match ? await identity.actorForApiToken(match[1]!) : null;
      if (!actor) throw CommonErrors.unauthenticated();
      request.actor = actor;
      request.authVia = 'token';
      return;
    }
    const cookie = request.cookies[SESSION_COOKIE];
    if (cookie) {
      const actor = await identity.actorForSession(cookie);
      if (actor) {
        if (!SAFE_METHODS.has(request.method) && request.headers[CSRF_HEADER] !== '1') {
          throw CommonErrors.forbidden(`state-changing requests from the browser must send the ${CSRF_HEADER} header`, { key: 'auth.csrf_header_missing', params: { header: CSRF_HEADER } });
        }
        if (checks && actor.kind === 'user') {
          await checks.touch(cookie);
          if (!ENROLMENT_ROUTES.has(request.routeOptions.url ?? '') && (await checks.mustEnrol(actor.id, actor.role))) {
            if (!request.url.startsWith('/api/')) return;
            throw CommonErrors.forbidden('this instance requires two-factor sign-in for your role: set it up under Account first', { key: 'auth.mfa_enrolment_required' });
          }
        }
        request.actor = actor;
        request.authVia = 'session';
      }
    }
  };
}

/** preValidation: 401 before any validation when nobody is signed in. */
export async function requireUser(request: FastifyRequest): Promise<void> {
  if (request.actor.kind !== 'user') throw CommonErrors.unauthenticated();
}

/** preHandler: 403 (after validation) when the signed-in user lacks every listed role. */
export function requireRole(...roles: Role[]) {
  return async (request: FastifyRequest): Promise<void> => {
    if (!hasRole(request.actor, roles)) throw CommonErrors.forbidden(`needs one of the roles: ${roles.join(', ')}`, { key: 'auth.role_required', params: { roles: roles.join(',') } });
  };
}

export function setSessionCookie(reply: FastifyReply, token: string, expires: Date, secure: boolean): void {
  reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', secure, expires });
}

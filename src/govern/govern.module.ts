import { randomBytes } from 'node:crypto';
import type { RequestHook } from '../platform/http/api.js';
import type { Database } from '../platform/db/database.js';
import type { KeyStore } from '../platform/keystore.js';
import type { ModuleParts } from '../platform/module.js';
import { AuditRepository } from './audit.repository.js';
import { auditRoutes } from './audit.routes.js';
import { AuditTrail, ipPseudonymiser } from './audit.service.js';
import { authenticate } from './http-auth.js';
import { IdentityRepository } from './identity.repository.js';
import { identityRoutes } from './identity.routes.js';
import { IdentityService } from './identity.service.js';
import { LoginThrottleRepository } from './login-throttle.repository.js';
import { SignInThrottle } from './login-throttle.service.js';
import { SecondStepSignIn } from './second-step.service.js';
import { SessionRepository } from './session.repository.js';
import { SessionService } from './session.service.js';
import { TwoFactorRepository } from './two-factor.repository.js';
import { twoFactorRoutes } from './two-factor.routes.js';
import { memorySealer, TwoFactorService } from './two-factor.service.js';

export interface GovernPorts {
  database: Database;
  config: { sessionTtlHours: number; secureCookies: boolean };
  /** Holds the key that pseudonymises addresses in the audit trail (without one, a key per process: tests). */
  keystore?: KeyStore;
  /** Told when a record that was not waited for could not be written. */
  onAuditError?: (error: unknown) => void;
}

export interface GovernServices {
  identity: IdentityService;
  /** The audit trail; modules above record through it as an `AuditRecorder`. */
  audit: AuditTrail;
  /** TOTP two-factor sign-in, recovery codes and the instance's rule of who must use it. */
  twoFactor: TwoFactorService;
}

/** Accounts, sessions, API tokens and roles; gives the HTTP layer the hook that says who is asking. */
export function createGovernModule(ports: GovernPorts): ModuleParts<GovernServices> & { authenticate: RequestHook } {
  const throttle = new SignInThrottle(new LoginThrottleRepository(ports.database));
  const auditKey = ports.keystore ? Buffer.from(ports.keystore.readOrCreate('audit-ip.key', () => randomBytes(32).toString('base64')), 'base64') : randomBytes(32);
  const audit = new AuditTrail(new AuditRepository(ports.database), { pseudonymise: ipPseudonymiser(auditKey), ...(ports.onAuditError ? { onError: ports.onAuditError } : {}) });
  // TOTP secrets are sealed with the keystore's key; without a keystore (tests) a key per process.
  const twoFactor = new TwoFactorService(new TwoFactorRepository(ports.database), ports.keystore ?? memorySealer(), { issuer: 'Wenyuan' });
  const sessions = new SessionService(new SessionRepository(ports.database));
  const identity = new IdentityService(new IdentityRepository(ports.database), { sessionTtlHours: ports.config.sessionTtlHours }, throttle, twoFactor);
  const secondStep = new SecondStepSignIn(identity, twoFactor, throttle);
  return {
    services: { identity, audit, twoFactor },
    routes: (api) => {
      identityRoutes(api, { identity, secureCookies: ports.config.secureCookies, audit });
      auditRoutes(api, { audit });
      twoFactorRoutes(api, { identity, twoFactor, secondStep, sessions, secureCookies: ports.config.secureCookies, audit });
    },
    authenticate: authenticate(identity, { mustEnrol: (id, role) => twoFactor.mustEnrol(id, role), touch: (token) => sessions.touch(token) }),
  };
}

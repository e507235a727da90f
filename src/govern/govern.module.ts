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
import { PasskeyRepository } from './passkey.repository.js';
import { GovernPersonalData } from './personal-data.repository.js';
import { passkeyRoutes } from './passkey.routes.js';
import { PasskeyService } from './passkey.service.js';
import { SignInThrottle } from './login-throttle.service.js';
import { SecondStepSignIn } from './second-step.service.js';
import { SessionRepository } from './session.repository.js';
import { SessionService } from './session.service.js';
import { TwoFactorRepository } from './two-factor.repository.js';
import { twoFactorRoutes } from './two-factor.routes.js';
import { memorySealer, TwoFactorService } from './two-factor.service.js';
import type { Role } from './roles.js';

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
  /** Passkeys (WebAuthn): a second factor, or a passwordless sign-in; the root gives it the public URL. */
  passkeys: PasskeyService;
}

/** Accounts, sessions, API tokens and roles; gives the HTTP layer the hook that says who is asking. */
export function createGovernModule(ports: GovernPorts): ModuleParts<GovernServices> & { authenticate: RequestHook } {
  const throttle = new SignInThrottle(new LoginThrottleRepository(ports.database));
  const auditKey = ports.keystore ? Buffer.from(ports.keystore.readOrCreate('audit-ip.key', () => randomBytes(32).toString('base64')), 'base64') : randomBytes(32);
  const audit = new AuditTrail(new AuditRepository(ports.database), { pseudonymise: ipPseudonymiser(auditKey), ...(ports.onAuditError ? { onError: ports.onAuditError } : {}) });
  // TOTP secrets are sealed with the keystore's key; without a keystore (tests) a key per process.
  const twoFactor = new TwoFactorService(new TwoFactorRepository(ports.database), ports.keystore ?? memorySealer(), { issuer: 'Wenyuan' });
  const sessions = new SessionService(new SessionRepository(ports.database));
  const passkeys = new PasskeyService(new PasskeyRepository(ports.database), twoFactor, { rpName: 'Wenyuan' });
  // A passkey is a second factor as good as the app's codes (better: it cannot be phished).
  const factors = {
    factorsOf: async (id: string) => [...((await twoFactor.isEnabled(id)) ? (['totp'] as const) : []), ...((await passkeys.hasPasskey(id)) ? (['passkey'] as const) : [])],
    createChallenge: (id: string) => twoFactor.createChallenge(id),
  };
  const identity = new IdentityService(new IdentityRepository(ports.database), { sessionTtlHours: ports.config.sessionTtlHours }, throttle, factors);
  const secondStep = new SecondStepSignIn(identity, twoFactor, throttle, passkeys);
  const mustEnrol = async (id: string, role: Role) => (await twoFactor.mustEnrol(id, role)) && !(await passkeys.hasPasskey(id));
  return {
    services: { identity, audit, twoFactor, passkeys },
    routes: (api) => {
      identityRoutes(api, { identity, secureCookies: ports.config.secureCookies, audit });
      auditRoutes(api, { audit });
      twoFactorRoutes(api, { identity, twoFactor, secondStep, sessions, secureCookies: ports.config.secureCookies, audit, passkeys });
      passkeyRoutes(api, { identity, passkeys, twoFactor, secondStep, secureCookies: ports.config.secureCookies, audit });
    },
    authenticate: authenticate(identity, { mustEnrol, touch: (token) => sessions.touch(token) }),
    personalData: new GovernPersonalData(ports.database),
  };
}

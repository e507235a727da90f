import type { RequestHook } from '../platform/http/api.js';
import type { Database } from '../platform/db/database.js';
import type { ModuleParts } from '../platform/module.js';
import { authenticate } from './http-auth.js';
import { IdentityRepository } from './identity.repository.js';
import { identityRoutes } from './identity.routes.js';
import { IdentityService } from './identity.service.js';
import { LoginThrottleRepository } from './login-throttle.repository.js';
import { SignInThrottle } from './login-throttle.service.js';

export interface GovernPorts {
  database: Database;
  config: { sessionTtlHours: number; secureCookies: boolean };
}

export interface GovernServices {
  identity: IdentityService;
}

/** Accounts, sessions, API tokens and roles; gives the HTTP layer the hook that says who is asking. */
export function createGovernModule(ports: GovernPorts): ModuleParts<GovernServices> & { authenticate: RequestHook } {
  const throttle = new SignInThrottle(new LoginThrottleRepository(ports.database));
  const identity = new IdentityService(new IdentityRepository(ports.database), { sessionTtlHours: ports.config.sessionTtlHours }, throttle);
  return {
    services: { identity },
    routes: (api) => identityRoutes(api, { identity, secureCookies: ports.config.secureCookies }),
    authenticate: authenticate(identity),
  };
}

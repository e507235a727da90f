import { z } from 'zod';
import { ROLES } from './roles.js';

/** The shapes of the account routes: users, sessions and API tokens. */

export const roleSchema = z.enum(ROLES).meta({ id: 'Role' });

/** An account as others see it (never its password hash). */
export const userSchema = z
  .object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    role: roleSchema,
    disabled: z.boolean(),
    preferredLang: z.string().nullable().describe('The interface language the user chose, or null to follow the browser.'),
    createdAt: z.string(),
  })
  .meta({ id: 'User' });
export type PublicUser = z.infer<typeof userSchema>;

export const apiTokenSchema = z
  .object({ id: z.string(), name: z.string(), createdAt: z.string(), lastUsedAt: z.string().nullable(), revoked: z.boolean() })
  .meta({ id: 'ApiToken' });
export type ApiToken = z.infer<typeof apiTokenSchema>;

/** A new API token: the secret is shown this once. */
export const newApiTokenSchema = z.object({ id: z.string(), token: z.string() }).meta({ id: 'NewApiToken' });

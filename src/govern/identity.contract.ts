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
    country: z.string().nullable().describe('ISO 3166-1 alpha-2 code of where the account (a licensee, a partner) is; cross-border transfer rules check it.'),
  })
  .meta({ id: 'User' });

/** A country as accounts carry it: ISO 3166-1 alpha-2, upper case (null clears it). */
export const countrySchema = z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code such as CN, DE or US');
export type PublicUser = z.infer<typeof userSchema>;

export const apiTokenSchema = z
  .object({ id: z.string(), name: z.string(), createdAt: z.string(), lastUsedAt: z.string().nullable(), revoked: z.boolean() })
  .meta({ id: 'ApiToken' });
export type ApiToken = z.infer<typeof apiTokenSchema>;

/** A new API token: the secret is shown this once. */
export const newApiTokenSchema = z.object({ id: z.string(), token: z.string() }).meta({ id: 'NewApiToken' });

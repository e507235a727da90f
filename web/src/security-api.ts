/**
 * Strong sign-in's endpoints (issue 15) as the web client calls them: the second sign-in step,
 * two-factor enrolment, one's sessions. Shapes come from the server's contract via api-schema.ts.
 */
import { startAuthentication, startRegistration, type PublicKeyCredentialCreationOptionsJSON, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';
import { request } from './api';
import type { components } from './api-schema';
import type { User } from './types';

type Schemas = components['schemas'];

export type TwoFactorStatus = Schemas['TwoFactorStatus'];
export type TotpEnrolment = Schemas['TotpEnrolment'];
export type AccountSession = Schemas['AccountSession'];
export type TwoFactorPolicy = Schemas['TwoFactorPolicy'];
export type MfaChallenge = Schemas['MfaChallenge'];
export type Passkey = Schemas['Passkey'];

/** A password sign-in: a session (user), or a challenge for the second step. */
export type LoginAnswer = { user: User } | MfaChallenge;

export const securityApi = {
  login: (username: string, password: string) => request<LoginAnswer>('POST', '/auth/login', { username, password }),
  loginSecondStep: (challenge: string, proof: { code: string } | { recoveryCode: string }) => request<{ user: User }>('POST', '/auth/login/mfa', { challenge, ...proof }),
  status: () => request<TwoFactorStatus>('GET', '/account/mfa'),
  startTotp: () => request<TotpEnrolment>('POST', '/account/mfa/totp'),
  confirmTotp: (code: string) => request<Schemas['RecoveryCodes']>('POST', '/account/mfa/totp/confirm', { code }),
  disableTotp: (proof: { code: string } | { password: string }) => request<{ ok: true }>('DELETE', '/account/mfa/totp', proof),
  sessions: () => request<{ items: AccountSession[] }>('GET', '/account/sessions'),
  revokeSession: (id: string) => request<{ ok: true }>('DELETE', `/account/sessions/${encodeURIComponent(id)}`),
  policy: () => request<TwoFactorPolicy>('GET', '/security/two-factor-policy'),
  setPolicy: (roles: TwoFactorPolicy['roles']) => request<TwoFactorPolicy>('PUT', '/security/two-factor-policy', { roles }),
  passkeys: () => request<{ items: Passkey[] }>('GET', '/account/passkeys'),
  /** Registers a passkey: the server's options, the browser's ceremony (the person touches their authenticator), the answer back. */
  addPasskey: async (name: string) => {
    const { options } = await request<{ options: unknown }>('POST', '/account/passkeys/options');
    const response = await startRegistration({ optionsJSON: options as PublicKeyCredentialCreationOptionsJSON });
    return request<Passkey>('POST', '/account/passkeys', { name, response });
  },
  renamePasskey: (id: string, name: string) => request<Passkey>('PATCH', `/account/passkeys/${encodeURIComponent(id)}`, { name }),
  removePasskey: (id: string) => request<{ ok: true }>('DELETE', `/account/passkeys/${encodeURIComponent(id)}`),
  /** Signs in with a passkey: after the password with its `challenge`, or alone (the browser offers this site's passkeys). */
  signInWithPasskey: async (challenge?: string) => {
    const { options } = await request<{ options: unknown }>('POST', '/auth/passkey/options', challenge ? { challenge } : {});
    const response = await startAuthentication({ optionsJSON: options as PublicKeyCredentialRequestOptionsJSON });
    return request<{ user: User }>('POST', '/auth/passkey', { ...(challenge ? { challenge } : {}), response });
  },
  resetTwoFactor: (userId: string) => request<{ ok: true }>('POST', `/users/${encodeURIComponent(userId)}/two-factor/reset`),
};

/** True when an error is the browser's own (the person cancelled, or no authenticator answered), not the server's. */
export function isCeremonyAbandoned(error: unknown): boolean {
  return error instanceof Error && (error.name === 'NotAllowedError' || error.name === 'AbortError' || (error as { code?: string }).code === 'ERROR_CEREMONY_ABORTED');
}

import { browserSupportsWebAuthn } from '@simplewebauthn/browser';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { ApiError } from '../api';
import { errorText } from '../components/ErrorMessage';
import { useI18n } from '../i18n';
import { usePageTitle } from '../instance';
import { isCeremonyAbandoned, securityApi, type MfaChallenge } from '../security-api';
import { useSession } from '../session';
import type { User } from '../types';

/** Only same-site paths may follow sign-in (no open redirect to another origin). */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/';
}

/**
 * Username and password sign-in, then a code or a passkey when the account has a second factor; or
 * a passkey alone. The server sets an httpOnly session cookie.
 */
export function LoginPage() {
  const { t } = useI18n();
  const { setUser } = useSession();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // When the server throttles sign-in (429): the moment another attempt is allowed, counted down on the button.
  const [retryAt, setRetryAt] = useState<number | null>(null);
  const [now, setNow] = useState(() => Date.now());
  // Set when the password was right and the account asks for a second factor.
  const [challenge, setChallenge] = useState<string | null>(null);
  const [factors, setFactors] = useState<MfaChallenge['factors']>([]);
  const passkeysSupported = browserSupportsWebAuthn();
  const [useRecovery, setUseRecovery] = useState(false);
  const [code, setCode] = useState('');
  const errorRef = useRef<HTMLParagraphElement>(null);
  const codeRef = useRef<HTMLInputElement>(null);
  const id = useId();

  usePageTitle(t('login.title'));

  useEffect(() => {
    if (retryAt === null) return;
    const timer = setInterval(() => {
      setNow(Date.now());
      if (Date.now() >= retryAt) setRetryAt(null);
    }, 1000);
    return () => clearInterval(timer);
  }, [retryAt]);
  const waitSeconds = retryAt === null ? 0 : Math.max(0, Math.ceil((retryAt - now) / 1000));

  const signedIn = async (user: User) => {
    let next = safeNext(params.get('next'));
    // Staff the instance requires two-factor of, not enrolled yet: the account page is all they can use.
    const status = await securityApi.status().catch(() => null);
    if (status?.required && !status.enabled && !status.hasPasskey) next = '/account';
    setUser(user);
    navigate(next, { replace: true });
  };

  const restart = () => {
    setChallenge(null);
    setCode('');
    setPassword('');
    setError(null);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (challenge) {
        const typed = code.trim();
        const { user } = await securityApi.loginSecondStep(challenge, useRecovery ? { recoveryCode: typed } : { code: typed });
        await signedIn(user);
        return;
      }
      const answer = await securityApi.login(username.trim(), password);
      if ('challenge' in answer) {
        setChallenge(answer.challenge);
        setFactors(answer.factors);
        requestAnimationFrame(() => codeRef.current?.focus());
      } else await signedIn(answer.user);
    } catch (e) {
      if (challenge) {
        // An expired or used challenge cannot be retried: back to the password.
        if (e instanceof ApiError && e.key === 'auth.mfa_challenge_invalid') setChallenge(null);
        setCode('');
      }
      const wait = e instanceof ApiError && e.status === 429 ? Number(e.params?.retryAfterSeconds) : NaN;
      if (Number.isFinite(wait) && wait > 0) {
        setRetryAt(Date.now() + wait * 1000);
        setNow(Date.now());
        // The password was not checked, so it stays for the next try.
        setError(wait < 120 ? t('login.throttled', { seconds: wait }) : t('login.throttledMinutes', { minutes: Math.ceil(wait / 60) }));
      } else {
        setError(e instanceof ApiError && e.status === 401 && !challenge ? t('login.failed') : errorText(e, t));
        if (!challenge) setPassword('');
      }
      requestAnimationFrame(() => errorRef.current?.focus());
    } finally {
      setBusy(false);
    }
  };

  // A passkey: as the second step (with the password step's challenge), or alone from the first page.
  const withPasskey = async () => {
    setBusy(true);
    setError(null);
    try {
      const { user } = await securityApi.signInWithPasskey(challenge ?? undefined);
      await signedIn(user);
    } catch (e) {
      if (challenge && e instanceof ApiError && e.key === 'auth.mfa_challenge_invalid') setChallenge(null);
      setError(isCeremonyAbandoned(e) ? t('passkeys.abandoned') : errorText(e, t));
      requestAnimationFrame(() => errorRef.current?.focus());
    } finally {
      setBusy(false);
    }
  };

  if (challenge) {
    const hasTotp = factors.includes('totp');
    return (
      <div className="page-narrow">
        <h1>{t('loginMfa.heading')}</h1>
        <p className="muted">{hasTotp ? t('loginMfa.intro') : t('loginMfa.passkeyIntro')}</p>
        {error && (
          <p className="notice notice-error" role="alert" tabIndex={-1} ref={errorRef} id={`${id}-error`} data-testid="login-error">
            {error}
          </p>
        )}
        {factors.includes('passkey') && (
          <p>
            <button type="button" className={hasTotp ? 'button' : 'button button-primary'} data-testid="login-mfa-passkey" onClick={() => void withPasskey()} disabled={busy || waitSeconds > 0 || !passkeysSupported}>
              {t('loginMfa.usePasskey')}
            </button>
          </p>
        )}
        {!hasTotp && (
          <button type="button" className="button" onClick={restart}>
            {t('loginMfa.restart')}
          </button>
        )}
        {hasTotp && (
          <form onSubmit={submit} className="form-stack">
            <div className="field">
              <label htmlFor={`${id}-code`}>{useRecovery ? t('loginMfa.recoveryCode') : t('loginMfa.code')}</label>
              <input
                id={`${id}-code`}
                ref={codeRef}
                data-testid="login-code"
                name={useRecovery ? 'recovery-code' : 'one-time-code'}
                autoComplete="one-time-code"
                inputMode={useRecovery ? 'text' : 'numeric'}
                autoCapitalize="none"
                spellCheck={false}
                required
                maxLength={useRecovery ? 32 : 8}
                value={code}
                onChange={(e) => setCode(e.target.value)}
                aria-describedby={error ? `${id}-error` : undefined}
              />
            </div>
            <button type="submit" className="button button-primary" data-testid="login-code-submit" disabled={busy || waitSeconds > 0}>
              {busy ? t('login.busy') : waitSeconds > 0 ? t('login.retryIn', { seconds: waitSeconds }) : t('loginMfa.submit')}
            </button>
            <button
              type="button"
              className="button"
              onClick={() => {
                setUseRecovery(!useRecovery);
                setCode('');
                requestAnimationFrame(() => codeRef.current?.focus());
              }}
            >
              {useRecovery ? t('loginMfa.useCode') : t('loginMfa.useRecovery')}
            </button>
            <button type="button" className="button" onClick={restart}>
              {t('loginMfa.restart')}
            </button>
          </form>
        )}
      </div>
    );
  }

  return (
    <div className="page-narrow">
      <h1>{t('login.title')}</h1>
      <p className="muted">{t('login.intro')}</p>
      {error && (
        <p className="notice notice-error" role="alert" tabIndex={-1} ref={errorRef} id={`${id}-error`} data-testid="login-error">
          {error}
        </p>
      )}
      <form onSubmit={submit} className="form-stack">
        <div className="field">
          <label htmlFor={`${id}-username`}>{t('login.username')}</label>
          <input
            id={`${id}-username`}
            data-testid="login-username"
            name="username"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            required
            maxLength={64}
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            aria-describedby={error ? `${id}-error` : undefined}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-password`}>{t('login.password')}</label>
          <input
            id={`${id}-password`}
            data-testid="login-password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            maxLength={1024}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </div>
        <button type="submit" className="button button-primary" data-testid="login-submit" disabled={busy || waitSeconds > 0}>
          {busy ? t('login.busy') : waitSeconds > 0 ? t('login.retryIn', { seconds: waitSeconds }) : t('login.submit')}
        </button>
      </form>
      {passkeysSupported && (
        <p>
          <button type="button" className="button" data-testid="login-passkey" onClick={() => void withPasskey()} disabled={busy || waitSeconds > 0}>
            {t('loginPasskey.button')}
          </button>
        </p>
      )}
    </div>
  );
}

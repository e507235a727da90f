import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { ApiError, api } from '../api';
import { errorText } from '../components/ErrorMessage';
import { useI18n } from '../i18n';
import { usePageTitle } from '../instance';
import { useSession } from '../session';

/** Only same-site paths may follow sign-in (no open redirect to another origin). */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/';
}

/** Username and password sign-in; the server sets an httpOnly session cookie. */
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
  const errorRef = useRef<HTMLParagraphElement>(null);
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

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { user } = await api.login(username.trim(), password);
      setUser(user);
      navigate(safeNext(params.get('next')), { replace: true });
    } catch (e) {
      const wait = e instanceof ApiError && e.status === 429 ? Number(e.params?.retryAfterSeconds) : NaN;
      if (Number.isFinite(wait) && wait > 0) {
        setRetryAt(Date.now() + wait * 1000);
        setNow(Date.now());
        // The password was not checked, so it stays for the next try.
        setError(wait < 120 ? t('login.throttled', { seconds: wait }) : t('login.throttledMinutes', { minutes: Math.ceil(wait / 60) }));
      } else {
        setError(e instanceof ApiError && e.status === 401 ? t('login.failed') : errorText(e, t));
        setPassword('');
      }
      requestAnimationFrame(() => errorRef.current?.focus());
    } finally {
      setBusy(false);
    }
  };

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
    </div>
  );
}

import { useId, useRef, useState, type FormEvent } from 'react';
import { useI18n } from '../../i18n';
import { securityApi, type TotpEnrolment } from '../../security-api';
import { useApi } from '../../use-api';
import { ErrorMessage, errorText } from '../ErrorMessage';
import { Loading } from '../Loading';
import { QrCode } from '../QrCode';

/** Two-factor sign-in: set up an authenticator app (QR code, first code), recovery codes shown once, turn off. */
export function TwoFactorSection() {
  const { t } = useI18n();
  const status = useApi(() => securityApi.status(), 'two-factor');
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const [code, setCode] = useState('');
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  const [copied, setCopied] = useState(false);
  const [proof, setProof] = useState('');
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const codeRef = useRef<HTMLInputElement>(null);
  const id = useId();

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setMessage(null);
    try {
      await action();
    } catch (e) {
      setMessage({ error: true, text: errorText(e, t) });
    } finally {
      setBusy(false);
    }
  };

  const start = () =>
    run(async () => {
      setEnrolment(await securityApi.startTotp());
      requestAnimationFrame(() => codeRef.current?.focus());
    });

  const confirm = (event: FormEvent) => {
    event.preventDefault();
    return run(async () => {
      const { recoveryCodes: codes } = await securityApi.confirmTotp(code.trim());
      setRecoveryCodes(codes);
      setEnrolment(null);
      setCode('');
      status.reload();
    });
  };

  const disable = (event: FormEvent) => {
    event.preventDefault();
    const typed = proof.trim();
    return run(async () => {
      await securityApi.disableTotp(/^\d{6}$/.test(typed.replace(/\s/g, '')) ? { code: typed } : { password: proof });
      setProof('');
      setMessage({ error: false, text: t('twoFactor.disabled') });
      status.reload();
    });
  };

  const copy = async () => {
    if (!recoveryCodes) return;
    try {
      await navigator.clipboard.writeText(recoveryCodes.join('\n'));
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };

  const data = status.data;
  return (
    <section className="panel" aria-labelledby={`${id}-heading`} data-testid="two-factor-section">
      <h2 id={`${id}-heading`}>{t('twoFactor.heading')}</h2>
      <p className="muted">{t('twoFactor.intro')}</p>
      <p role={message?.error ? 'alert' : 'status'} className={message ? (message.error ? 'notice notice-error' : 'notice notice-success') : 'visually-hidden'}>
        {message?.text}
      </p>
      {status.error ? <ErrorMessage error={status.error} onRetry={status.reload} /> : null}
      {!data && status.loading && <Loading />}
      {data && data.required && !data.enabled && !data.hasPasskey && <p className="notice notice-warning">{t('twoFactor.required')}</p>}
      {recoveryCodes && (
        <div className="notice notice-success" role="status" data-testid="recovery-codes">
          <h3>{t('twoFactor.recoveryHeading')}</h3>
          <p>{t('twoFactor.recoveryIntro')}</p>
          <ul className="mono recovery-codes">
            {recoveryCodes.map((c) => (
              <li key={c}>{c}</li>
            ))}
          </ul>
          <div className="inline-form">
            <button type="button" className="button" onClick={copy}>
              {t('twoFactor.copy')}
            </button>
            <button type="button" className="button" onClick={() => window.print()}>
              {t('twoFactor.print')}
            </button>
            <button type="button" className="button button-primary" onClick={() => setRecoveryCodes(null)} data-testid="recovery-codes-done">
              {t('twoFactor.done')}
            </button>
          </div>
          {copied && <p>{t('twoFactor.copied')}</p>}
        </div>
      )}
      {data && !data.enabled && !enrolment && (
        <>
          <p>{t('twoFactor.off')}</p>
          <button type="button" className="button button-primary" onClick={start} disabled={busy} data-testid="totp-start">
            {t('twoFactor.start')}
          </button>
        </>
      )}
      {enrolment && (
        <div className="form-stack">
          <p>{t('twoFactor.scan')}</p>
          <QrCode text={enrolment.uri} label={t('twoFactor.qrLabel')} className="totp-qr" />
          <p>
            {t('twoFactor.secret')}: <code className="mono" data-testid="totp-secret">{enrolment.secret}</code>
          </p>
          <form className="inline-form" onSubmit={confirm}>
            <div className="field">
              <label htmlFor={`${id}-code`}>{t('twoFactor.confirmCode')}</label>
              <input
                id={`${id}-code`}
                ref={codeRef}
                data-testid="totp-code"
                autoComplete="one-time-code"
                inputMode="numeric"
                required
                maxLength={8}
                value={code}
                onChange={(e) => setCode(e.target.value)}
              />
            </div>
            <button type="submit" className="button button-primary" disabled={busy} data-testid="totp-confirm">
              {t('twoFactor.confirm')}
            </button>
          </form>
        </div>
      )}
      {data && data.enabled && (
        <>
          <p data-testid="two-factor-on">
            {t('twoFactor.on')} {t('twoFactor.recoveryLeft', { count: data.recoveryCodesLeft })}
          </p>
          <form className="inline-form" onSubmit={disable} aria-label={t('twoFactor.disableHeading')}>
            <div className="field">
              <label htmlFor={`${id}-proof`}>{t('twoFactor.disableCode')}</label>
              <input id={`${id}-proof`} type="password" autoComplete="current-password" required maxLength={1024} value={proof} onChange={(e) => setProof(e.target.value)} />
            </div>
            <button type="submit" className="button button-danger" disabled={busy}>
              {t('twoFactor.disable')}
            </button>
          </form>
        </>
      )}
    </section>
  );
}

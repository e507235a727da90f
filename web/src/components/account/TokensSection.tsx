import { useId, useRef, useState, type FormEvent } from 'react';
import { api } from '../../api';
import { useI18n } from '../../i18n';
import type { ApiToken } from '../../types';
import { useApi } from '../../use-api';
import { ConfirmDialog } from '../ConfirmDialog';
import { ErrorMessage, errorText } from '../ErrorMessage';
import { Loading } from '../Loading';

/** The user's API tokens: create (shown once), list, revoke. */
export function TokensSection() {
  const { t, formatDateTime } = useI18n();
  const tokens = useApi(() => api.tokens(), 'tokens');
  const [name, setName] = useState('');
  const [fresh, setFresh] = useState<{ name: string; token: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const [error, setError] = useState<string | null>(null);
  const tokenRef = useRef<HTMLInputElement>(null);
  const id = useId();

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setCopied(false);
    try {
      const created = await api.createToken(name.trim());
      setFresh({ name: name.trim(), token: created.token });
      setName('');
      tokens.reload();
      requestAnimationFrame(() => tokenRef.current?.select());
    } catch (e) {
      setError(errorText(e, t));
    }
  };

  const copy = async () => {
    if (!fresh) return;
    try {
      await navigator.clipboard.writeText(fresh.token);
      setCopied(true);
    } catch {
      tokenRef.current?.select();
    }
  };

  const revoke = async (token: ApiToken) => {
    setRevoking(null);
    setError(null);
    try {
      await api.revokeToken(token.id);
      tokens.reload();
    } catch (e) {
      setError(errorText(e, t));
    }
  };

  return (
    <section className="panel" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t('tokens.heading')}</h2>
      <p className="muted">{t('tokens.intro')}</p>
      {error && (
        <p className="notice notice-error" role="alert">
          {error}
        </p>
      )}
      <form className="inline-form" onSubmit={create}>
        <div className="field">
          <label htmlFor={`${id}-name`}>{t('tokens.name')}</label>
          <input id={`${id}-name`} required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} data-testid="token-name" />
        </div>
        <button type="submit" className="button button-primary" disabled={!name.trim()}>
          {t('tokens.create')}
        </button>
      </form>
      {fresh && (
        <div className="notice notice-success token-once" role="status">
          <p>{t('tokens.createdOnce')}</p>
          <div className="inline-form">
            <div className="field">
              <label htmlFor={`${id}-token`}>
                {t('tokens.newToken')} — {fresh.name}
              </label>
              <input id={`${id}-token`} ref={tokenRef} readOnly value={fresh.token} className="mono" data-testid="new-token" onFocus={(e) => e.target.select()} />
            </div>
            <button type="button" className="button" onClick={copy}>
              {t('tokens.copy')}
            </button>
          </div>
          {copied && <p>{t('tokens.copied')}</p>}
        </div>
      )}
      {tokens.error ? <ErrorMessage error={tokens.error} onRetry={tokens.reload} /> : null}
      {!tokens.data && tokens.loading && <Loading />}
      {tokens.data && tokens.data.items.length === 0 && <p>{t('tokens.empty')}</p>}
      {tokens.data && tokens.data.items.length > 0 && (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('tokens.name')}</th>
                <th scope="col">{t('tokens.createdAt')}</th>
                <th scope="col">{t('tokens.lastUsed')}</th>
                <th scope="col">{t('tokens.status')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('tokens.revoke')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.data.items.map((token) => (
                <tr key={token.id} className={token.revoked ? 'is-disabled-row' : undefined}>
                  <th scope="row">{token.name}</th>
                  <td>{formatDateTime(token.createdAt)}</td>
                  <td>{token.lastUsedAt ? formatDateTime(token.lastUsedAt) : t('tokens.never')}</td>
                  <td>{token.revoked ? t('tokens.revoked') : t('tokens.active')}</td>
                  <td>
                    {!token.revoked && (
                      <button type="button" className="button button-small button-danger" onClick={() => setRevoking(token)} aria-label={t('tokens.revokeNamed', { name: token.name })}>
                        {t('tokens.revoke')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ConfirmDialog
        open={revoking !== null}
        message={t('tokens.confirmRevoke', { name: revoking?.name ?? '' })}
        confirmLabel={t('tokens.revoke')}
        onConfirm={() => revoking && revoke(revoking)}
        onCancel={() => setRevoking(null)}
      />
    </section>
  );
}

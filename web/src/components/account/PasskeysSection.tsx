import { browserSupportsWebAuthn } from '@simplewebauthn/browser';
import { useId, useState, type FormEvent } from 'react';
import { useI18n } from '../../i18n';
import { isCeremonyAbandoned, securityApi, type Passkey } from '../../security-api';
import { useApi } from '../../use-api';
import { ConfirmDialog } from '../ConfirmDialog';
import { ErrorMessage, errorText } from '../ErrorMessage';
import { Loading } from '../Loading';

/** One's passkeys: add one (named), rename, remove; a passkey signs in alone or after the password. */
export function PasskeysSection() {
  const { t, formatDateTime } = useI18n();
  const passkeys = useApi(() => securityApi.passkeys(), 'passkeys');
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const [renaming, setRenaming] = useState<{ id: string; name: string } | null>(null);
  const [removing, setRemoving] = useState<Passkey | null>(null);
  const supported = browserSupportsWebAuthn();
  const id = useId();

  const failed = (e: unknown) => setMessage({ error: true, text: isCeremonyAbandoned(e) ? t('passkeys.abandoned') : errorText(e, t) });

  const add = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setMessage(null);
    try {
      const added = await securityApi.addPasskey(name.trim());
      setName('');
      setMessage({ error: false, text: t('passkeys.added', { name: added.name }) });
      passkeys.reload();
    } catch (e) {
      failed(e);
    } finally {
      setBusy(false);
    }
  };

  const rename = async (event: FormEvent) => {
    event.preventDefault();
    if (!renaming) return;
    setMessage(null);
    try {
      await securityApi.renamePasskey(renaming.id, renaming.name.trim());
      setRenaming(null);
      passkeys.reload();
    } catch (e) {
      failed(e);
    }
  };

  const remove = async (passkey: Passkey) => {
    setRemoving(null);
    setMessage(null);
    try {
      await securityApi.removePasskey(passkey.id);
      setMessage({ error: false, text: t('passkeys.removed', { name: passkey.name }) });
      passkeys.reload();
    } catch (e) {
      failed(e);
    }
  };

  return (
    <section className="panel" aria-labelledby={`${id}-heading`} data-testid="passkeys-section">
      <h2 id={`${id}-heading`}>{t('passkeys.heading')}</h2>
      <p className="muted">{t('passkeys.intro')}</p>
      <p role={message?.error ? 'alert' : 'status'} className={message ? (message.error ? 'notice notice-error' : 'notice notice-success') : 'visually-hidden'} data-testid="passkeys-message">
        {message?.text}
      </p>
      {passkeys.error ? <ErrorMessage error={passkeys.error} onRetry={passkeys.reload} /> : null}
      {!passkeys.data && passkeys.loading && <Loading />}
      {passkeys.data && passkeys.data.items.length === 0 && <p>{t('passkeys.none')}</p>}
      {passkeys.data && passkeys.data.items.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="passkeys-table">
            <thead>
              <tr>
                <th scope="col">{t('passkeys.name')}</th>
                <th scope="col">{t('passkeys.created')}</th>
                <th scope="col">{t('passkeys.lastUsed')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('passkeys.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {passkeys.data.items.map((p) => (
                <tr key={p.id}>
                  <th scope="row">
                    {renaming?.id === p.id ? (
                      <form onSubmit={rename} className="inline-form">
                        <label className="visually-hidden" htmlFor={`${id}-rename`}>
                          {t('passkeys.newName', { name: p.name })}
                        </label>
                        <input id={`${id}-rename`} required maxLength={100} value={renaming.name} onChange={(e) => setRenaming({ id: p.id, name: e.target.value })} />
                        <button type="submit" className="button button-small">
                          {t('passkeys.save')}
                        </button>
                        <button type="button" className="button button-small" onClick={() => setRenaming(null)}>
                          {t('passkeys.cancel')}
                        </button>
                      </form>
                    ) : (
                      p.name
                    )}
                  </th>
                  <td>{formatDateTime(p.createdAt)}</td>
                  <td>{p.lastUsedAt ? formatDateTime(p.lastUsedAt) : t('passkeys.neverUsed')}</td>
                  <td>
                    <button type="button" className="button button-small" onClick={() => setRenaming({ id: p.id, name: p.name })} aria-label={t('passkeys.renameNamed', { name: p.name })}>
                      {t('passkeys.rename')}
                    </button>{' '}
                    <button type="button" className="button button-small button-danger" onClick={() => setRemoving(p)} aria-label={t('passkeys.removeNamed', { name: p.name })}>
                      {t('passkeys.remove')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {supported ? (
        <form onSubmit={add} className="form-stack">
          <div className="field">
            <label htmlFor={`${id}-name`}>{t('passkeys.nameLabel')}</label>
            <input id={`${id}-name`} data-testid="passkey-name" required maxLength={100} value={name} placeholder={t('passkeys.namePlaceholder')} onChange={(e) => setName(e.target.value)} />
          </div>
          <button type="submit" className="button button-primary" data-testid="passkey-add" disabled={busy}>
            {busy ? t('passkeys.waiting') : t('passkeys.add')}
          </button>
        </form>
      ) : (
        <p className="notice">{t('passkeys.unsupported')}</p>
      )}
      <ConfirmDialog
        open={removing !== null}
        message={removing ? t('passkeys.removeConfirm', { name: removing.name }) : ''}
        confirmLabel={t('passkeys.remove')}
        onConfirm={() => removing && void remove(removing)}
        onCancel={() => setRemoving(null)}
      />
    </section>
  );
}

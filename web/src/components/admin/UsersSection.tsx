import { useId, useState, type FormEvent } from 'react';
import { api } from '../../api';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';
import { ROLES, type Role, type User } from '../../types';
import { useApi } from '../../use-api';
import { ErrorMessage, errorText } from '../ErrorMessage';
import { Loading } from '../Loading';
import { UserCountryCell } from '../transfer/UserCountryCell';
import { ResetTwoFactorButton } from './ResetTwoFactorButton';

/** Users table with role and disabled controls, and a form to add a user. */
export function UsersSection() {
  const { t, formatDateTime } = useI18n();
  const { user: me } = useSession();
  const users = useApi(() => api.users(), 'users');
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const [form, setForm] = useState({ username: '', displayName: '', password: '', role: 'creator' as Role });
  const [creating, setCreating] = useState(false);
  const id = useId();

  const update = async (target: User, changes: { role?: Role; disabled?: boolean }) => {
    setMessage(null);
    try {
      const updated = await api.updateUser(target.id, changes);
      if (users.data) users.setData({ items: users.data.items.map((u) => (u.id === updated.id ? updated : u)) });
      setMessage({ error: false, text: `${updated.username}: ${t('common.saved')}` });
    } catch (e) {
      setMessage({ error: true, text: errorText(e, t) });
      users.reload();
    }
  };

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setCreating(true);
    setMessage(null);
    try {
      const created = await api.createUser({ username: form.username.trim(), password: form.password, role: form.role, ...(form.displayName.trim() ? { displayName: form.displayName.trim() } : {}) });
      setForm({ username: '', displayName: '', password: '', role: form.role });
      setMessage({ error: false, text: t('users.createdMsg', { name: created.username }) });
      users.reload();
    } catch (e) {
      setMessage({ error: true, text: errorText(e, t) });
    } finally {
      setCreating(false);
    }
  };

  return (
    <section className="panel" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t('users.heading')}</h2>
      <p role={message?.error ? 'alert' : 'status'} className={message ? (message.error ? 'notice notice-error' : 'notice notice-success') : 'visually-hidden'}>
        {message?.text}
      </p>
      {users.error ? <ErrorMessage error={users.error} onRetry={users.reload} /> : null}
      {!users.data && users.loading && <Loading />}
      {users.data && (
        <div className="table-wrap">
          <table className="table table-reflow" data-testid="users-table">
            <thead>
              <tr>
                <th scope="col">{t('users.username')}</th>
                <th scope="col">{t('users.displayName')}</th>
                <th scope="col">{t('users.role')}</th>
                <th scope="col">{t('users.disabled')}</th>
                <th scope="col">{t('users.createdAt')}</th>
                <th scope="col">{t('transfer.country.heading')}</th>
                <th scope="col">{t('resetTwoFactor.column')}</th>
              </tr>
            </thead>
            <tbody>
              {users.data.items.map((u) => (
                <tr key={u.id} className={u.disabled ? 'is-disabled-row' : undefined}>
                  <th scope="row" data-label={t('users.username')}>
                    {u.username}
                    {me?.id === u.id && <span className="muted"> {t('users.you')}</span>}
                  </th>
                  <td data-label={t('users.displayName')}>{u.displayName}</td>
                  <td data-label={t('users.role')}>
                    <select value={u.role} aria-label={t('users.roleFor', { name: u.username })} onChange={(e) => update(u, { role: e.target.value as Role })}>
                      {ROLES.map((role) => (
                        <option key={role} value={role}>
                          {t(`userRole.${role}`)}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td data-label={t('users.disabled')}>
                    <input type="checkbox" checked={u.disabled} aria-label={t('users.disableFor', { name: u.username })} onChange={(e) => update(u, { disabled: e.target.checked })} />
                  </td>
                  <td data-label={t('users.createdAt')}>
                    <time dateTime={u.createdAt}>{formatDateTime(u.createdAt)}</time>
                  </td>
                  <td data-label={t('transfer.country.heading')}>
                    <UserCountryCell user={u} onDone={setMessage} />
                  </td>
                  <td data-label={t('resetTwoFactor.column')}>
                    <ResetTwoFactorButton user={u} isMe={me?.id === u.id} onDone={setMessage} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <form className="form-grid" onSubmit={create} aria-labelledby={`${id}-create`}>
        <h3 id={`${id}-create`}>{t('users.createHeading')}</h3>
        <div className="field">
          <label htmlFor={`${id}-username`}>{t('users.username')}</label>
          <input id={`${id}-username`} required minLength={2} maxLength={64} autoComplete="off" autoCapitalize="none" spellCheck={false} value={form.username} onChange={(e) => setForm({ ...form, username: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-display`}>{t('users.displayName')}</label>
          <input id={`${id}-display`} maxLength={200} value={form.displayName} onChange={(e) => setForm({ ...form, displayName: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-password`}>{t('users.password')}</label>
          <input id={`${id}-password`} type="password" required autoComplete="new-password" maxLength={1024} value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-role`}>{t('users.role')}</label>
          <select id={`${id}-role`} value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>
            {ROLES.map((role) => (
              <option key={role} value={role}>
                {t(`userRole.${role}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={creating}>
            {t('users.create')}
          </button>
        </div>
      </form>
    </section>
  );
}

import { useId, useState, type FormEvent } from 'react';
import { api } from '../../api';
import { useI18n } from '../../i18n';
import { errorText } from '../ErrorMessage';

/** Change one's own password (the server checks the current one and the strength of the new one). */
export function PasswordSection() {
  const { t } = useI18n();
  const [form, setForm] = useState({ current: '', next: '', repeat: '' });
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (form.next !== form.repeat) {
      setMessage({ error: true, text: t('password.mismatch') });
      return;
    }
    setBusy(true);
    setMessage(null);
    try {
      await api.changePassword(form.current, form.next);
      setForm({ current: '', next: '', repeat: '' });
      setMessage({ error: false, text: t('password.changed') });
    } catch (e) {
      setMessage({ error: true, text: errorText(e, t) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t('password.heading')}</h2>
      <p role={message?.error ? 'alert' : 'status'} className={message ? (message.error ? 'notice notice-error' : 'notice notice-success') : 'visually-hidden'}>
        {message?.text}
      </p>
      <form className="form-stack" onSubmit={submit}>
        <div className="field">
          <label htmlFor={`${id}-current`}>{t('password.current')}</label>
          <input id={`${id}-current`} type="password" autoComplete="current-password" required value={form.current} onChange={(e) => setForm({ ...form, current: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-next`}>{t('password.next')}</label>
          <input id={`${id}-next`} type="password" autoComplete="new-password" required value={form.next} onChange={(e) => setForm({ ...form, next: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-repeat`}>{t('password.repeat')}</label>
          <input id={`${id}-repeat`} type="password" autoComplete="new-password" required value={form.repeat} onChange={(e) => setForm({ ...form, repeat: e.target.value })} aria-invalid={(form.repeat !== '' && form.repeat !== form.next) || undefined} />
        </div>
        <button type="submit" className="button button-primary" disabled={busy}>
          {t('password.submit')}
        </button>
      </form>
    </section>
  );
}

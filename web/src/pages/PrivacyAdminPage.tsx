import { useEffect, useId, useState, type FormEvent } from 'react';
import { api } from '../api';
import { ErrorMessage, errorText } from '../components/ErrorMessage';
import { Loading } from '../components/Loading';
import { useI18n } from '../i18n';
import { usePageTitle } from '../instance';
import { privacyApi, type PrivacySettings, type RetentionRules } from '../privacy-api';
import { useSession } from '../session';
import { useApi } from '../use-api';

const RULES: (keyof RetentionRules)[] = ['recommendationSignalsDays', 'workEventsDays', 'exportsDays', 'finishedJobsDays'];

/** `/admin/privacy`: the privacy notice's text (a new version each time), retention periods, and what happens to an erased person's works. */
export function PrivacyAdminPage() {
  const { t } = useI18n();
  usePageTitle(t('privacy.admin.title'));
  return (
    <div className="admin-page" data-testid="privacy-admin">
      <h1>{t('privacy.admin.title')}</h1>
      <NoticeEditor />
      <SettingsEditor />
      <EraseAccount />
    </div>
  );
}

function NoticeEditor() {
  const i18n = useI18n();
  const { t } = i18n;
  const id = useId();
  const notice = useApi(() => privacyApi.notice(), 'privacy-notice');
  const [text, setText] = useState<{ 'zh-Hans': string; en: string }>({ 'zh-Hans': '', en: '' });
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  useEffect(() => {
    if (notice.data) setText({ 'zh-Hans': notice.data.text?.['zh-Hans'] ?? '', en: notice.data.text?.en ?? '' });
  }, [notice.data]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setMessage(null);
    const entries = Object.entries(text).filter(([, v]) => v.trim() !== '');
    try {
      const next = await privacyApi.publishNotice(entries.length > 0 ? Object.fromEntries(entries) : null);
      notice.setData(next);
      setMessage({ error: false, text: t('privacy.admin.notice.current', { version: next.version }) });
    } catch (e) {
      setMessage({ error: true, text: errorText(e, i18n) });
    }
  };

  if (notice.error && !notice.data) return <ErrorMessage error={notice.error} onRetry={notice.reload} />;
  if (!notice.data) return <Loading />;
  return (
    <section className="panel" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t('privacy.admin.notice.heading')}</h2>
      <p className="muted">{t('privacy.admin.notice.intro')}</p>
      <p>{t('privacy.admin.notice.current', { version: notice.data.version })}</p>
      <form className="form-stack" onSubmit={submit}>
        <div className="field">
          <label htmlFor={`${id}-zh`}>{t('privacy.admin.notice.zh')}</label>
          <textarea id={`${id}-zh`} lang="zh-Hans" rows={8} value={text['zh-Hans']} onChange={(e) => setText({ ...text, 'zh-Hans': e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-en`}>{t('privacy.admin.notice.en')}</label>
          <textarea id={`${id}-en`} lang="en" rows={8} value={text.en} onChange={(e) => setText({ ...text, en: e.target.value })} data-testid="privacy-admin-notice-en" />
        </div>
        <p role={message?.error ? 'alert' : 'status'} className={message ? (message.error ? 'notice notice-error' : 'notice notice-success') : 'visually-hidden'}>
          {message?.text}
        </p>
        <button type="submit" className="button button-primary" data-testid="privacy-admin-publish">
          {t('privacy.admin.notice.publish', { version: notice.data.version + 1 })}
        </button>
      </form>
    </section>
  );
}

function SettingsEditor() {
  const i18n = useI18n();
  const { t, formatDateTime } = i18n;
  const id = useId();
  const settings = useApi(() => privacyApi.settings(), 'privacy-settings');
  const [draft, setDraft] = useState<Pick<PrivacySettings, 'retention' | 'erasureWorks'> | null>(null);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  useEffect(() => {
    if (settings.data) setDraft({ retention: settings.data.retention, erasureWorks: settings.data.erasureWorks });
  }, [settings.data]);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!draft) return;
    setMessage(null);
    try {
      settings.setData(await privacyApi.saveSettings(draft));
      setMessage({ error: false, text: t('privacy.admin.saved') });
    } catch (e) {
      setMessage({ error: true, text: errorText(e, i18n) });
    }
  };
  const run = async () => {
    setMessage(null);
    try {
      await privacyApi.runRetention();
      settings.reload();
    } catch (e) {
      setMessage({ error: true, text: errorText(e, i18n) });
    }
  };

  if (settings.error && !settings.data) return <ErrorMessage error={settings.error} onRetry={settings.reload} />;
  if (!settings.data || !draft) return <Loading />;
  const last = settings.data.lastRun;
  const removed = last ? last.recommendationSignals + last.workEvents + last.sessions + last.loginThrottle + last.exports + last.jobs : 0;
  return (
    <section className="panel" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t('privacy.admin.retention.heading')}</h2>
      <p className="muted">{t('privacy.admin.retention.intro')}</p>
      <form className="form-stack" onSubmit={save}>
        {RULES.map((rule) => (
          <div className="field" key={rule}>
            <label htmlFor={`${id}-${rule}`}>{t(`privacy.admin.retention.${rule}`)}</label>
            <input id={`${id}-${rule}`} type="number" min={0} max={36500} value={draft.retention[rule]} onChange={(e) => setDraft({ ...draft, retention: { ...draft.retention, [rule]: Math.max(0, Math.floor(Number(e.target.value) || 0)) } })} />
          </div>
        ))}
        <fieldset className="field">
          <legend>{t('privacy.admin.works.heading')}</legend>
          {(['transfer', 'delete'] as const).map((policy) => (
            <p className="rec-check" key={policy}>
              <input id={`${id}-works-${policy}`} type="radio" name={`${id}-works`} checked={draft.erasureWorks === policy} onChange={() => setDraft({ ...draft, erasureWorks: policy })} />{' '}
              <label htmlFor={`${id}-works-${policy}`}>{t(`privacy.admin.works.${policy}`)}</label>
            </p>
          ))}
        </fieldset>
        <p role={message?.error ? 'alert' : 'status'} className={message ? (message.error ? 'notice notice-error' : 'notice notice-success') : 'visually-hidden'}>
          {message?.text}
        </p>
        <p className="button-row">
          <button type="submit" className="button button-primary">
            {t('privacy.admin.save')}
          </button>{' '}
          <button type="button" className="button" onClick={() => void run()}>
            {t('privacy.admin.run')}
          </button>
        </p>
      </form>
      <p>{last ? t('privacy.admin.lastRun', { date: formatDateTime(last.ranAt), removed }) : t('privacy.admin.never')}</p>
    </section>
  );
}

/** An admin erases someone else's account (their own is erased from their account page), with the admin's password again. */
function EraseAccount() {
  const i18n = useI18n();
  const { t } = i18n;
  const id = useId();
  const { user: me } = useSession();
  const users = useApi(() => api.users(), 'privacy-users');
  const [target, setTarget] = useState('');
  const [password, setPassword] = useState('');
  const [understood, setUnderstood] = useState(false);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const chosen = users.data?.items.find((u) => u.id === target);
    if (!chosen) return;
    setMessage(null);
    try {
      await privacyApi.eraseUser(chosen.id, password);
      setMessage({ error: false, text: t('privacy.admin.erase.started', { name: chosen.username }) });
      setTarget('');
      setPassword('');
      setUnderstood(false);
      users.reload();
    } catch (e) {
      setMessage({ error: true, text: errorText(e, i18n) });
    }
  };

  const others = (users.data?.items ?? []).filter((u) => u.id !== me?.id && !u.username.startsWith('erased-'));
  return (
    <section className="panel" aria-labelledby={`${id}-heading`} data-testid="privacy-admin-erase">
      <h2 id={`${id}-heading`}>{t('privacy.admin.erase.heading')}</h2>
      <p className="muted">{t('privacy.admin.erase.intro')}</p>
      {users.error && !users.data ? <ErrorMessage error={users.error} onRetry={users.reload} /> : null}
      <form className="form-stack" onSubmit={submit}>
        <div className="field">
          <label htmlFor={`${id}-user`}>{t('privacy.admin.erase.user')}</label>
          <select id={`${id}-user`} value={target} onChange={(e) => setTarget(e.target.value)} required>
            <option value="">{t('privacy.admin.erase.choose')}</option>
            {others.map((u) => (
              <option key={u.id} value={u.id}>
                {u.username}
              </option>
            ))}
          </select>
        </div>
        <p className="rec-check">
          <input id={`${id}-understand`} type="checkbox" checked={understood} onChange={(e) => setUnderstood(e.target.checked)} />{' '}
          <label htmlFor={`${id}-understand`}>{t('privacy.erase.understand')}</label>
        </p>
        <div className="field">
          <label htmlFor={`${id}-password`}>{t('privacy.admin.erase.password')}</label>
          <input id={`${id}-password`} type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </div>
        <p role={message?.error ? 'alert' : 'status'} className={message ? (message.error ? 'notice notice-error' : 'notice notice-success') : 'visually-hidden'}>
          {message?.text}
        </p>
        <button type="submit" className="button button-danger" disabled={!understood || !target || password === ''}>
          {t('privacy.admin.erase.submit')}
        </button>
      </form>
    </section>
  );
}

import { useId, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { api } from '../api';
import { ErrorMessage, errorText } from '../components/ErrorMessage';
import { Loading } from '../components/Loading';
import { STATUS_KEYS } from '../components/transfer/class-labels';
import { TransferNav } from '../components/transfer/TransferNav';
import { useClassLabel } from '../components/transfer/useClassLabel';
import { useI18n } from '../i18n';
import { usePageTitle } from '../instance';
import { useSession } from '../session';
import { DATA_CLASSES, transferApi, type DataClass, type TransferAssessment } from '../transfer-api';
import { useApi } from '../use-api';

/**
 * `/admin/transfers/assessments`: the short risk-assessment form (staff), and the list an admin
 * approves or rejects from (another admin than the submitter, unless there is only one).
 */
export function TransferAssessmentsPage() {
  const { t, pick, formatDateTime } = useI18n();
  const { user } = useSession();
  const [params] = useSearchParams();
  const list = useApi(() => transferApi.assessments(), 'transfer-assessments');
  const collections = useApi(() => api.collections(), 'collections');
  const label = useClassLabel();
  const id = useId();
  const canSubmit = user?.role === 'admin' || user?.role === 'curator';
  const isAdmin = user?.role === 'admin';
  const initialClasses = (params.get('classes') ?? '').split(',').filter((c): c is DataClass => (DATA_CLASSES as readonly string[]).includes(c));
  const [form, setForm] = useState({
    destination: params.get('destination') ?? '',
    collectionId: params.get('collection') ?? '',
    classes: initialClasses,
    purpose: '',
    recipient: '',
    volume: '',
    safeguards: '',
    notesZh: '',
    notesEn: '',
  });
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  usePageTitle(t('transfer.assessments.title'));

  const set = (changes: Partial<typeof form>) => setForm((f) => ({ ...f, ...changes }));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setMessage(null);
    try {
      const made = await transferApi.submitAssessment({
        destination: form.destination.trim(),
        dataClasses: form.classes,
        scope: { type: 'collection', ids: [form.collectionId] },
        purpose: form.purpose,
        recipient: form.recipient,
        volume: form.volume,
        safeguards: form.safeguards,
        notes: { 'zh-Hans': form.notesZh, en: form.notesEn },
      });
      setMessage({ error: false, text: t('transfer.assessments.submitted', { id: made.id }) });
      list.reload();
    } catch (error) {
      setMessage({ error: true, text: errorText(error, t) });
    } finally {
      setBusy(false);
    }
  };
  const decide = async (a: TransferAssessment, approve: boolean) => {
    setMessage(null);
    try {
      const done = approve ? await transferApi.approve(a.id) : await transferApi.reject(a.id);
      setMessage({ error: false, text: t(STATUS_KEYS[done.status]) });
      list.reload();
    } catch (error) {
      setMessage({ error: true, text: errorText(error, t) });
    }
  };
  const collectionName = (cid: string) => pick(collections.data?.items.find((c) => c.id === cid)?.name) ?? cid;

  return (
    <div className="transfer-page">
      <h1>{t('transfer.assessments.title')}</h1>
      <TransferNav />
      <p className="muted">{t('transfer.assessments.intro')}</p>
      <p role={message?.error ? 'alert' : 'status'} className={message ? (message.error ? 'notice notice-error' : 'notice notice-success') : 'visually-hidden'} data-testid="transfer-assessment-message">
        {message?.text}
      </p>

      {canSubmit && (
        <section className="panel" aria-labelledby={`${id}-form`}>
          <h2 id={`${id}-form`}>{t('transfer.assessments.formHeading')}</h2>
          <form onSubmit={submit} data-testid="transfer-assessment-form">
            <div className="field">
              <label htmlFor={`${id}-collection`}>{t('transfer.export.collection')}</label>
              <select id={`${id}-collection`} required value={form.collectionId} onChange={(e) => set({ collectionId: e.target.value })} data-testid="assessment-collection">
                <option value="">{t('transfer.export.chooseCollection')}</option>
                {(collections.data?.items ?? []).map((c) => (
                  <option key={c.id} value={c.id}>
                    {pick(c.name) ?? c.id}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor={`${id}-destination`}>{t('transfer.export.destination')}</label>
              <input id={`${id}-destination`} required maxLength={6} size={7} value={form.destination} onChange={(e) => set({ destination: e.target.value })} data-testid="assessment-destination" />
            </div>
            <fieldset className="field">
              <legend>{t('transfer.assessments.classes')}</legend>
              {DATA_CLASSES.map((c) => (
                <label key={c} className="checkbox">
                  <input type="checkbox" checked={form.classes.includes(c)} onChange={(e) => set({ classes: e.target.checked ? [...form.classes, c] : form.classes.filter((k) => k !== c) })} data-testid={`assessment-class-${c}`} /> {label(c)}
                </label>
              ))}
            </fieldset>
            {(['purpose', 'recipient', 'volume'] as const).map((field) => (
              <div className="field" key={field}>
                <label htmlFor={`${id}-${field}`}>{t(FIELD_KEYS[field])}</label>
                <input id={`${id}-${field}`} required maxLength={500} value={form[field]} onChange={(e) => set({ [field]: e.target.value })} data-testid={`assessment-${field}`} />
              </div>
            ))}
            <div className="field">
              <label htmlFor={`${id}-safeguards`}>{t('transfer.assessments.safeguards')}</label>
              <textarea id={`${id}-safeguards`} required maxLength={4000} rows={3} value={form.safeguards} onChange={(e) => set({ safeguards: e.target.value })} data-testid="assessment-safeguards" />
            </div>
            <div className="field">
              <label htmlFor={`${id}-notes-zh`}>{t('transfer.assessments.notesZh')}</label>
              <textarea id={`${id}-notes-zh`} lang="zh-Hans" maxLength={4000} rows={2} value={form.notesZh} onChange={(e) => set({ notesZh: e.target.value })} />
            </div>
            <div className="field">
              <label htmlFor={`${id}-notes-en`}>{t('transfer.assessments.notesEn')}</label>
              <textarea id={`${id}-notes-en`} lang="en" maxLength={4000} rows={2} value={form.notesEn} onChange={(e) => set({ notesEn: e.target.value })} />
            </div>
            <div className="form-actions">
              <button type="submit" className="button button-primary" disabled={busy || form.classes.length === 0} data-testid="assessment-submit">
                {t('transfer.assessments.submit')}
              </button>
            </div>
          </form>
        </section>
      )}

      {list.error ? <ErrorMessage error={list.error} onRetry={list.reload} /> : null}
      {!list.data && list.loading && <Loading />}
      {list.data && list.data.items.length === 0 && <p className="notice">{t('transfer.assessments.empty')}</p>}
      {list.data && list.data.items.length > 0 && (
        <div className="table-wrap">
          <table className="table table-reflow" data-testid="transfer-assessments">
            <caption className="visually-hidden">{t('transfer.assessments.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('transfer.assessments.col.status')}</th>
                <th scope="col">{t('transfer.export.destination')}</th>
                <th scope="col">{t('transfer.assessments.classes')}</th>
                <th scope="col">{t('transfer.assessments.col.scope')}</th>
                <th scope="col">{t('transfer.assessments.purpose')}</th>
                <th scope="col">{t('transfer.assessments.col.expires')}</th>
                {isAdmin && <th scope="col">{t('transfer.rules.actions')}</th>}
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((a) => (
                <tr key={a.id} data-testid="transfer-assessment" data-id={a.id}>
                  <td data-label={t('transfer.assessments.col.status')}>{a.expired ? t('transfer.status.expired') : t(STATUS_KEYS[a.status])}</td>
                  <td data-label={t('transfer.export.destination')}>{a.destination}</td>
                  <td data-label={t('transfer.assessments.classes')}>{a.dataClasses.map((c) => label(c)).join(', ')}</td>
                  <td data-label={t('transfer.assessments.col.scope')}>{a.scope.type === 'collection' ? a.scope.ids.map(collectionName).join(', ') : t('transfer.assessments.works', { count: a.scope.ids.length })}</td>
                  <td data-label={t('transfer.assessments.purpose')}>{a.purpose}</td>
                  <td data-label={t('transfer.assessments.col.expires')}>{a.expiresAt ? <time dateTime={a.expiresAt}>{formatDateTime(a.expiresAt)}</time> : '—'}</td>
                  {isAdmin && (
                    <td data-label={t('transfer.rules.actions')}>
                      {a.status === 'pending' && (
                        <>
                          <button type="button" className="button button-small" onClick={() => void decide(a, true)} data-testid="assessment-approve">
                            {t('transfer.assessments.approve')}
                          </button>{' '}
                          <button type="button" className="button button-small" onClick={() => void decide(a, false)} data-testid="assessment-reject">
                            {t('transfer.assessments.reject')}
                          </button>
                        </>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

const FIELD_KEYS = { purpose: 'transfer.assessments.purpose', recipient: 'transfer.assessments.recipient', volume: 'transfer.assessments.volume' } as const;

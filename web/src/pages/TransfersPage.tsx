import { useEffect, useId, useState } from 'react';
import { ErrorMessage, errorText } from '../components/ErrorMessage';
import { Loading } from '../components/Loading';
import { OUTCOME_KEYS } from '../components/transfer/class-labels';
import { TransferNav } from '../components/transfer/TransferNav';
import { useClassLabel } from '../components/transfer/useClassLabel';
import { useI18n } from '../i18n';
import { usePageTitle } from '../instance';
import { useSession } from '../session';
import { DATA_CLASSES, OUTCOMES, transferApi, type DataClass, type DataClassLabel, type RuleInput, type TransferOutcome } from '../transfer-api';
import { useApi } from '../use-api';

/** `/admin/transfers`: the cross-border transfer rules (admins edit; contradictions shown) and the labels of the data classes. */
export function TransfersPage() {
  const { t } = useI18n();
  const { user } = useSession();
  const isAdmin = user?.role === 'admin';
  const rules = useApi(() => transferApi.rules(), 'transfer-rules');
  const label = useClassLabel();
  const [draft, setDraft] = useState<RuleInput[]>([]);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const id = useId();
  usePageTitle(t('transfer.rules.title'));

  useEffect(() => {
    if (rules.data) setDraft(rules.data.items.map((r) => ({ id: r.id, destination: r.destination, dataClass: r.dataClass, outcome: r.outcome, note: r.note })));
  }, [rules.data]);

  const set = (index: number, changes: Partial<RuleInput>) => setDraft((d) => d.map((r, i) => (i === index ? { ...r, ...changes } : r)));
  const save = async () => {
    setMessage(null);
    try {
      const saved = await transferApi.setRules(draft.map((r) => ({ ...r, destination: r.destination.trim().toUpperCase() })));
      rules.setData(saved);
      setMessage({ error: false, text: t('transfer.rules.saved', { count: saved.contradictions.length }) });
    } catch (error) {
      setMessage({ error: true, text: errorText(error, t) });
    }
  };
  const contradictions = rules.data?.contradictions ?? [];

  return (
    <div className="transfer-page">
      <h1>{t('transfer.rules.title')}</h1>
      <TransferNav />
      <p className="muted">{t('transfer.rules.intro')}</p>
      {rules.error ? <ErrorMessage error={rules.error} onRetry={rules.reload} /> : null}
      {!rules.data && rules.loading && <Loading />}
      {contradictions.length > 0 && (
        <div className="notice notice-error" role="status" data-testid="transfer-contradictions">
          <p>{t('transfer.rules.contradictionsIntro')}</p>
          <ul>
            {contradictions.map((c) => (
              <li key={c.ruleId}>{t('transfer.rules.contradiction', { rule: c.ruleId, outcome: t(OUTCOME_KEYS[c.outcome]), winner: c.overriddenBy, effective: t(OUTCOME_KEYS[c.effective]) })}</li>
            ))}
          </ul>
        </div>
      )}
      {rules.data && (
        <div className="table-wrap">
          <table className="table table-reflow" data-testid="transfer-rules">
            <caption className="visually-hidden">{t('transfer.rules.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('transfer.rules.destination')}</th>
                <th scope="col">{t('transfer.rules.dataClass')}</th>
                <th scope="col">{t('transfer.rules.outcome')}</th>
                <th scope="col">{t('transfer.rules.note')}</th>
                {isAdmin && <th scope="col">{t('transfer.rules.actions')}</th>}
              </tr>
            </thead>
            <tbody>
              {draft.map((r, i) => (
                <tr key={r.id ?? `new-${i}`} className={contradictions.some((c) => c.ruleId === r.id) ? 'is-disabled-row' : undefined} data-testid="transfer-rule">
                  <td data-label={t('transfer.rules.destination')}>
                    {isAdmin ? <input aria-label={t('transfer.rules.destination')} value={r.destination} maxLength={2} size={3} onChange={(e) => set(i, { destination: e.target.value })} /> : r.destination}
                  </td>
                  <td data-label={t('transfer.rules.dataClass')}>
                    {isAdmin ? (
                      <select aria-label={t('transfer.rules.dataClass')} value={r.dataClass} onChange={(e) => set(i, { dataClass: e.target.value as DataClass | '*' })}>
                        <option value="*">{label('*')}</option>
                        {DATA_CLASSES.map((c) => (
                          <option key={c} value={c}>
                            {label(c)}
                          </option>
                        ))}
                      </select>
                    ) : (
                      label(r.dataClass)
                    )}
                  </td>
                  <td data-label={t('transfer.rules.outcome')}>
                    {isAdmin ? (
                      <select aria-label={t('transfer.rules.outcome')} value={r.outcome} onChange={(e) => set(i, { outcome: e.target.value as TransferOutcome })}>
                        {OUTCOMES.map((o) => (
                          <option key={o} value={o}>
                            {t(OUTCOME_KEYS[o])}
                          </option>
                        ))}
                      </select>
                    ) : (
                      t(OUTCOME_KEYS[r.outcome])
                    )}
                  </td>
                  <td data-label={t('transfer.rules.note')}>{isAdmin ? <input aria-label={t('transfer.rules.note')} value={r.note ?? ''} maxLength={500} onChange={(e) => set(i, { note: e.target.value })} /> : r.note}</td>
                  {isAdmin && (
                    <td data-label={t('transfer.rules.actions')}>
                      <button type="button" className="button button-small" onClick={() => setDraft((d) => d.filter((_, k) => k !== i))}>
                        {t('transfer.rules.remove')}
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="hint">{t('transfer.rules.destinationHint')}</p>
      {isAdmin && rules.data && (
        <div className="form-actions">
          <button type="button" className="button" onClick={() => setDraft((d) => [...d, { destination: '', dataClass: '*', outcome: 'assess' }])} data-testid="transfer-rule-add">
            {t('transfer.rules.add')}
          </button>
          <button type="button" className="button button-primary" onClick={() => void save()} data-testid="transfer-rules-save">
            {t('transfer.rules.save')}
          </button>
        </div>
      )}
      <p role={message?.error ? 'alert' : 'status'} className={message ? (message.error ? 'notice notice-error' : 'notice notice-success') : 'visually-hidden'} data-testid="transfer-rules-message">
        {message?.text}
      </p>
      <ClassLabels id={id} isAdmin={isAdmin} />
    </div>
  );
}

function ClassLabels({ id, isAdmin }: { id: string; isAdmin: boolean }) {
  const { t } = useI18n();
  const labels = useApi(() => transferApi.classes(), 'transfer-classes-edit');
  const [draft, setDraft] = useState<DataClassLabel[]>([]);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  useEffect(() => {
    if (labels.data) setDraft(labels.data.items);
  }, [labels.data]);
  const set = (dataClass: DataClass, lang: 'zh-Hans' | 'en', value: string) => setDraft((d) => d.map((l) => (l.dataClass === dataClass ? { ...l, label: { ...l.label, [lang]: value } } : l)));
  const save = async () => {
    setMessage(null);
    try {
      labels.setData(await transferApi.setClasses(draft));
      setMessage({ error: false, text: t('common.saved') });
    } catch (error) {
      setMessage({ error: true, text: errorText(error, t) });
    }
  };
  return (
    <section className="panel" aria-labelledby={`${id}-labels`}>
      <h2 id={`${id}-labels`}>{t('transfer.labels.heading')}</h2>
      <p className="muted">{t('transfer.labels.intro')}</p>
      {labels.error ? <ErrorMessage error={labels.error} onRetry={labels.reload} /> : null}
      <table className="table" data-testid="transfer-labels">
        <thead>
          <tr>
            <th scope="col">{t('transfer.labels.class')}</th>
            <th scope="col">{t('transfer.labels.zh')}</th>
            <th scope="col">{t('transfer.labels.en')}</th>
          </tr>
        </thead>
        <tbody>
          {draft.map((l) => (
            <tr key={l.dataClass}>
              <th scope="row">{l.dataClass}</th>
              <td lang="zh-Hans">{isAdmin ? <input aria-label={`${l.dataClass} ${t('transfer.labels.zh')}`} value={l.label['zh-Hans']} maxLength={200} onChange={(e) => set(l.dataClass, 'zh-Hans', e.target.value)} /> : l.label['zh-Hans']}</td>
              <td lang="en">{isAdmin ? <input aria-label={`${l.dataClass} ${t('transfer.labels.en')}`} value={l.label.en} maxLength={200} onChange={(e) => set(l.dataClass, 'en', e.target.value)} /> : l.label.en}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {isAdmin && (
        <div className="form-actions">
          <button type="button" className="button" onClick={() => void save()} data-testid="transfer-labels-save">
            {t('transfer.labels.save')}
          </button>
        </div>
      )}
      <p role={message?.error ? 'alert' : 'status'} className={message ? (message.error ? 'notice notice-error' : 'muted') : 'visually-hidden'}>
        {message?.text}
      </p>
    </section>
  );
}

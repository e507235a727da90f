import { useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api, errorFromBody } from '../api';
import { ErrorMessage, errorText } from '../components/ErrorMessage';
import { OUTCOME_KEYS } from '../components/transfer/class-labels';
import { TransferNav } from '../components/transfer/TransferNav';
import { useClassLabel } from '../components/transfer/useClassLabel';
import { useI18n } from '../i18n';
import { usePageTitle } from '../instance';
import { transferApi, type TransferCheck, type TransferExport } from '../transfer-api';
import { useApi } from '../use-api';

/**
 * `/admin/transfers/export`: choose a collection and where it goes, see what the transfer rules
 * decide, then download the BagIt bag — or, when an assessment is needed, fill one in.
 */
export function TransferExportPage() {
  const { t, pick, formatNumber } = useI18n();
  const collections = useApi(() => api.collections(), 'collections');
  const approved = useApi(() => transferApi.assessments('approved'), 'transfer-approved');
  const label = useClassLabel();
  const [collectionId, setCollectionId] = useState('');
  const [destination, setDestination] = useState('');
  const [assessmentId, setAssessmentId] = useState('');
  const [check, setCheck] = useState<TransferCheck | null>(null);
  const [made, setMade] = useState<TransferExport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();
  usePageTitle(t('transfer.export.title'));

  const reset = () => {
    setCheck(null);
    setMade(null);
    setError(null);
  };
  const runCheck = async (event: FormEvent) => {
    event.preventDefault();
    reset();
    setBusy(true);
    try {
      setCheck(await transferApi.check({ collectionId }, destination.trim(), assessmentId || null));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const runExport = async () => {
    setError(null);
    setBusy(true);
    try {
      setMade(await transferApi.exportBag({ collectionId }, destination.trim(), assessmentId || null));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const country = destination.trim().toUpperCase().slice(0, 2);
  const usable = (approved.data?.items ?? []).filter((a) => !a.expired && a.destination.slice(0, 2) === country);
  const needs = check?.outcome === 'assess' && check.problem !== null;

  return (
    <div className="transfer-page">
      <h1>{t('transfer.export.title')}</h1>
      <TransferNav />
      <p className="muted">{t('transfer.export.intro')}</p>
      {collections.error ? <ErrorMessage error={collections.error} onRetry={collections.reload} /> : null}
      <form onSubmit={runCheck} data-testid="transfer-export-form">
        <div className="field">
          <label htmlFor={`${id}-collection`}>{t('transfer.export.collection')}</label>
          <select id={`${id}-collection`} data-testid="transfer-export-collection" required value={collectionId} onChange={(e) => (setCollectionId(e.target.value), reset())}>
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
          <input id={`${id}-destination`} data-testid="transfer-export-destination" required value={destination} maxLength={6} size={7} aria-describedby={`${id}-destination-hint`} onChange={(e) => (setDestination(e.target.value), reset())} />
          <p className="hint" id={`${id}-destination-hint`}>
            {t('transfer.export.destinationHint')}
          </p>
        </div>
        <div className="field">
          <label htmlFor={`${id}-assessment`}>{t('transfer.export.assessment')}</label>
          <select id={`${id}-assessment`} data-testid="transfer-export-assessment" value={assessmentId} onChange={(e) => (setAssessmentId(e.target.value), reset())}>
            <option value="">{t('transfer.export.noAssessment')}</option>
            {usable.map((a) => (
              <option key={a.id} value={a.id}>
                {t('transfer.export.assessmentOption', { destination: a.destination, purpose: a.purpose, id: a.id })}
              </option>
            ))}
          </select>
        </div>
        <div className="form-actions">
          <button type="submit" className="button" disabled={busy || !collectionId || !destination.trim()} data-testid="transfer-export-check">
            {t('transfer.export.check')}
          </button>
        </div>
      </form>

      {check && (
        <section className={check.problem ? 'notice notice-error' : 'notice notice-success'} aria-labelledby={`${id}-decision`} data-testid="transfer-decision">
          <h2 id={`${id}-decision`}>{t('transfer.export.decision', { outcome: t(OUTCOME_KEYS[check.outcome]), destination: check.destination, works: formatNumber(check.works) })}</h2>
          <ul>
            {check.classes.map((c) => (
              <li key={c.dataClass}>
                {label(c.dataClass)}: {t(OUTCOME_KEYS[c.outcome])}
              </li>
            ))}
          </ul>
          {check.assessmentId && <p>{t('transfer.export.coveredBy', { id: check.assessmentId })}</p>}
          {check.problem && <p data-testid="transfer-decision-problem">{errorText(errorFromBody(409, { error: check.problem }), t)}</p>}
          {needs && (
            <p>
              <Link to={`/admin/transfers/assessments?collection=${encodeURIComponent(collectionId)}&destination=${encodeURIComponent(check.destination)}&classes=${encodeURIComponent(check.needsAssessment.join(','))}`} data-testid="transfer-fill-assessment">
                {t('transfer.export.fillAssessment')}
              </Link>
            </p>
          )}
          <div className="form-actions">
            <button type="button" className="button button-primary" onClick={() => void runExport()} disabled={busy} data-testid="transfer-export-run">
              {t('transfer.export.run')}
            </button>
          </div>
        </section>
      )}
      {error ? <ErrorMessage error={error} /> : null}
      {made && (
        <div className="notice notice-success" role="status" data-testid="transfer-export-done">
          <p>{t('transfer.export.done', { works: formatNumber(made.works), bytes: formatNumber(made.bytes) })}</p>
          <a className="button" href={made.downloadUrl} download={made.fileName} data-testid="transfer-export-download">
            {t('transfer.export.download')}
          </a>
        </div>
      )}
    </div>
  );
}

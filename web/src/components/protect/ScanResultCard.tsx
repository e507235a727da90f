import { useId, useState } from 'react';
import { useNavigate } from 'react-router';
import { api, evidencePath } from '../../api';
import { formatBytes } from '../../format';
import { useI18n } from '../../i18n';
import { serverErrorText } from '../../server-errors';
import type { ScanResult } from '../../types';
import { errorText } from '../ErrorMessage';
import { ScanMatchItem } from './ScanMatchItem';
import { WarningList, WatermarkNote } from './WatermarkNote';

export interface ScanEntry {
  key: number;
  file: File;
  state: 'waiting' | 'scanning' | 'done' | 'failed';
  result?: ScanResult;
  /** Why the request for this file failed (the result's own `error` says why a scan failed). */
  error?: string;
}

/** The status of one file in words. */
function useStatusText(entry: ScanEntry): string {
  const { t, lang } = useI18n();
  const { state, result } = entry;
  if (state === 'waiting') return t('scan.status.waiting');
  if (state === 'scanning') return t('scan.status.scanning');
  if (state === 'failed' || !result) return t('scan.status.error', { reason: entry.error ?? '' });
  if (result.status === 'error') {
    const reason = result.problem ? serverErrorText({ ...result.problem, message: result.error }, { t, lang }) : (result.error ?? '');
    return t('scan.status.error', { reason });
  }
  if (result.status === 'matched') return t('scan.status.matched', { count: result.matches.length });
  return result.status === 'unmatchable' ? t('scan.status.unmatchable') : t('scan.status.no_match');
}

/**
 * The result of one suspect file: its status, the works it matches, the watermark read from it,
 * warnings, and a button that saves it as a registered evidence report.
 */
export function ScanResultCard({ entry }: { entry: ScanEntry }) {
  const { t, lang, formatNumber } = useI18n();
  const [saving, setSaving] = useState<'idle' | 'busy' | { error: string }>('idle');
  const navigate = useNavigate();
  const id = useId();
  const { file, result } = entry;
  const statusText = useStatusText(entry);
  const failed = entry.state === 'failed' || result?.status === 'error';
  const tone = failed ? 'is-failed' : result?.status === 'matched' ? 'is-matched' : '';
  const fp = result?.fingerprint;

  const save = async () => {
    if (saving === 'busy') return;
    setSaving('busy');
    try {
      const view = await api.createEvidence(file);
      navigate(evidencePath(view.id));
    } catch (error) {
      setSaving({ error: errorText(error, t) });
    }
  };

  return (
    <li className={`panel scan-card ${tone}`} data-testid="scan-result" data-status={result?.status ?? entry.state}>
      <div className="scan-card-head">
        <h3 id={`${id}-name`} className="scan-name break">
          {file.name}
        </h3>
        <span className="muted">
          {formatBytes(file.size, lang)}
          {fp && ` · ${formatNumber(fp.width)} × ${formatNumber(fp.height)} px · ${fp.format.toUpperCase()}`}
        </span>
      </div>
      <p className="scan-status" data-testid="scan-status">
        {entry.state === 'scanning' && <span className="spinner" aria-hidden="true" />}
        {statusText}
      </p>

      {result && result.matches.length > 0 && (
        <ul className="match-list" aria-label={t('scan.matches')}>
          {result.matches.map((m) => (
            <ScanMatchItem key={m.workId} match={m} />
          ))}
        </ul>
      )}
      {result && result.status !== 'error' && <WatermarkNote finding={result.watermark} />}
      {result && <WarningList notices={result.notices} />}

      {result && result.status !== 'error' && (
        <div className="scan-card-actions">
          <button type="button" className="button" onClick={save} aria-disabled={saving === 'busy'} aria-describedby={`${id}-name`} data-testid="save-evidence">
            {saving === 'busy' ? t('scan.saving') : t('scan.save')}
          </button>
          <div aria-live="polite">
            {typeof saving === 'object' && (
              <p className="notice notice-error" data-testid="save-evidence-error">
                {t('scan.saveFailed', { message: saving.error })}
              </p>
            )}
          </div>
        </div>
      )}
    </li>
  );
}

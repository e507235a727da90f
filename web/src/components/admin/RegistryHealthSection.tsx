import { useId } from 'react';
import { api } from '../../api';
import { useI18n } from '../../i18n';
import { useApi } from '../../use-api';
import { ErrorMessage } from '../ErrorMessage';
import { Loading } from '../Loading';

/**
 * How well the copyright registry is protected: without a witness, whoever holds the database could
 * roll the log back unnoticed, so the page says so and which settings fix it (admin page, and setup
 * on first start). Rows refused by the sequencer are shown too.
 */
export function RegistryHealthSection({ onlyWarnings = false }: { onlyWarnings?: boolean }) {
  const { t } = useI18n();
  const health = useApi(() => api.registryHealth(), 'registry-health');
  const id = useId();
  const data = health.data;
  if (onlyWarnings && (!data || (data.witnesses > 0 && data.rejected === 0))) return null;
  return (
    <section className="panel" aria-labelledby={`${id}-heading`} data-testid="registry-health">
      <h2 id={`${id}-heading`}>{t('registry.health.heading')}</h2>
      {health.error ? <ErrorMessage error={health.error} onRetry={health.reload} /> : null}
      {!data && health.loading && <Loading />}
      {data && !data.rollbackDetectable && (
        <div className="notice notice-warning" role="note" data-testid="no-witness">
          <p>
            <strong>{t('registry.health.noWitness')}</strong>
          </p>
          <p>{t('registry.health.noWitnessHelp')}</p>
        </div>
      )}
      {data && data.witnesses > 0 && <p>{t('registry.health.witnessed', { count: data.witnesses, quorum: data.quorum })}</p>}
      {data && data.rejected > 0 && (
        <p className="notice notice-error" role="alert">
          {t('registry.health.rejected', { count: data.rejected })}
        </p>
      )}
      {data && !onlyWarnings && <p className="muted">{t('registry.health.size', { size: data.treeSize, checkpoints: data.checkpoints })}</p>}
    </section>
  );
}

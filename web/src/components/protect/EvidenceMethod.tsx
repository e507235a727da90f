import { useI18n } from '../../i18n';
import { EVIDENCE_METHOD_V1, type EvidenceBundle } from '../../types';

/**
 * The method lines of an evidence report. The bundle records them in English (they are part of the
 * registered bytes); the known ones are shown in the reader's language, any other as written.
 */
export function EvidenceMethod({ method }: { method: EvidenceBundle['method'] }) {
  const { t } = useI18n();
  return (
    <ul>
      {method.fingerprint === EVIDENCE_METHOD_V1.fingerprint ? <li>{t('evidence.method.fingerprint', { distance: method.matchDistance })}</li> : <li lang="en">{method.fingerprint}</li>}
      {method.watermark === EVIDENCE_METHOD_V1.watermark ? <li>{t('evidence.method.watermark')}</li> : <li lang="en">{method.watermark}</li>}
    </ul>
  );
}

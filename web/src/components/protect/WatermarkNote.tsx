import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { useI18n, type MessageKey } from '../../i18n';
import { noticeText } from '../../server-errors';
import type { Notice, WatermarkFinding } from '../../types';

const PURPOSE_KEYS: Record<string, MessageKey> = { download: 'purpose.download', licence: 'purpose.licence', public: 'purpose.public' };

function Fact({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd data-testid={testId}>{children}</dd>
    </div>
  );
}

/**
 * What the watermark decoder read: nothing; this archive's mark on a copy the reader may not see
 * (no serial, no details); or its payload and, for those who may see it, the copy it names
 * (serial, recipient, purpose, reference, date).
 */
export function WatermarkNote({ finding, headingLevel = 4 }: { finding: WatermarkFinding | null; headingLevel?: 2 | 4 }) {
  const { t, lang, formatDateTime } = useI18n();
  const Heading = headingLevel === 2 ? 'h2' : 'h4';
  const copy = finding?.copy;
  return (
    <div className="watermark-note" data-testid="watermark" data-payload={finding?.payload ?? ''}>
      <Heading className="watermark-heading">{t('scan.watermark')}</Heading>
      {!finding && <p className="muted">{t('scan.watermark.notRead')}</p>}
      {finding && !finding.payload && !finding.hidden && <p className="muted">{t('scan.watermark.none')}</p>}
      {finding?.hidden && (
        <p data-testid="watermark-hidden">
          {t('scan.watermark.hiddenCopy', { confidence: new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 }).format(finding.confidence) })}
        </p>
      )}
      {finding?.payload && (
        <>
          <p>
            {t('scan.watermark.found', { confidence: new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 }).format(finding.confidence) })} <span className="mono">{finding.payload}</span>
          </p>
          {copy ? (
            <dl className="facts">
              <Fact label={t('scan.copy.serial')} testId="watermark-serial">
                {copy.serial}
              </Fact>
              <Fact label={t('scan.copy.work')}>
                <Link to={`/works/${encodeURIComponent(copy.workId)}`}>{copy.workId}</Link>
              </Fact>
              <Fact label={t('scan.copy.recipient')} testId="watermark-recipient">
                {copy.recipient ?? copy.recipientId ?? t('common.unknown')}
              </Fact>
              <Fact label={t('scan.copy.purpose')}>{PURPOSE_KEYS[copy.purpose] ? t(PURPOSE_KEYS[copy.purpose]!) : copy.purpose}</Fact>
              {copy.reference && <Fact label={t('scan.copy.reference')}>{copy.reference}</Fact>}
              <Fact label={t('scan.copy.date')}>
                <time dateTime={copy.createdAt}>{formatDateTime(copy.createdAt)}</time>
              </Fact>
            </dl>
          ) : (
            <p className="muted">{t('scan.watermark.unknownCopy')}</p>
          )}
        </>
      )}
    </div>
  );
}

/** The scan's warnings, as the server wrote them (in English). */
export function WarningList({ notices, english = [] }: { notices?: Notice[]; english?: string[] }) {
  const { t, lang } = useI18n();
  if ((notices?.length ?? 0) + english.length === 0) return null;
  return (
    <div className="scan-warnings">
      <span className="protect-label">{t('scan.warnings')}</span>
      <ul data-testid="scan-warnings">
        {(notices ?? []).map((n, i) => {
          const said = noticeText(n, { t, lang });
          return (
            <li key={i} lang={said.lang}>
              {said.text}
            </li>
          );
        })}
        {/* A registered evidence bundle keeps its warnings as written (English): they are part of the signed document. */}
        {english.map((w, i) => (
          <li key={`en-${i}`} lang="en">
            {w}
          </li>
        ))}
      </ul>
    </div>
  );
}

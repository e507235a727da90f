import { useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { evidenceFileUrl, thumbnailUrl } from '../../api';
import { formatBytes } from '../../format';
import { useI18n } from '../../i18n';
import type { EvidenceBundle } from '../../types';
import { ReceiptLinks } from './ReceiptLinks';
import { DistanceText, TransformList } from './ScanMatchItem';

type Match = EvidenceBundle['matches'][number];

/** An image of the report, or a note in its place when it cannot be shown. */
function Picture({ src, alt, caption, testId }: { src: string; alt: string; caption: ReactNode; testId: string }) {
  const { t } = useI18n();
  const [failed, setFailed] = useState(false);
  return (
    <figure className="evidence-figure" data-testid={testId}>
      <div className="evidence-image">{failed ? <span className="muted">{t('evidence.noImage')}</span> : <img src={src} alt={alt} onError={() => setFailed(true)} />}</div>
      <figcaption>{caption}</figcaption>
    </figure>
  );
}

/** The suspect image of a report and, when it matched, the work's thumbnail beside it. */
export function EvidenceImages({ reportId, bundle, match }: { reportId: string; bundle: EvidenceBundle; match?: Match }) {
  const { t } = useI18n();
  const title = match?.title ?? t('scan.match.untitled');
  return (
    <div className="evidence-images">
      <Picture src={evidenceFileUrl(reportId, 'suspect')} alt={t('evidence.suspectAlt', { name: bundle.suspect.name })} caption={t('evidence.col.suspect')} testId="evidence-suspect" />
      {match && <Picture src={thumbnailUrl(match.workId, match.original.sha256)} alt={t('evidence.originalAlt', { title })} caption={t('evidence.col.original')} testId="evidence-original" />}
    </div>
  );
}

/** Hashes and fingerprints of the suspect and, when given, of the matched original, side by side. */
export function EvidenceFacts({ bundle, match }: { bundle: EvidenceBundle; match?: Match }) {
  const { t, lang, formatNumber } = useI18n();
  const s = bundle.suspect;
  const dash = '—';
  const rows: [string, ReactNode, ReactNode, boolean][] = [
    [t('evidence.row.sha256'), s.sha256, match?.original.sha256, true],
    [t('evidence.row.pdq'), s.pdq?.hash ?? dash, match?.original.pdq ?? dash, true],
    [t('evidence.row.quality'), s.pdq ? formatNumber(s.pdq.quality) : dash, match?.original.quality != null ? formatNumber(match.original.quality) : dash, false],
    [t('evidence.row.iscc'), s.iscc ?? dash, match?.original.iscc ?? dash, true],
    [t('evidence.row.name'), s.name, null, false],
    [t('evidence.row.size'), formatBytes(s.size, lang), null, false],
    [t('evidence.row.pixels'), s.width && s.height ? `${formatNumber(s.width)} × ${formatNumber(s.height)}${s.format ? ` · ${s.format.toUpperCase()}` : ''}` : dash, match?.original.width && match.original.height ? `${formatNumber(match.original.width)} × ${formatNumber(match.original.height)}` : null, false],
  ];
  return (
    <div className="table-wrap">
      <table className="table evidence-table" data-testid="evidence-facts">
        <caption className="visually-hidden">{t('evidence.facts')}</caption>
        <thead>
          <tr>
            <td />
            <th scope="col">{t('evidence.col.suspect')}</th>
            {match && <th scope="col">{t('evidence.col.original')}</th>}
          </tr>
        </thead>
        <tbody>
          {rows.map(([label, suspect, original, mono]) => (
            <tr key={label}>
              <th scope="row">{label}</th>
              <td className={mono ? 'mono break' : undefined}>{suspect}</td>
              {match && <td className={mono ? 'mono break' : undefined}>{original ?? dash}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** One matching work of a report: its images, hashes, distance, transformations and receipts. */
export function EvidenceMatch({ reportId, bundle, match, n }: { reportId: string; bundle: EvidenceBundle; match: Match; n: number }) {
  const { t } = useI18n();
  const title = match.title ?? t('scan.match.untitled');
  return (
    <section className="evidence-section" aria-labelledby={`evidence-match-${n}`} data-testid="evidence-match" data-work-id={match.workId}>
      <h2 id={`evidence-match-${n}`}>
        {t('evidence.match', { n })}{' '}
        <Link to={`/works/${encodeURIComponent(match.workId)}`} data-testid="evidence-work-link">
          {title}
        </Link>
      </h2>
      <EvidenceImages reportId={reportId} bundle={bundle} match={match} />
      <EvidenceFacts bundle={bundle} match={match} />
      <p className="match-distance" data-testid="evidence-distance" data-distance={match.distance}>
        <DistanceText distance={match.distance} limit={bundle.method.matchDistance} />
      </p>
      <TransformList transforms={match.transforms} notes={match.transformNotes} />
      <h3>{t('evidence.receipts')}</h3>
      <ReceiptLinks receipts={match.receipts} />
    </section>
  );
}

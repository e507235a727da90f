import { useState } from 'react';
import { Link } from 'react-router';
import { thumbnailUrl } from '../../api';
import { useI18n } from '../../i18n';
import type { ScanMatch, TransformNote } from '../../types';
import { ReceiptLinks } from './ReceiptLinks';

/** PDQ hashes this many bits apart or closer show the same picture (src/protect/pdq/pdq.ts PDQ_MATCH_DISTANCE). */
export const SAME_PICTURE_BITS = 31;

/** How far apart two PDQ hashes are, with the rule that reads it. */
export function DistanceText({ distance, limit = SAME_PICTURE_BITS }: { distance: number; limit?: number }) {
  const { t, formatNumber } = useI18n();
  return <>{t('scan.match.distance', { distance: formatNumber(distance), limit: formatNumber(limit) })}</>;
}

/** The likely transformations in the reader's language; older evidence bundles have only the server's English. */
export function TransformList({ transforms, notes }: { transforms: string[]; notes?: TransformNote[] | undefined }) {
  const { t, formatNumber } = useI18n();
  if (transforms.length === 0 && !notes?.length) return null;
  return (
    <div className="transforms">
      <span className="protect-label">{t('scan.match.transforms')}</span>
      {notes ? (
        <ul data-testid="transform-notes">
          {notes.map((note, i) => (
            <li key={i} data-code={note.code}>
              {t(`transform.${note.code}`, { value: 'value' in note ? (typeof note.value === 'number' ? formatNumber(note.value) : note.value) : '' })}
            </li>
          ))}
        </ul>
      ) : (
        <ul lang="en">
          {transforms.map((tr) => (
            <li key={tr}>{tr}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** One work that a suspect image matches: thumbnail and title (a link to it), distance, changes, receipts. */
export function ScanMatchItem({ match }: { match: ScanMatch }) {
  const { t } = useI18n();
  const [noThumb, setNoThumb] = useState(false);
  const title = match.title ?? t('scan.match.untitled');
  return (
    <li className="match" data-testid="scan-match" data-work-id={match.workId} data-distance={match.distance}>
      <Link to={`/works/${encodeURIComponent(match.workId)}`} className="match-work" data-testid="scan-match-link">
        <span className="match-thumb">
          {!noThumb && <img src={thumbnailUrl(match.workId, match.sha256)} alt="" loading="lazy" decoding="async" onError={() => setNoThumb(true)} />}
        </span>
        <span className="match-title">{title}</span>
      </Link>
      <div className="match-body">
        <p className="match-distance">
          <DistanceText distance={match.distance} />
        </p>
        <TransformList transforms={match.transforms} notes={match.transformNotes} />
        <span className="protect-label">{t('scan.match.receipts')}</span>
        <ReceiptLinks receipts={match.receipts} />
      </div>
    </li>
  );
}

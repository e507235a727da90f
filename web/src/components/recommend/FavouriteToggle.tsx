import { useState } from 'react';
import { useI18n } from '../../i18n';
import { recommendApi } from '../../recommend-api';

/**
 * A small ☆ on the work page that tells the recommender the reader likes the work. There are no
 * favourite lists yet, so it only sends the signal (kept with consent) and stays lit for this visit.
 */
export function FavouriteToggle({ workId }: { workId: string }) {
  const { t } = useI18n();
  const [on, setOn] = useState(false);
  const toggle = () => {
    const next = !on;
    setOn(next);
    if (next) recommendApi.signal(workId, 'favourite').catch(() => undefined);
  };
  return (
    <button type="button" className="button button-quiet rec-favourite" aria-pressed={on} onClick={toggle} title={t('recommend.favouriteHint')} data-testid="favourite-toggle">
      <span aria-hidden="true">{on ? '★' : '☆'}</span> {on ? t('recommend.favourited') : t('recommend.favourite')}
    </button>
  );
}

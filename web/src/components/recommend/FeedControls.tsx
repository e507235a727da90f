import { useId } from 'react';
import { Link } from 'react-router';
import { useI18n } from '../../i18n';
import type { RecommendationMode } from '../../recommend-api';

/** The familiar ↔ explore slider: a native range (arrow keys move it a step), named at both ends. */
export function FamiliarExploreSlider({ value, onChange }: { value: number; onChange: (value: number) => void }) {
  const { t } = useI18n();
  const id = useId();
  const step = Math.round(value * 4);
  return (
    <div className="rec-slider">
      <label htmlFor={`${id}-range`} className="rec-slider-label">
        {t('recommend.slider.label')}
      </label>
      <div className="rec-slider-track">
        <span aria-hidden="true">{t('recommend.slider.familiar')}</span>
        <input
          id={`${id}-range`}
          type="range"
          min={0}
          max={1}
          step={0.25}
          value={value}
          onChange={(e) => onChange(Number(e.target.value))}
          aria-valuetext={t('recommend.slider.value', { step })}
          aria-describedby={`${id}-hint`}
          data-testid="rec-slider"
        />
        <span aria-hidden="true">{t('recommend.slider.explore')}</span>
      </div>
      <p id={`${id}-hint`} className="hint">
        {t('recommend.slider.hint')}
      </p>
    </div>
  );
}

/** Personalised or the list everyone sees; the choice is the reader's, remembered in this browser. */
export function ModeSwitch({ mode, onChange }: { mode: RecommendationMode; onChange: (mode: RecommendationMode) => void }) {
  const { t } = useI18n();
  const id = useId();
  return (
    <div className="rec-mode">
      <label className="rec-check">
        <input type="checkbox" role="switch" checked={mode === 'personal'} onChange={(e) => onChange(e.target.checked ? 'personal' : 'general')} aria-describedby={`${id}-hint`} data-testid="rec-mode" />{' '}
        {t('recommend.mode.personal')}
      </label>
      <p id={`${id}-hint`} className="hint">
        {t('recommend.mode.personalHint')}
      </p>
    </div>
  );
}

/** Says that the list is the same for everyone, and how a signed-in reader can change that. */
export function NotPersonalisedNote({ signedIn, consented, chosen }: { signedIn: boolean; consented: boolean; chosen: boolean }) {
  const { t } = useI18n();
  if (signedIn && consented) {
    return chosen ? (
      <p className="rec-note" data-testid="rec-not-personalised">
        {t('recommend.general.chosen')}
      </p>
    ) : null;
  }
  return (
    <p className="rec-note" data-testid="rec-not-personalised">
      {signedIn ? t('recommend.general.noConsent') : t('recommend.general.anonymous')}{' '}
      {signedIn && (
        <Link to="/account#recommendations" data-testid="rec-turn-on">
          {t('recommend.general.turnOn')}
        </Link>
      )}
    </p>
  );
}

import { RIGHTS_USES, type RightsUse } from '../catalogue-query';
import { useI18n } from '../i18n';

interface Props {
  /** How many of the current results allow each use (absent until the first answer). */
  counts: { value: RightsUse; count: number }[] | undefined;
  selected: RightsUse[];
  onToggle: (use: RightsUse) => void;
}

/** "What may I do with it?": free to reuse, licensable, AI training allowed; each one chosen narrows the results. */
export function RightsUseFilter({ counts, selected, onToggle }: Props) {
  const { t, formatNumber } = useI18n();
  const countOf = new Map((counts ?? []).map((c) => [c.value, c.count]));
  return (
    <fieldset className="facet-group" data-testid="rights-use-filter">
      <legend>{t('rightsUse.legend')}</legend>
      <ul>
        {RIGHTS_USES.map((use) => {
          const id = `rights-use-${use}`;
          const count = countOf.get(use);
          return (
            <li key={use}>
              <input id={id} type="checkbox" checked={selected.includes(use)} onChange={() => onToggle(use)} aria-describedby={`${id}-hint`} />
              <label htmlFor={id}>
                <span className="facet-label">{t(`rightsUse.${use}`)}</span>
                {count !== undefined && (
                  <span className="facet-count">
                    <span aria-hidden="true">{formatNumber(count)}</span>
                    <span className="visually-hidden">{t('facet.count', { count })}</span>
                  </span>
                )}
              </label>
              <p className="hint visually-hidden" id={`${id}-hint`}>
                {t(`rightsUse.${use}Hint`)}
              </p>
            </li>
          );
        })}
      </ul>
    </fieldset>
  );
}

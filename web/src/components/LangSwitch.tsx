import { useI18n } from '../i18n';
import { GlobeIcon } from './icons';

/**
 * One button that flips the interface and the metadata between Chinese and English. The label
 * names both languages (each in its own script) and the current one is marked; `aria-pressed`
 * reads as "English on".
 */
export function LangSwitch() {
  const { lang, setLang, t } = useI18n();
  const english = lang === 'en';
  return (
    <button
      type="button"
      className="lang-switch"
      data-testid="lang-switch"
      aria-pressed={english}
      onClick={() => setLang(english ? 'zh-Hans' : 'en')}
    >
      <GlobeIcon size="1.05em" />{' '}
      <span lang="zh-Hans" className={english ? undefined : 'is-current'}>
        中文
      </span>
      <span aria-hidden="true"> / </span>
      <span lang="en" className={english ? 'is-current' : undefined}>
        English
      </span>
      <span className="visually-hidden"> — {t('lang.current')}</span>
    </button>
  );
}

import { Link } from 'react-router';
import { useI18n } from '../../i18n';
import type { Home } from '../../types';

type FirstRun = NonNullable<Home['firstRun']>;

/**
 * What staff see on an instance that shows visitors nothing yet: the three steps to a public
 * collection, each marked done or to do, with the page that does it.
 */
export function FirstRunPanel({ state }: { state: FirstRun }) {
  const { t } = useI18n();
  const steps = [
    { done: state.institutionNamed, title: state.institutionNamed ? t('home.firstRun.nameDone') : t('home.firstRun.name'), hint: null, to: '/setup', action: t('home.firstRun.goSetup') },
    { done: state.works > 0, title: state.works > 0 ? t('home.firstRun.importDone', { count: state.works }) : t('home.firstRun.import'), hint: t('home.firstRun.importHint'), to: '/upload', action: t('home.firstRun.goUpload') },
    { done: state.publicWorks > 0, title: t('home.firstRun.publish'), hint: t('home.firstRun.publishHint'), to: '/works', action: t('home.firstRun.goCatalogue') },
  ];
  return (
    <section className="first-run" aria-labelledby="first-run-title" data-testid="first-run">
      <h1 id="first-run-title">{t('home.firstRun.title')}</h1>
      <p className="lede">{t('home.firstRun.lede')}</p>
      <ol className="first-run-steps">
        {steps.map((step) => (
          <li key={step.to} className={step.done ? 'first-run-step is-done' : 'first-run-step'}>
            <span className="first-run-state">{step.done ? t('home.firstRun.stepDone') : t('home.firstRun.stepTodo')}</span>
            <div>
              <h2>{step.title}</h2>
              {step.hint && <p>{step.hint}</p>}
              {!step.done && (
                <Link className="button" to={step.to}>
                  {step.action}
                </Link>
              )}
            </div>
          </li>
        ))}
      </ol>
      <p>{t('home.firstRun.thenHome')}</p>
    </section>
  );
}

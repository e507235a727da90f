import { useEffect, useId, useState } from 'react';
import { errorText, ErrorMessage } from '../components/ErrorMessage';
import { WorkPicker } from '../components/exhibitions/WorkPicker';
import { Loading } from '../components/Loading';
import { useI18n } from '../i18n';
import { usePageTitle } from '../instance';
import { htmlLang } from '../lang';
import { facetValueLabel } from '../labels';
import { recommendApi, type RecommendationCuratorView } from '../recommend-api';
import type { WorkSummary } from '../types';
import { useApi } from '../use-api';
import { useVocabulary } from '../vocabulary';
import '../styles/recommend.css';

/** How often, and how many times, the page looks for the rebuilt model. */
const REBUILD_POLL_MS = 1500;
const REBUILD_POLLS = 20;

/**
 * /recommendations/curate, for curators and admins: the picks everyone sees (pinned with the
 * exhibition editor's work picker), what the model learnt from, and how evenly the lists it would
 * build now spread attention over the collection.
 */
export function RecommendCuratePage() {
  const i18n = useI18n();
  const { t } = i18n;
  usePageTitle(t('recommend.curate.title'));
  const view = useApi(() => recommendApi.curator(), 'recommend-curator', true);
  const [polling, setPolling] = useState<{ builtAt: string | null; left: number } | null>(null);
  const [rebuildNote, setRebuildNote] = useState<string | null>(null);

  // After "rebuild now", asks again until the model's build time changes (or it gives up).
  useEffect(() => {
    if (!polling) return;
    if (polling.left <= 0 || (view.data && view.data.model.builtAt !== polling.builtAt)) {
      setPolling(null);
      return;
    }
    const timer = window.setTimeout(() => {
      view.reload();
      setPolling((p) => (p ? { ...p, left: p.left - 1 } : p));
    }, REBUILD_POLL_MS);
    return () => window.clearTimeout(timer);
  }, [polling, view.data]);

  const rebuild = async () => {
    setRebuildNote(null);
    try {
      await recommendApi.rebuild();
      setRebuildNote(t('recommend.curate.rebuilding'));
      setPolling({ builtAt: view.data?.model.builtAt ?? null, left: REBUILD_POLLS });
    } catch (e) {
      setRebuildNote(errorText(e, i18n));
    }
  };

  if (view.error && !view.data) return <ErrorMessage error={view.error} onRetry={view.reload} />;
  const data = view.data;
  if (!data) return <Loading />;
  return (
    <div className="rec-curate-page">
      <h1>{t('recommend.curate.title')}</h1>
      <PicksEditor initial={data.picks} onSaved={view.reload} />
      <ModelFacts model={data.model} onRebuild={rebuild} busy={polling !== null} note={rebuildNote} />
      <ExposureFigures exposure={data.exposure} />
    </div>
  );
}

function PicksEditor({ initial, onSaved }: { initial: WorkSummary[]; onSaved: () => void }) {
  const i18n = useI18n();
  const { t, pickEntry } = i18n;
  const id = useId();
  const [picks, setPicks] = useState<WorkSummary[]>(initial);
  const [status, setStatus] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const add = (work: WorkSummary) => {
    if (picks.some((p) => p.id === work.id)) {
      setStatus(t('recommend.curate.already'));
      return;
    }
    setStatus(null);
    setPicks([...picks, work]);
  };
  const move = (index: number) => {
    if (index <= 0) return;
    const next = [...picks];
    [next[index - 1], next[index]] = [next[index]!, next[index - 1]!];
    setPicks(next);
  };
  const save = async () => {
    setSaving(true);
    setStatus(null);
    try {
      await recommendApi.savePicks(picks.map((p) => p.id));
      setStatus(t('recommend.curate.saved'));
      onSaved();
    } catch (e) {
      setStatus(errorText(e, i18n));
    } finally {
      setSaving(false);
    }
  };

  return (
    <section className="panel" aria-labelledby={`${id}-heading`} data-testid="rec-picks">
      <h2 id={`${id}-heading`}>{t('recommend.curate.picks')}</h2>
      <p className="hint">{t('recommend.curate.picksHint')}</p>
      {picks.length === 0 ? (
        <p>{t('recommend.curate.noPicks')}</p>
      ) : (
        <ol className="rec-picks">
          {picks.map((work, index) => {
            const title = pickEntry(work.title);
            const text = title?.[1] ?? work.id;
            return (
              <li key={work.id} data-testid="rec-pick">
                <span lang={title ? htmlLang(title[0]) : undefined}>{text}</span>
                <span className="rec-pick-actions">
                  {index > 0 && (
                    <button type="button" className="button button-quiet" onClick={() => move(index)}>
                      {t('recommend.curate.up')}
                    </button>
                  )}
                  <button type="button" className="button button-quiet" onClick={() => setPicks(picks.filter((p) => p.id !== work.id))} aria-label={t('recommend.curate.unpinWork', { title: text })}>
                    {t('recommend.curate.unpin')}
                  </button>
                </span>
              </li>
            );
          })}
        </ol>
      )}
      <WorkPicker label={t('recommend.curate.add')} onPick={add} />
      <p>
        <button type="button" className="button button-primary" onClick={() => void save()} disabled={saving} data-testid="rec-picks-save">
          {t('recommend.curate.save')}
        </button>
      </p>
      <p role="status" className={status ? 'notice' : 'visually-hidden'}>
        {status}
      </p>
    </section>
  );
}

function ModelFacts({ model, onRebuild, busy, note }: { model: RecommendationCuratorView['model']; onRebuild: () => void; busy: boolean; note: string | null }) {
  const { t, formatDateTime, formatNumber } = useI18n();
  const id = useId();
  return (
    <section className="panel" aria-labelledby={`${id}-heading`} data-testid="rec-model">
      <h2 id={`${id}-heading`}>{t('recommend.curate.model')}</h2>
      <dl className="metadata compact">
        <div className="metadata-row">
          <dt>{t('recommend.curate.builtAt')}</dt>
          <dd data-testid="rec-built-at">{model.builtAt ? formatDateTime(model.builtAt) : t('recommend.curate.never')}</dd>
        </div>
        <div className="metadata-row">
          <dt>{t('recommend.curate.method')}</dt>
          <dd>{t(`recommend.curate.method.${model.method}`)}</dd>
        </div>
        <div className="metadata-row">
          <dt>{t('recommend.curate.works')}</dt>
          <dd>{formatNumber(model.works)}</dd>
        </div>
        <div className="metadata-row">
          <dt>{t('recommend.curate.people')}</dt>
          <dd>{formatNumber(model.people)}</dd>
        </div>
        <div className="metadata-row">
          <dt>{t('recommend.curate.interactions')}</dt>
          <dd>{formatNumber(model.interactions)}</dd>
        </div>
      </dl>
      <p>
        <button type="button" className="button" onClick={onRebuild} disabled={busy} data-testid="rec-rebuild">
          {t('recommend.curate.rebuild')}
        </button>
      </p>
      <p role="status" className={note ? 'notice' : 'visually-hidden'}>
        {note}
      </p>
    </section>
  );
}

function ExposureFigures({ exposure }: { exposure: RecommendationCuratorView['exposure'] }) {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const vocabulary = useVocabulary();
  const id = useId();
  const percent = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 });
  const decimal = new Intl.NumberFormat(lang, { maximumFractionDigits: 2, minimumFractionDigits: 2 });
  const largest = Math.max(0, ...exposure.categoryShares.map((c) => c.share));
  return (
    <section className="panel" aria-labelledby={`${id}-heading`} data-testid="rec-exposure">
      <h2 id={`${id}-heading`}>{t('recommend.curate.exposure')}</h2>
      <p className="hint">{t('recommend.curate.exposureHint', { count: exposure.lists })}</p>
      <dl className="metadata compact">
        <div className="metadata-row">
          <dt>{t('recommend.curate.coverage')}</dt>
          <dd data-testid="rec-coverage">{percent.format(exposure.coverage)}</dd>
        </div>
        <div className="metadata-row">
          <dt>{t('recommend.curate.longTail')}</dt>
          <dd>{percent.format(exposure.longTailShare)}</dd>
        </div>
        <div className="metadata-row">
          <dt>{t('recommend.curate.gini')}</dt>
          <dd>{decimal.format(exposure.gini)}</dd>
        </div>
      </dl>
      <h3>{t('recommend.curate.categories')}</h3>
      {exposure.categoryShares.length === 0 ? (
        <p>{t('recommend.curate.noCategories')}</p>
      ) : (
        <ul className="rec-bars">
          {exposure.categoryShares.map((c) => (
            <li key={`${c.facet}:${c.value}`}>
              <span className="rec-bar-label">
                {facetValueLabel(c.facet, c.value, vocabulary, i18n)} <span className="hint">({t(`recommend.curate.facet.${c.facet}`)})</span>
              </span>
              <span className="rec-bar" aria-hidden="true">
                <span style={{ width: `${largest > 0 ? (c.share / largest) * 100 : 0}%` }} />
              </span>
              <span className="rec-bar-value">{percent.format(c.share)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

import { useId, useState, type FormEvent } from 'react';
import { useI18n } from '../../i18n';
import { HeritageOptions, IndustryOptions } from '../ClassificationOptions';
import { RightsUriField } from '../RightsUriField';
import type { Collection } from '../../types';
import { useVocabulary } from '../../vocabulary';
import { CollectionOptions } from '../CollectionOptions';
import { ConfirmDialog } from '../ConfirmDialog';
import { errorText } from '../ErrorMessage';
import { BulkOperationStatus } from './BulkOperationStatus';
import { bulkApi, type BulkAction, type BulkOperationDetail } from './bulk-api';
import type { BulkSelection } from './useBulkSelection';
import '../../styles/bulk.css';

const CHOICES = ['publish', 'unpublish', 'add', 'move', 'remove', 'rights', 'classification'] as const;
type Choice = (typeof CHOICES)[number];

interface Props {
  selection: BulkSelection;
  /** Results of the current search (what "select all" selects). */
  total: number;
  collections: Collection[];
  /** An operation finished: the results are reloaded to show the works as they are now. */
  onFinished: () => void;
}

/**
 * The staff bar under the catalogue while works are selected: how many, select this page or all
 * results of the search, choose what to do (publish, unpublish, file, rights, classification), a
 * confirmation that says how many works it concerns, then the operation's progress and Undo.
 */
export function BulkActionBar({ selection, total, collections, onFinished }: Props) {
  const i18n = useI18n();
  const { t } = i18n;
  const vocabulary = useVocabulary();
  const id = useId();
  const [choice, setChoice] = useState<Choice | ''>('');
  const [collectionId, setCollectionId] = useState('');
  const [rightsUri, setRightsUri] = useState('');
  const [industry, setIndustry] = useState('');
  const [heritage, setHeritage] = useState('');
  const [confirming, setConfirming] = useState<BulkAction | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [operation, setOperation] = useState<BulkOperationDetail | null>(null);

  const actionOf = (): BulkAction | null => {
    switch (choice) {
      case 'publish':
      case 'unpublish':
        return { type: 'visibility', visibility: choice === 'publish' ? 'public' : 'private' };
      case 'add':
      case 'move':
      case 'remove':
        return collectionId ? { type: 'collection', mode: choice, collectionId } : null;
      case 'rights':
        return rightsUri.trim() ? { type: 'rights', uri: rightsUri.trim() } : null;
      case 'classification': {
        const pick = (v: string) => (v === '' ? undefined : v === '-' ? null : v);
        const action = { type: 'classification' as const, industry: pick(industry), heritage: pick(heritage) } as Extract<BulkAction, { type: 'classification' }>;
        return action.industry === undefined && action.heritage === undefined ? null : action;
      }
      default:
        return null;
    }
  };

  const ask = (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const action = actionOf();
    if (!action) setError(t('bulk.missingChoice'));
    else setConfirming(action);
  };

  const apply = async (action: BulkAction) => {
    setConfirming(null);
    const target = selection.target();
    if (!target) return;
    try {
      setOperation((await bulkApi.submit(target, action)).operation);
      selection.clear();
    } catch (e) {
      setError(errorText(e, i18n));
    }
  };

  const count = selection.count;
  const choiceLabel = choice ? t(`bulk.action.${choice}`) : '';

  return (
    <section className="bulk-bar" aria-label={t('bulk.region')} data-testid="bulk-bar">
      {operation && <BulkOperationStatus operation={operation} onFinished={onFinished} onFollow={setOperation} onDismiss={() => setOperation(null)} />}
      <div className="bulk-bar-selection">
        <p className="bulk-bar-count" role="status">
          {selection.mode === 'all' ? t('bulk.selectedAll', { count }) : t('bulk.selected', { count })}
        </p>
        <button type="button" className="link-button" onClick={selection.selectPage}>
          {t('bulk.selectPage')}
        </button>
        {selection.mode !== 'all' && total > count && (
          <button type="button" className="link-button" onClick={selection.selectAll} data-testid="bulk-select-all">
            {t('bulk.selectAll', { count: total })}
          </button>
        )}
        {count > 0 && (
          <button type="button" className="link-button" onClick={selection.clear}>
            {t('bulk.clear')}
          </button>
        )}
      </div>
      {count > 0 && (
        <form className="bulk-bar-form" onSubmit={ask}>
          <div className="field field-inline">
            <label htmlFor={`${id}-action`}>{t('bulk.action')}</label>
            <select id={`${id}-action`} value={choice} onChange={(e) => setChoice(e.target.value as Choice | '')} data-testid="bulk-action">
              <option value="">{t('bulk.action.choose')}</option>
              {CHOICES.map((c) => (
                <option key={c} value={c}>
                  {t(`bulk.action.${c}`)}
                </option>
              ))}
            </select>
          </div>
          {(choice === 'add' || choice === 'move' || choice === 'remove') && (
            <div className="field field-inline">
              <label htmlFor={`${id}-collection`}>{t('bulk.collection')}</label>
              <select id={`${id}-collection`} value={collectionId} onChange={(e) => setCollectionId(e.target.value)}>
                <option value="">{t('bulk.chooseCollection')}</option>
                <CollectionOptions collections={collections} />
              </select>
            </div>
          )}
          {choice === 'rights' && (
            <RightsUriField id={`${id}-rights`} className="field field-inline bulk-bar-rights" label={t('bulk.rights')} hint={t('bulk.rightsHint')} value={rightsUri} onChange={setRightsUri} />
          )}
          {choice === 'classification' && (
            <>
              <div className="field field-inline">
                <label htmlFor={`${id}-industry`}>{t('bulk.industry')}</label>
                <select id={`${id}-industry`} value={industry} onChange={(e) => setIndustry(e.target.value)}>
                  <option value="">{t('bulk.keep')}</option>
                  <option value="-">{t('bulk.clearValue')}</option>
                  <IndustryOptions vocabulary={vocabulary} />
                </select>
              </div>
              <div className="field field-inline">
                <label htmlFor={`${id}-heritage`}>{t('bulk.heritage')}</label>
                <select id={`${id}-heritage`} value={heritage} onChange={(e) => setHeritage(e.target.value)}>
                  <option value="">{t('bulk.keep')}</option>
                  <option value="-">{t('bulk.clearValue')}</option>
                  <HeritageOptions vocabulary={vocabulary} />
                </select>
              </div>
            </>
          )}
          <button type="submit" className="button button-primary" disabled={!choice} data-testid="bulk-apply">
            {t('bulk.apply')}
          </button>
        </form>
      )}
      {error && (
        <p className="notice notice-error" role="alert">
          {error}
        </p>
      )}
      <ConfirmDialog
        open={confirming !== null}
        message={t('bulk.confirm', { action: choiceLabel, count })}
        confirmLabel={t('bulk.confirmLabel', { count })}
        onConfirm={() => confirming && void apply(confirming)}
        onCancel={() => setConfirming(null)}
      />
    </section>
  );
}

import { useCallback, useId, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../api';
import { catalogueHref } from '../catalogue-query';
import { buildCollectionTree, collectionAncestry, subtreeIds } from '../collection-tree';
import { CollectionForm } from '../components/collections/CollectionForm';
import { CollectionTree } from '../components/collections/CollectionTree';
import { ErrorMessage } from '../components/ErrorMessage';
import { DataClassField } from '../components/transfer/DataClassField';
import { Loading } from '../components/Loading';
import { useI18n } from '../i18n';
import { usePageTitle } from '../instance';
import type { Collection } from '../types';
import { useApi } from '../use-api';

/** Collections management for admins and curators: the tree, one collection's editor, and a form for new ones. */
export function CollectionsPage() {
  return <CollectionManager />;
}

const NO_ITEMS: Collection[] = [];

function CollectionManager() {
  const { t, pick, lang, formatDateTime, formatNumber } = useI18n();
  const list = useApi(() => api.collections(), 'collections');
  const items = list.data?.items ?? NO_ITEMS;
  const name = useCallback((c: Collection) => pick(c.name) ?? c.id, [pick]);
  const tree = useMemo(() => buildCollectionTree(items, name, lang), [items, name, lang]);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [collapsed, setCollapsed] = useState<Set<string>>(() => new Set());
  const [preset, setPreset] = useState<{ parentId: string } | null>(null);
  const editPanel = useRef<HTMLElement>(null);
  const id = useId();
  const selected = items.find((c) => c.id === selectedId) ?? null;
  const selectedAncestry = selected ? collectionAncestry(items, selected.id) : [];
  const childCount = selected ? subtreeIds(items, selected.id).size - 1 : 0;

  usePageTitle(t('collections.title'));

  /** Opens every collection above `target` so it shows in the tree. */
  const reveal = (all: Collection[], target: Collection) => {
    const above = collectionAncestry(all, target.id).slice(0, -1);
    if (above.some((c) => collapsed.has(c.id))) {
      const next = new Set(collapsed);
      for (const c of above) next.delete(c.id);
      setCollapsed(next);
    }
  };

  const select = (collectionId: string) => {
    setSelectedId(collectionId);
    // On a phone the editor sits below the tree: bring it into view without taking focus from the tree.
    if (window.matchMedia?.('(max-width: 800px)').matches) requestAnimationFrame(() => editPanel.current?.scrollIntoView?.({ block: 'start' }));
  };

  const saved = (collection: Collection, created: boolean) => {
    const next = items.some((c) => c.id === collection.id) ? items.map((c) => (c.id === collection.id ? collection : c)) : [...items, collection];
    list.setData({ items: next });
    reveal(next, collection);
    if (created) setSelectedId(collection.id);
  };

  return (
    <div className="collections-page">
      <h1>{t('collections.title')}</h1>
      <p className="muted">{t('collections.intro')}</p>
      {list.error ? <ErrorMessage error={list.error} onRetry={list.reload} /> : null}
      {!list.data && list.loading && <Loading />}
      {list.data && (
        <div className="collections-layout">
          <section className="panel collections-tree-panel" aria-labelledby={`${id}-tree`}>
            <div className="panel-head">
              <h2 id={`${id}-tree`}>{t('collections.treeHeading')}</h2>
              {items.some((c) => c.parentId) && (
                <div className="button-row">
                  <button type="button" className="button button-small" onClick={() => setCollapsed(new Set())} data-testid="collection-expand-all">
                    {t('collections.expandAll')}
                  </button>
                  <button type="button" className="button button-small" onClick={() => setCollapsed(new Set(items.filter((c) => items.some((k) => k.parentId === c.id)).map((c) => c.id)))} data-testid="collection-collapse-all">
                    {t('collections.collapseAll')}
                  </button>
                </div>
              )}
            </div>
            {items.length === 0 ? (
              <p data-testid="collection-tree-empty">{t('collections.empty')}</p>
            ) : (
              <>
                <p className="hint" id={`${id}-tree-help`}>
                  {t('collections.treeHelp')}
                </p>
                <CollectionTree tree={tree} name={name} selectedId={selectedId} onSelect={select} collapsed={collapsed} onCollapsedChange={setCollapsed} labelledBy={`${id}-tree`} describedBy={`${id}-tree-help`} />
              </>
            )}
          </section>

          <div className="collections-side">
            <section className="panel" aria-labelledby={`${id}-edit`} ref={editPanel} data-testid="collection-edit-panel">
              {selected ? (
                <>
                  <h2 id={`${id}-edit`}>{t('collections.editHeading', { name: name(selected) })}</h2>
                  {selectedAncestry.length > 1 && (
                    <p className="muted collection-path">
                      {t('collections.pathLabel')}: {selectedAncestry.map((c) => name(c)).join(' › ')}
                    </p>
                  )}
                  <dl className="collection-facts">
                    <div>
                      <dt>{t('collections.createdAt')}</dt>
                      <dd>
                        <time dateTime={selected.createdAt}>{formatDateTime(selected.createdAt)}</time>
                      </dd>
                    </div>
                    <div>
                      <dt>{t('collections.nested')}</dt>
                      <dd>{formatNumber(childCount)}</dd>
                    </div>
                  </dl>
                  <div className="form-actions">
                    <Link to={catalogueHref(new URLSearchParams(), { collection: selected.id })} className="button button-small" data-testid="collection-view-works">
                      {t('collections.viewWorks')}
                    </Link>
                    <button type="button" className="button button-small" onClick={() => setPreset({ parentId: selected.id })} data-testid="collection-add-child">
                      {t('collections.addChild')}
                    </button>
                  </div>
                  <CollectionForm key={selected.id} collection={selected} collections={items} testIdPrefix="collection-edit" submitLabel={t('edit.save')} onSaved={saved} />
                  <DataClassField key={`class-${selected.id}`} target={{ type: 'collection', id: selected.id }} />
                </>
              ) : (
                <>
                  <h2 id={`${id}-edit`}>{t('collections.editNone')}</h2>
                  <p className="muted">{t('collections.noneSelected')}</p>
                </>
              )}
            </section>

            <section className="panel" aria-labelledby={`${id}-create`}>
              <h2 id={`${id}-create`}>{t('collections.createHeading')}</h2>
              <CollectionForm collection={null} collections={items} testIdPrefix="collection-create" submitLabel={t('collections.create')} preset={preset} onSaved={saved} />
            </section>
          </div>
        </div>
      )}
    </div>
  );
}

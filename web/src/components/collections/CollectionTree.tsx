import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { flattenCollectionTree, type CollectionNode } from '../../collection-tree';
import { useI18n } from '../../i18n';
import { htmlLang } from '../../lang';
import type { Collection } from '../../types';

interface Props {
  tree: CollectionNode[];
  name: (collection: Collection) => string;
  selectedId: string | null;
  onSelect: (id: string) => void;
  /** Ids of collections whose children are hidden; everything else is open. */
  collapsed: ReadonlySet<string>;
  onCollapsedChange: (next: Set<string>) => void;
  labelledBy: string;
  describedBy?: string;
}

/**
 * The WAI-ARIA tree pattern for nested collections: one tab stop (roving tabindex); Up/Down move,
 * Right opens or goes to the first child, Left closes or goes to the parent, Home/End jump,
 * "*" opens all siblings, Enter/Space choose. Items hold no other focusable element, and the
 * tree is rendered flat (levels in aria-level) so each item is named by its own row alone.
 */
export function CollectionTree({ tree, name, selectedId, onSelect, collapsed, onCollapsedChange, labelledBy, describedBy }: Props) {
  const { t, pickEntry } = useI18n();
  const [activeId, setActiveId] = useState<string | null>(null);
  const items = useRef(new Map<string, HTMLLIElement>());
  const focusNext = useRef(false);

  const visible = flattenCollectionTree(tree, name, (id) => !collapsed.has(id));
  const isVisible = (id: string | null) => id !== null && visible.some((v) => v.node.collection.id === id);
  const tabStop = isVisible(activeId) ? activeId : isVisible(selectedId) ? selectedId : (visible[0]?.node.collection.id ?? null);

  useEffect(() => {
    if (!focusNext.current || !tabStop) return;
    focusNext.current = false;
    items.current.get(tabStop)?.focus();
  }, [tabStop]);

  const moveTo = (id: string | undefined) => {
    if (!id) return;
    setActiveId(id);
    if (id === tabStop) items.current.get(id)?.focus();
    else focusNext.current = true;
  };
  const setOpen = (id: string, open: boolean) => {
    const next = new Set(collapsed);
    if (open) next.delete(id);
    else next.add(id);
    onCollapsedChange(next);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLUListElement>) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const index = visible.findIndex((v) => v.node.collection.id === tabStop);
    const current = visible[index];
    if (!current) return;
    const node = current.node;
    const id = node.collection.id;
    const hasChildren = node.children.length > 0;
    const open = hasChildren && !collapsed.has(id);
    let handled = true;
    switch (event.key) {
      case 'ArrowDown':
        moveTo(visible[index + 1]?.node.collection.id);
        break;
      case 'ArrowUp':
        moveTo(visible[index - 1]?.node.collection.id);
        break;
      case 'Home':
        moveTo(visible[0]?.node.collection.id);
        break;
      case 'End':
        moveTo(visible[visible.length - 1]?.node.collection.id);
        break;
      case 'ArrowRight':
        if (hasChildren && !open) setOpen(id, true);
        else if (open) moveTo(node.children[0]?.collection.id);
        break;
      case 'ArrowLeft':
        if (open) setOpen(id, false);
        else if (node.depth > 0) {
          // The parent is the nearest earlier row one level up.
          for (let i = index - 1; i >= 0; i--) {
            if (visible[i]!.node.depth === node.depth - 1) {
              moveTo(visible[i]!.node.collection.id);
              break;
            }
          }
        }
        break;
      case '*': {
        const siblings = node.depth === 0 ? tree : visible.filter((v) => v.node.depth === node.depth && v.node.collection.parentId === node.collection.parentId).map((v) => v.node);
        const next = new Set(collapsed);
        for (const s of siblings) next.delete(s.collection.id);
        onCollapsedChange(next);
        break;
      }
      case 'Enter':
      case ' ':
        onSelect(id);
        break;
      default:
        handled = false;
    }
    if (handled) event.preventDefault();
  };

  // Where each collection stands among its siblings, for aria-posinset and aria-setsize.
  const positions = new Map<string, { index: number; size: number }>();
  const place = (nodes: CollectionNode[]) =>
    nodes.forEach((node, index) => {
      positions.set(node.collection.id, { index, size: nodes.length });
      place(node.children);
    });
  place(tree);

  // A flat list of treeitems with aria-level (allowed by WAI-ARIA): each item's accessible name is
  // then only its own row, not the names of everything nested below it.
  const rows = visible.map(({ node }) => {
    const c = node.collection;
    const hasChildren = node.children.length > 0;
    const open = hasChildren && !collapsed.has(c.id);
    const entry = pickEntry(c.name);
    const position = positions.get(c.id) ?? { index: 0, size: 1 };
    return (
      <li
        key={c.id}
        role="treeitem"
        ref={(el) => {
          if (el) items.current.set(c.id, el);
          else items.current.delete(c.id);
        }}
        tabIndex={c.id === tabStop ? 0 : -1}
        aria-level={node.depth + 1}
        aria-setsize={position.size}
        aria-posinset={position.index + 1}
        aria-expanded={hasChildren ? open : undefined}
        aria-selected={c.id === selectedId}
        data-testid="collection-treeitem"
        data-collection-id={c.id}
        className={`tree-item${c.id === selectedId ? ' is-selected' : ''}`}
        style={{ paddingInlineStart: `${node.depth * 1.25 + 0.25}rem` }}
        onFocus={() => setActiveId(c.id)}
        onClick={() => {
          setActiveId(c.id);
          onSelect(c.id);
        }}
      >
        <span
          className={`tree-toggle${hasChildren ? '' : ' is-leaf'}`}
          aria-hidden="true"
          onClick={(event) => {
            if (!hasChildren) return;
            event.stopPropagation();
            setActiveId(c.id);
            setOpen(c.id, !open);
          }}
        >
          {hasChildren ? (open ? '▾' : '▸') : '·'}
        </span>
        <span className="tree-label" lang={entry ? htmlLang(entry[0]) : undefined}>
          {entry?.[1] ?? c.id}
        </span>
        {c.visibility === 'private' && <span className="badge badge-private">{t('visibility.private')}</span>}
      </li>
    );
  });

  return (
    <ul role="tree" className="tree" aria-labelledby={labelledBy} aria-describedby={describedBy} data-testid="collection-tree" onKeyDown={onKeyDown}>
      {rows}
    </ul>
  );
}

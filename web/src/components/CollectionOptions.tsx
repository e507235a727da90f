import { useMemo } from 'react';
import { buildCollectionTree, flattenCollectionTree } from '../collection-tree';
import { useI18n } from '../i18n';
import type { Collection, User } from '../types';

const INDENT = '\u00a0\u00a0\u00a0';

interface Props {
  collections: Collection[];
  /** Ids shown but not selectable (a collection cannot move into itself or below itself). */
  disabled?: ReadonlySet<string>;
  /** A selected id missing from the list (hidden, or deleted) still gets an option, so the select tells the truth. */
  current?: string;
}

/**
 * The collections `user` may not file works into, for the `disabled` prop: admins and curators
 * file anywhere; others into collections they own or that are open to contributions (the server
 * enforces the same rule, collection.service.ts canFileInto).
 */
export function closedCollections(collections: Collection[], user: User | null | undefined): ReadonlySet<string> {
  // Unknown while the session loads: nothing is closed yet (the server has the last word anyway).
  if (user === undefined || (user && (user.role === 'admin' || user.role === 'curator'))) return new Set();
  return new Set(collections.filter((c) => !(user && (c.ownerId === user.id || c.openToContributions))).map((c) => c.id));
}

/**
 * The <option>s of a collection <select>, in tree order and indented by depth. Each option's
 * accessible name is the whole path ("Paintings › Song"), since screen readers do not announce indentation.
 */
export function CollectionOptions({ collections, disabled, current }: Props) {
  const { pick, lang } = useI18n();
  const rows = useMemo(() => {
    const name = (c: Collection) => pick(c.name) ?? c.id;
    return flattenCollectionTree(buildCollectionTree(collections, name, lang), name);
  }, [collections, pick, lang]);
  return (
    <>
      {current && !collections.some((c) => c.id === current) && <option value={current}>{current}</option>}
      {rows.map(({ node, path }) => (
        <option key={node.collection.id} value={node.collection.id} disabled={disabled?.has(node.collection.id)} aria-label={node.depth > 0 ? path.join(' › ') : undefined}>
          {INDENT.repeat(node.depth) + path[path.length - 1]}
        </option>
      ))}
    </>
  );
}

import type { Collection } from './types';

/** One collection with the collections nested in it, as far as the reader can see them. */
export interface CollectionNode {
  collection: Collection;
  children: CollectionNode[];
  /** 0 for a top-level collection (or one whose parent the reader cannot see). */
  depth: number;
}

/** A node in reading order, for <select> options and keyboard movement in the tree. */
export interface FlatCollection {
  node: CollectionNode;
  /** Names from the top-level collection down to this one. */
  path: string[];
}

type Namer = (collection: Collection) => string;

/**
 * Builds the tree from the flat list of GET /api/collections. A collection whose parent is not in
 * the list (hidden from this reader) becomes a top-level one; siblings are sorted by name in the
 * interface language. A cycle in the data (which the server refuses) cannot loop forever: each
 * collection is placed once.
 */
export function buildCollectionTree(items: Collection[], name: Namer, lang: string): CollectionNode[] {
  const byId = new Map(items.map((c) => [c.id, c]));
  const children = new Map<string, Collection[]>();
  const roots: Collection[] = [];
  for (const c of items) {
    if (c.parentId && c.parentId !== c.id && byId.has(c.parentId)) children.set(c.parentId, [...(children.get(c.parentId) ?? []), c]);
    else roots.push(c);
  }
  const collator = new Intl.Collator(lang, { numeric: true, sensitivity: 'base' });
  const sort = (list: Collection[]) => [...list].sort((a, b) => collator.compare(name(a), name(b)) || a.createdAt.localeCompare(b.createdAt));
  const placed = new Set<string>();
  const build = (c: Collection, depth: number): CollectionNode => {
    placed.add(c.id);
    const kids = sort(children.get(c.id) ?? []).filter((k) => !placed.has(k.id));
    return { collection: c, depth, children: kids.map((k) => build(k, depth + 1)) };
  };
  const tree = sort(roots).map((c) => build(c, 0));
  // Only a cycle leaves collections unplaced; show them at the top level rather than lose them.
  for (const c of sort(items)) if (!placed.has(c.id)) tree.push(build(c, 0));
  return tree;
}

/**
 * The nodes in reading order (depth first). With `isOpen`, the children of a closed node are
 * left out, as the tree view shows them.
 */
export function flattenCollectionTree(tree: CollectionNode[], name: Namer, isOpen: (id: string) => boolean = () => true): FlatCollection[] {
  const out: FlatCollection[] = [];
  const walk = (nodes: CollectionNode[], path: string[]) => {
    for (const node of nodes) {
      const here = [...path, name(node.collection)];
      out.push({ node, path: here });
      if (node.children.length > 0 && isOpen(node.collection.id)) walk(node.children, here);
    }
  };
  walk(tree, []);
  return out;
}

/** The ids of a collection and of every collection nested below it. */
export function subtreeIds(items: Collection[], id: string): Set<string> {
  const children = new Map<string, string[]>();
  for (const c of items) if (c.parentId) children.set(c.parentId, [...(children.get(c.parentId) ?? []), c.id]);
  const seen = new Set<string>();
  const stack = [id];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...(children.get(next) ?? []));
  }
  return seen;
}

/** A collection and its visible ancestors, top-level first; empty when the collection is not in the list. */
export function collectionAncestry(items: Collection[], id: string | null | undefined): Collection[] {
  const byId = new Map(items.map((c) => [c.id, c]));
  const out: Collection[] = [];
  const seen = new Set<string>();
  let current = id ? byId.get(id) : undefined;
  while (current && !seen.has(current.id)) {
    seen.add(current.id);
    out.unshift(current);
    current = current.parentId ? byId.get(current.parentId) : undefined;
  }
  return out;
}

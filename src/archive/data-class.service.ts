import type { AuditRecorder } from '../govern/audit.service.js';
import { auditActor } from '../govern/audit.service.js';
import { hasRole, isStaff, type Actor } from '../govern/roles.js';
import { CommonErrors } from '../platform/errors.js';
import { asDataClass, strictestClass, type DataClass } from './data-class.js';
import type { ClassedCollection, DataClassRepository } from './data-class.repository.js';

/** A work's or collection's class as staff see it: its own, the one in force, and where that comes from. */
export interface DataClassView {
  own: DataClass;
  effective: DataClass;
  /** The collection whose class is in force, when it is stricter than the item's own (null: its own). */
  inheritedFrom: string | null;
}

/** What a transfer of a collection or some works sends: every work's class in force, and the collections. */
export interface ClassedSelection {
  /** The collections sent (the subtree of an exported collection; empty for a list of works). */
  collectionIds: string[];
  /** The exported collection and every collection above it, nearest first (empty for a list of works). */
  rootChain: string[];
  works: { id: string; dataClass: DataClass; collectionChain: string[] }[];
  /** The strictest class of the collections sent and the works in them. */
  classes: DataClass[];
}

const MAX_DEPTH = 32;

/**
 * Data classification (issue 15 item 4): staff set a class on works and collections; a work's class
 * in force is the strictest of its own and every collection above it. Only staff see or set classes
 * (so a private work's class never reaches anyone who may not see the work).
 */
export class DataClassService {
  constructor(
    private readonly repo: DataClassRepository,
    private readonly audit: AuditRecorder | null,
  ) {}

  async ofWork(actor: Actor, id: string): Promise<DataClassView> {
    requireStaff(actor);
    const [work] = await this.repo.works([id]);
    if (!work) throw CommonErrors.notFound('work', { id });
    return viewOf(asDataClass(work.data_class), chainOf(await this.collectionMap(), work.collection_id));
  }

  async ofCollection(actor: Actor, id: string): Promise<DataClassView> {
    requireStaff(actor);
    const map = await this.collectionMap();
    const row = map.get(id);
    if (!row) throw CommonErrors.notFound('collection', { id });
    return viewOf(asDataClass(row.data_class), chainOf(map, row.parent_id));
  }

  async setWork(actor: Actor, id: string, dataClass: DataClass): Promise<DataClassView> {
    requireManager(actor);
    const before = await this.ofWork(actor, id);
    if ((await this.repo.setWork(id, dataClass)) === 0) throw CommonErrors.notFound('work', { id });
    this.audit?.note({ actor: auditActor(actor), action: 'data_class.change', target: { type: 'work', id }, details: { from: before.own, to: dataClass } });
    return this.ofWork(actor, id);
  }

  async setCollection(actor: Actor, id: string, dataClass: DataClass): Promise<DataClassView> {
    requireManager(actor);
    const before = await this.ofCollection(actor, id);
    if ((await this.repo.setCollection(id, dataClass, new Date().toISOString())) === 0) throw CommonErrors.notFound('collection', { id });
    this.audit?.note({ actor: auditActor(actor), action: 'data_class.change', target: { type: 'collection', id }, details: { from: before.own, to: dataClass } });
    return this.ofCollection(actor, id);
  }

  /**
   * The classes a transfer of a collection (with every collection nested in it) or of some works
   * sends. No access check: the caller (transfer) authorises. Missing works are left out of `works`.
   */
  async selection(target: { collectionId: string } | { workIds: string[] }): Promise<ClassedSelection> {
    const map = await this.collectionMap();
    if ('collectionId' in target) {
      if (!map.has(target.collectionId)) throw CommonErrors.notFound('collection', { id: target.collectionId });
      const subtree = subtreeOf(map, target.collectionId);
      const rows = await this.repo.worksIn(subtree);
      const works = rows.map((w) => classed(map, w.id, w.collection_id, w.data_class));
      // The collections themselves count even when empty: their class is stated for what they hold.
      const collectionClasses = subtree.map((id) => strictestClass(chainOf(map, id).map((c) => asDataClass(c.data_class))));
      return { collectionIds: subtree, rootChain: chainOf(map, target.collectionId).map((c) => c.id), works, classes: uniqueClasses([...collectionClasses, ...works.map((w) => w.dataClass)]) };
    }
    const rows = await this.repo.works(target.workIds);
    const works = rows.map((w) => classed(map, w.id, w.collection_id, w.data_class));
    return { collectionIds: [], rootChain: [], works, classes: uniqueClasses(works.map((w) => w.dataClass)) };
  }

  private async collectionMap(): Promise<Map<string, ClassedCollection>> {
    return new Map((await this.repo.collections()).map((c) => [c.id, c]));
  }
}

function requireStaff(actor: Actor): void {
  if (!isStaff(actor)) throw CommonErrors.forbidden('only staff see data classification', { key: 'data_class.forbidden' });
}

function requireManager(actor: Actor): void {
  if (!hasRole(actor, ['admin', 'curator'])) throw CommonErrors.forbidden('only admins and curators classify works and collections', { key: 'data_class.forbidden' });
}

/** The collection and its ancestors, nearest first (stops at a cycle or 32 levels). */
function chainOf(map: Map<string, ClassedCollection>, collectionId: string | null): ClassedCollection[] {
  const chain: ClassedCollection[] = [];
  let current = collectionId;
  while (current && chain.length < MAX_DEPTH) {
    const row = map.get(current);
    if (!row || chain.includes(row)) break;
    chain.push(row);
    current = row.parent_id;
  }
  return chain;
}

function viewOf(own: DataClass, chain: ClassedCollection[]): DataClassView {
  let effective = own;
  let inheritedFrom: string | null = null;
  for (const c of chain) {
    const cls = asDataClass(c.data_class);
    if (strictestClass([effective, cls]) !== effective) {
      effective = cls;
      inheritedFrom = c.id;
    }
  }
  return { own, effective, inheritedFrom };
}

function classed(map: Map<string, ClassedCollection>, id: string, collectionId: string | null, own: string): ClassedSelection['works'][number] {
  const chain = chainOf(map, collectionId);
  return { id, dataClass: viewOf(asDataClass(own), chain).effective, collectionChain: chain.map((c) => c.id) };
}

function subtreeOf(map: Map<string, ClassedCollection>, rootId: string): string[] {
  const children = new Map<string, string[]>();
  for (const c of map.values()) if (c.parent_id) children.set(c.parent_id, [...(children.get(c.parent_id) ?? []), c.id]);
  const out: string[] = [];
  const queue = [rootId];
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (out.includes(id)) continue;
    out.push(id);
    queue.push(...(children.get(id) ?? []));
  }
  return out;
}

function uniqueClasses(classes: DataClass[]): DataClass[] {
  return [...new Set(classes)];
}

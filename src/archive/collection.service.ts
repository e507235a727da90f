import type { Actor } from '../govern/roles.js';
import { CONTRIBUTOR_ROLES, hasRole, isStaff } from '../govern/roles.js';
import { CommonErrors, fieldProblem, invalidFields } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import type { Collection } from './collection.contract.js';
import type { CollectionRepository, CollectionRow } from './collection.repository.js';
import { isDownloadPolicy, type DownloadPolicy } from './download-policy.js';
import { langMapSchema, type LangMap } from './metadata.schema.js';

export type { Collection };

function toCollection(row: CollectionRow): Collection {
  return {
    id: row.id,
    parentId: row.parent_id,
    name: JSON.parse(row.name) as LangMap,
    description: row.description ? (JSON.parse(row.description) as LangMap) : null,
    visibility: row.visibility as 'private' | 'public',
    ownerId: row.owner_id,
    createdAt: row.created_at,
    downloadPolicy: isDownloadPolicy(row.download_policy) ? row.download_policy : null,
    openToContributions: row.open_to_contributions === 1,
  };
}

/**
 * Who may see a collection: everyone when it is public, staff, its owner, and — when a curator has
 * opened it to contributions — everyone who may contribute works (so they can choose it).
 */
function canSeeCollection(actor: Actor, row: CollectionRow): boolean {
  if (row.visibility === 'public' || isStaff(actor)) return true;
  if (actor.kind !== 'user') return false;
  return row.owner_id === actor.id || (row.open_to_contributions === 1 && hasRole(actor, CONTRIBUTOR_ROLES));
}

/**
 * Who may file works into a collection: admins and curators anywhere; a creator only into a
 * collection they own or one a curator has opened to contributions. A museum's curated collections
 * are its curators' statement, so a public one is not open to anyone's works just by being public.
 */
export function canFileInto(actor: Actor, row: Pick<CollectionRow, 'owner_id' | 'open_to_contributions'>): boolean {
  if (actor.kind !== 'user') return false;
  if (hasRole(actor, ['admin', 'curator'])) return true;
  return hasRole(actor, CONTRIBUTOR_ROLES) && (row.owner_id === actor.id || row.open_to_contributions === 1);
}

const MAX_DEPTH = 32;

/** Validates a LangMap as invalid_input naming the field (a bare ZodError would be a 500). */
function parseLangMap(value: unknown, field: string): LangMap {
  const parsed = langMapSchema.safeParse(value);
  if (!parsed.success) throw invalidFields(parsed.error.issues.map((issue) => fieldProblem({ ...issue, path: [field, ...issue.path] }, field)));
  return parsed.data;
}

/** Nested collections of works. Visibility of a collection hides it from the public list; works keep their own. */
export class CollectionService {
  constructor(private readonly repo: CollectionRepository) {}

  async list(actor: Actor): Promise<Collection[]> {
    const rows = await this.repo.listAll();
    return rows.filter((r) => canSeeCollection(actor, r)).map(toCollection);
  }

  async get(actor: Actor, id: string): Promise<Collection> {
    const row = await this.repo.findById(id);
    if (!row || !canSeeCollection(actor, row)) throw CommonErrors.notFound('collection', { id });
    return toCollection(row);
  }

  /**
   * Refuses to file a work into the collection unless the actor may (see canFileInto): 404 when it
   * does not exist or the actor may not see it, 403 when they see it but may not add to it. Every
   * path that sets a work's collection goes through here (work create and edit, restore, upload, import).
   */
  async requireFilingAllowed(actor: Actor, id: string): Promise<void> {
    const row = await this.repo.findById(id);
    if (!row || !canSeeCollection(actor, row)) throw CommonErrors.notFound('collection', { id });
    if (!canFileInto(actor, row)) {
      throw CommonErrors.forbidden('only admins and curators may add works to this collection; ask a curator to add yours or to open the collection to contributions', { key: 'collection.filing_forbidden', params: { id } });
    }
  }

  async create(actor: Actor, input: { name: LangMap; description?: LangMap | null; parentId?: string | null; visibility?: 'private' | 'public'; openToContributions?: boolean }): Promise<Collection> {
    if (actor.kind !== 'user' || !hasRole(actor, ['admin', 'curator'])) throw CommonErrors.forbidden('only admins and curators manage collections', { key: 'collection.manage_forbidden' });
    const name = parseLangMap(input.name, 'name');
    if (input.parentId) {
      await this.requireExists(input.parentId);
      await this.requireDepthBelowLimit(input.parentId);
    }
    const now = new Date().toISOString();
    const row: CollectionRow = {
      id: newId(),
      parent_id: input.parentId ?? null,
      name: JSON.stringify(name),
      description: input.description ? JSON.stringify(parseLangMap(input.description, 'description')) : null,
      visibility: input.visibility ?? 'private',
      owner_id: actor.id,
      created_at: now,
      updated_at: now,
      download_policy: null,
      open_to_contributions: input.openToContributions ? 1 : 0,
      data_class: 'public',
    };
    await this.repo.insert(row);
    return toCollection(row);
  }

  async update(
    actor: Actor,
    id: string,
    input: { name?: LangMap; description?: LangMap | null; parentId?: string | null; visibility?: 'private' | 'public'; downloadPolicy?: DownloadPolicy | null; openToContributions?: boolean },
  ): Promise<Collection> {
    if (actor.kind !== 'user' || !hasRole(actor, ['admin', 'curator'])) throw CommonErrors.forbidden('only admins and curators manage collections', { key: 'collection.manage_forbidden' });
    await this.requireExists(id);
    if (input.parentId) {
      await this.requireExists(input.parentId);
      if ((await this.ancestors(input.parentId)).includes(id) || input.parentId === id) throw CommonErrors.invalid('a collection cannot be nested inside itself', { key: 'collection.nested_in_itself' });
      await this.requireDepthBelowLimit(input.parentId);
    }
    await this.repo.update(
      id,
      {
        ...(input.name ? { name: JSON.stringify(parseLangMap(input.name, 'name')) } : {}),
        ...(input.description !== undefined ? { description: input.description ? JSON.stringify(parseLangMap(input.description, 'description')) : null } : {}),
        ...(input.parentId !== undefined ? { parent_id: input.parentId } : {}),
        ...(input.visibility ? { visibility: input.visibility } : {}),
        ...(input.downloadPolicy !== undefined ? { download_policy: input.downloadPolicy } : {}),
        ...(input.openToContributions !== undefined ? { open_to_contributions: input.openToContributions ? 1 : 0 } : {}),
      },
      new Date().toISOString(),
    );
    return this.get(actor, id);
  }

  /** The download policy a work in this collection inherits: the nearest collection up the tree that sets one. */
  async downloadPolicyOf(collectionId: string | null): Promise<DownloadPolicy | null> {
    let current = collectionId;
    for (let depth = 0; current && depth < MAX_DEPTH; depth++) {
      const row = await this.repo.findById(current);
      if (!row) return null;
      if (isDownloadPolicy(row.download_policy)) return row.download_policy;
      current = row.parent_id;
    }
    return null;
  }

  /** The collection and all collections nested below it. */
  async subtreeIds(id: string): Promise<string[]> {
    const rows = await this.repo.listAll();
    const children = new Map<string, string[]>();
    for (const r of rows) if (r.parent_id) children.set(r.parent_id, [...(children.get(r.parent_id) ?? []), r.id]);
    const seen = new Set<string>();
    const stack = [id];
    while (stack.length > 0) {
      const next = stack.pop()!;
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(...(children.get(next) ?? []));
    }
    return [...seen];
  }

  /** The collection, then its parent, up to the root (terms and policies inherit along this chain). */
  async ancestors(id: string): Promise<string[]> {
    const out: string[] = [];
    let current: string | null = id;
    while (current && out.length < MAX_DEPTH) {
      const row = await this.repo.findById(current);
      if (!row) break;
      out.push(row.id);
      current = row.parent_id;
    }
    return out;
  }

  // With every chain at most MAX_DEPTH long, the ancestor walk above sees every possible cycle.
  private async requireDepthBelowLimit(parentId: string): Promise<void> {
    if ((await this.ancestors(parentId)).length >= MAX_DEPTH) throw CommonErrors.invalid(`collections nest at most ${MAX_DEPTH} levels deep`, { key: 'collection.too_deep', params: { max: MAX_DEPTH } });
  }

  private async requireExists(id: string): Promise<void> {
    if (!(await this.repo.findById(id))) throw CommonErrors.notFound('collection', { id });
  }
}

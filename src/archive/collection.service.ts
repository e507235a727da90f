import type { Actor } from '../govern/roles.js';
import { hasRole, isStaff } from '../govern/roles.js';
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
  };
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
    return rows.filter((r) => r.visibility === 'public' || isStaff(actor) || (actor.kind === 'user' && r.owner_id === actor.id)).map(toCollection);
  }

  async get(actor: Actor, id: string): Promise<Collection> {
    const row = await this.repo.findById(id);
    if (!row || !(row.visibility === 'public' || isStaff(actor) || (actor.kind === 'user' && row.owner_id === actor.id))) throw CommonErrors.notFound('collection', { id });
    return toCollection(row);
  }

  async create(actor: Actor, input: { name: LangMap; description?: LangMap | null; parentId?: string | null; visibility?: 'private' | 'public' }): Promise<Collection> {
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
    };
    await this.repo.insert(row);
    return toCollection(row);
  }

  async update(actor: Actor, id: string, input: { name?: LangMap; description?: LangMap | null; parentId?: string | null; visibility?: 'private' | 'public'; downloadPolicy?: DownloadPolicy | null }): Promise<Collection> {
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

  private async ancestors(id: string): Promise<string[]> {
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

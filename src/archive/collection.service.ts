import type { Actor } from '../govern/roles.js';
import { hasRole, isStaff } from '../govern/roles.js';
import { CommonErrors } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import type { CollectionRepository, CollectionRow } from './collection.repository.js';
import { langMapSchema, type LangMap } from './metadata.schema.js';

export interface Collection {
  id: string;
  parentId: string | null;
  name: LangMap;
  description: LangMap | null;
  visibility: 'private' | 'public';
  ownerId: string | null;
  createdAt: string;
}

function toCollection(row: CollectionRow): Collection {
  return {
    id: row.id,
    parentId: row.parent_id,
    name: JSON.parse(row.name) as LangMap,
    description: row.description ? (JSON.parse(row.description) as LangMap) : null,
    visibility: row.visibility as 'private' | 'public',
    ownerId: row.owner_id,
    createdAt: row.created_at,
  };
}

const MAX_DEPTH = 32;

/** Nested collections of works. Visibility of a collection hides it from the public list; works keep their own. */
export class CollectionService {
  constructor(private readonly repo: CollectionRepository) {}

  async list(actor: Actor): Promise<Collection[]> {
    const rows = await this.repo.listAll();
    return rows.filter((r) => r.visibility === 'public' || isStaff(actor) || (actor.kind === 'user' && r.owner_id === actor.id)).map(toCollection);
  }

  async get(actor: Actor, id: string): Promise<Collection> {
    const row = await this.repo.findById(id);
    if (!row || !(row.visibility === 'public' || isStaff(actor) || (actor.kind === 'user' && row.owner_id === actor.id))) throw CommonErrors.notFound(`collection ${id}`);
    return toCollection(row);
  }

  async create(actor: Actor, input: { name: LangMap; description?: LangMap | null; parentId?: string | null; visibility?: 'private' | 'public' }): Promise<Collection> {
    if (actor.kind !== 'user' || !hasRole(actor, ['admin', 'curator'])) throw CommonErrors.forbidden('only admins and curators manage collections');
    const name = langMapSchema.parse(input.name);
    if (input.parentId) await this.requireExists(input.parentId);
    const now = new Date().toISOString();
    const row: CollectionRow = {
      id: newId(),
      parent_id: input.parentId ?? null,
      name: JSON.stringify(name),
      description: input.description ? JSON.stringify(langMapSchema.parse(input.description)) : null,
      visibility: input.visibility ?? 'private',
      owner_id: actor.id,
      created_at: now,
      updated_at: now,
    };
    await this.repo.insert(row);
    return toCollection(row);
  }

  async update(actor: Actor, id: string, input: { name?: LangMap; description?: LangMap | null; parentId?: string | null; visibility?: 'private' | 'public' }): Promise<Collection> {
    if (actor.kind !== 'user' || !hasRole(actor, ['admin', 'curator'])) throw CommonErrors.forbidden('only admins and curators manage collections');
    await this.requireExists(id);
    if (input.parentId) {
      await this.requireExists(input.parentId);
      if ((await this.ancestors(input.parentId)).includes(id) || input.parentId === id) throw CommonErrors.invalid('a collection cannot be nested inside itself');
    }
    await this.repo.update(
      id,
      {
        ...(input.name ? { name: JSON.stringify(langMapSchema.parse(input.name)) } : {}),
        ...(input.description !== undefined ? { description: input.description ? JSON.stringify(langMapSchema.parse(input.description)) : null } : {}),
        ...(input.parentId !== undefined ? { parent_id: input.parentId } : {}),
        ...(input.visibility ? { visibility: input.visibility } : {}),
      },
      new Date().toISOString(),
    );
    return this.get(actor, id);
  }

  /** The collection and all collections nested below it. */
  async subtreeIds(id: string): Promise<string[]> {
    const rows = await this.repo.listAll();
    const children = new Map<string, string[]>();
    for (const r of rows) if (r.parent_id) children.set(r.parent_id, [...(children.get(r.parent_id) ?? []), r.id]);
    const out: string[] = [];
    const stack = [id];
    while (stack.length > 0 && out.length < 100_000) {
      const next = stack.pop()!;
      out.push(next);
      stack.push(...(children.get(next) ?? []));
    }
    return out;
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

  private async requireExists(id: string): Promise<void> {
    if (!(await this.repo.findById(id))) throw CommonErrors.notFound(`collection ${id}`);
  }
}

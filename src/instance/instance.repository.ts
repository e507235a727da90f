import type { Database } from '../platform/db/database.js';
import type { Theme } from './theme.js';

/** A language tag (zh-Hans, zh-Hant, en) to the institution's name in it. */
export type NameMap = Partial<Record<'zh-Hans' | 'zh-Hant' | 'en', string>>;

export interface StoredLogo {
  sha256: string;
  mediaType: string;
  size: number;
}

/** The instance's identity as stored: rows `instance.*` of the `settings` table. */
export interface StoredIdentity {
  name: NameMap | null;
  publicUrl: string | null;
  registryOrigin: string | null;
  logo: StoredLogo | null;
  /** When setup was finished (ISO time); null before. */
  setupAt: string | null;
  /** The colours an admin chose (only those set); null: all defaults. */
  theme: Partial<Theme> | null;
}

const KEYS = {
  name: 'instance.name',
  publicUrl: 'instance.public_url',
  registryOrigin: 'instance.registry_origin',
  logo: 'instance.logo',
  setupAt: 'instance.setup_at',
  theme: 'instance.theme',
} as const satisfies Record<keyof StoredIdentity, string>;

/** The only SQL for the instance's settings (and the `blobs` row that keeps its logo's bytes). */
export class InstanceRepository {
  constructor(private readonly database: Database) {}

  async load(): Promise<StoredIdentity> {
    const rows = await this.database.db.selectFrom('settings').select(['key', 'value']).where('key', 'in', Object.values(KEYS)).execute();
    const value = (key: string) => rows.find((r) => r.key === key)?.value ?? null;
    const json = <T>(key: string): T | null => {
      const raw = value(key);
      return raw === null ? null : (JSON.parse(raw) as T);
    };
    return {
      name: json<NameMap>(KEYS.name),
      publicUrl: value(KEYS.publicUrl),
      registryOrigin: value(KEYS.registryOrigin),
      logo: json<StoredLogo>(KEYS.logo),
      setupAt: value(KEYS.setupAt),
      theme: json<Partial<Theme>>(KEYS.theme),
    };
  }

  /** Writes the given fields in one transaction (null removes one); the logo's bytes are recorded as kept. */
  async save(changes: Partial<StoredIdentity>, now: string): Promise<void> {
    await this.database.db.transaction().execute(async (trx) => {
      for (const [field, raw] of Object.entries(changes) as [keyof StoredIdentity, StoredIdentity[keyof StoredIdentity]][]) {
        const key = KEYS[field];
        if (raw === null || raw === undefined) {
          await trx.deleteFrom('settings').where('key', '=', key).execute();
          continue;
        }
        const value = typeof raw === 'string' ? raw : JSON.stringify(raw);
        await trx
          .insertInto('settings')
          .values({ key, value, updated_at: now })
          .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now }))
          .execute();
      }
      // A `blobs` row keeps the bytes from the sweep of unreferenced blobs and puts them under fixity checks.
      const logo = changes.logo;
      if (logo) {
        await trx
          .insertInto('blobs')
          .values({ sha256: logo.sha256, size: logo.size, media_type: logo.mediaType, created_at: now })
          .onConflict((oc) => oc.column('sha256').doNothing())
          .execute();
      }
    });
  }
}

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// A repository is the only SQL for its tables: the privacy module orchestrates export, erasure and
// retention, and each module's `personal-data.repository.ts` reads and rewrites only its own tables
// (docs/architecture.md, "Modules and the tables they own"). This reads the query builders' table
// names in those files, so a step that reaches into another module's table fails here.
const OWN_TABLES: Record<string, string[]> = {
  privacy: ['consent_records', 'personal_exports', 'user_erasures', 'settings'],
  govern: ['users', 'sessions', 'api_tokens', 'login_throttle', 'user_totp', 'recovery_codes', 'mfa_challenges', 'user_passkeys', 'passkey_challenges', 'audit_records'],
  archive: ['works', 'work_metadata', 'work_files', 'work_versions', 'work_events', 'collections', 'upload_keys', 'catalogue_state', 'work_tombstones'],
  discover: ['recommendation_signals', 'recommendation_consents', 'recommendation_picks'],
  license: ['license_parties', 'license_orders', 'license_payments', 'license_grants', 'ledger_postings', 'royalty_splits', 'work_heritage_elements'],
  protect: ['watermark_copies'],
  review: ['review_items', 'review_reports', 'notifications', 'notification_addresses'],
};

function filesOf(module: string): string[] {
  if (module === 'privacy') return fs.readdirSync('src/privacy').filter((f) => f.endsWith('.ts')).map((f) => path.join('src/privacy', f));
  return [path.join('src', module, 'personal-data.repository.ts')];
}

function tablesIn(text: string): string[] {
  return [...text.matchAll(/\b(?:selectFrom|updateTable|deleteFrom|insertInto)\(\s*'([a-z_0-9]+)'/g)].map((m) => m[1]!);
}

describe('personal data: each module touches only its own tables', () => {
  it.each(Object.keys(OWN_TABLES))('%s', (module) => {
    const foreign: string[] = [];
    for (const file of filesOf(module)) {
      const text = fs.readFileSync(file, 'utf8');
      for (const table of tablesIn(text)) if (!OWN_TABLES[module]!.includes(table)) foreign.push(`${file}: ${table}`);
      // Tables named at run time escape the check above (and the schema's types).
      if (/sql\.table\(|\bsql`/.test(text)) foreign.push(`${file}: raw SQL`);
    }
    expect(foreign).toEqual([]);
  });

  it('sees a foreign table when there is one', () => {
    expect(tablesIn("await trx.deleteFrom('sessions').where('user_id', '=', id)").filter((t) => !OWN_TABLES.privacy!.includes(t))).toEqual(['sessions']);
  });
});

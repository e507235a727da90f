import { createHash } from 'node:crypto';
import type { BlobStore } from '../platform/blob-store.js';
import type { Database } from '../platform/db/database.js';
import { newId } from '../platform/ids.js';
import type { FixityProblem, FixityReport, FixityRun } from './admin.contract.js';
import type { WorkRepository } from './work.repository.js';

export type { FixityProblem, FixityReport };

/** Re-hashes every stored file (originals and derivatives) and records what no longer matches its key. */
export class FixityService {
  constructor(
    private readonly database: Database,
    private readonly works: WorkRepository,
    private readonly blobs: BlobStore,
  ) {}

  async run(trigger: 'manual' | 'scheduled' | 'cli', onProgress?: (checked: number) => void): Promise<FixityReport> {
    const id = newId();
    const startedAt = new Date().toISOString();
    const problems: FixityProblem[] = [];
    let checked = 0;
    const check = async (sha256: string, expectedSize: number | null) => {
      checked++;
      if (!(await this.blobs.has(sha256))) {
        problems.push({ sha256, problem: 'missing', detail: 'file is missing from the blob store' });
        onProgress?.(checked);
        return;
      }
      const hash = createHash('sha256');
      let size = 0;
      for await (const chunk of this.blobs.open(sha256)) {
        hash.update(chunk as Buffer);
        size += (chunk as Buffer).length;
      }
      const actual = hash.digest('hex');
      if (actual !== sha256) problems.push({ sha256, problem: 'mismatch', detail: `content now hashes to ${actual}` });
      else if (expectedSize !== null && size !== expectedSize) problems.push({ sha256, problem: 'size', detail: `size is ${size}, recorded ${expectedSize}` });
      onProgress?.(checked);
    };
    for (let after = ''; ; ) {
      const page = await this.works.listBlobs(after, 500);
      if (page.length === 0) break;
      for (const blob of page) await check(blob.sha256, Number(blob.size));
      after = page[page.length - 1]!.sha256;
    }
    for (let after = ''; ; ) {
      const page = await this.works.listDerivativeBlobs(after, 500);
      if (page.length === 0) break;
      for (const blob of page) await check(blob.sha256, null);
      after = page[page.length - 1]!.sha256;
    }
    const report: FixityReport = {
      id,
      trigger,
      startedAt,
      finishedAt: new Date().toISOString(),
      checked,
      mismatched: problems.filter((p) => p.problem !== 'missing').length,
      missing: problems.filter((p) => p.problem === 'missing').length,
      problems,
    };
    await this.database.db
      .insertInto('fixity_runs')
      .values({ id, started_at: startedAt, finished_at: report.finishedAt, trigger, checked, mismatched: report.mismatched, missing: report.missing, report: JSON.stringify(problems) })
      .execute();
    return report;
  }

  async report(id: string): Promise<FixityReport | null> {
    const r = await this.database.db.selectFrom('fixity_runs').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) return null;
    return { id: r.id, trigger: r.trigger, startedAt: r.started_at, finishedAt: r.finished_at ?? '', checked: r.checked, mismatched: r.mismatched, missing: r.missing, problems: JSON.parse(r.report) as FixityProblem[] };
  }

  /** When the latest audit started (ISO time), or null before the first. */
  async lastStartedAt(): Promise<string | null> {
    const row = await this.database.db.selectFrom('fixity_runs').select('started_at').orderBy('started_at', 'desc').limit(1).executeTakeFirst();
    return row?.started_at ?? null;
  }

  async recent(limit = 20): Promise<FixityRun[]> {
    const rows = await this.database.db.selectFrom('fixity_runs').selectAll().orderBy('started_at', 'desc').limit(limit).execute();
    return rows.map((r) => ({ id: r.id, trigger: r.trigger, startedAt: r.started_at, finishedAt: r.finished_at ?? '', checked: r.checked, mismatched: r.mismatched, missing: r.missing }));
  }
}

import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { exportBag, type BagExportDeps } from '../archive/bagit-export.js';
import { auditActor } from '../govern/audit.service.js';
import type { Actor } from '../govern/roles.js';
import { CommonErrors } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import { packDirectory } from './tar.js';
import type { GateDecision, TransferGate, TransferSubject } from './transfer-gate.js';
import { requireManager } from './transfer-rules.service.js';
import type { TransferRepository } from './transfer.repository.js';

export interface TransferExport {
  id: string;
  decision: GateDecision;
  works: number;
  bytes: number;
  fileName: string;
  downloadUrl: string;
}

/**
 * The staff export download (`POST /api/transfers/exports`): the gate decides first (a refused or
 * unassessed transfer writes nothing), then archive's BagIt export writes the bag, packed as one tar
 * under `<dataDir>/transfers/` for the browser to download. The tar is kept for a day.
 */
export class TransferExportService {
  constructor(
    private readonly deps: {
      repo: TransferRepository;
      gate: TransferGate;
      bag: BagExportDeps;
      dataDir: string;
      now: () => Date;
    },
  ) {}

  private get dir(): string {
    return path.join(this.deps.dataDir, 'transfers');
  }

  async create(actor: Actor, input: { subject: TransferSubject; destination: string; assessmentId?: string | null; includeDerivatives?: boolean }): Promise<TransferExport> {
    requireManager(actor);
    const { decision, decisionId } = await this.deps.gate.check({ path: 'api_export', destination: input.destination, subject: input.subject, assessmentId: input.assessmentId ?? null, actor: auditActor(actor) });
    await fsp.mkdir(this.dir, { recursive: true });
    await this.sweep();
    const id = newId();
    const bagDir = path.join(this.dir, `${id}.bag`);
    const tarFile = path.join(this.dir, `${id}.tar`);
    try {
      const report = await exportBag(this.deps.bag, actor, {
        ...('collectionId' in input.subject ? { collectionId: input.subject.collectionId } : { workIds: input.subject.workIds }),
        outDir: bagDir,
        includeDerivatives: Boolean(input.includeDerivatives),
      });
      const now = this.deps.now();
      const fileName = `wenyuan-bag-${now.toISOString().slice(0, 10)}-${id}.tar`;
      const bytes = await packDirectory(bagDir, `wenyuan-bag-${id}`, tarFile, now);
      await this.deps.repo.insertExport({ id, decision_id: decisionId, file_name: fileName, bytes, works: report.works, created_by: auditActor(actor), created_at: now.toISOString() });
      return { id, decision, works: report.works, bytes, fileName, downloadUrl: `/api/transfers/exports/${id}/download` };
    } catch (error) {
      await fsp.rm(tarFile, { force: true });
      throw error;
    } finally {
      await fsp.rm(bagDir, { recursive: true, force: true });
    }
  }

  /** The tar of an export, for its download. Staff who may export may download any export's tar. */
  async open(actor: Actor, id: string): Promise<{ stream: fs.ReadStream; fileName: string; bytes: number }> {
    requireManager(actor);
    const row = await this.deps.repo.findExport(id);
    const file = path.join(this.dir, `${id}.tar`);
    if (!row || !fs.existsSync(file)) throw CommonErrors.notFound('transfer_export', { id });
    return { stream: fs.createReadStream(file), fileName: row.file_name, bytes: row.bytes };
  }

  /** Drops tars older than a day (what left was logged; the bytes need not stay). */
  private async sweep(): Promise<void> {
    const cutoff = this.deps.now().getTime() - 86_400_000;
    for (const name of await fsp.readdir(this.dir).catch(() => [] as string[])) {
      const file = path.join(this.dir, name);
      const stat = await fsp.stat(file).catch(() => null);
      if (stat && stat.mtimeMs < cutoff) await fsp.rm(file, { recursive: true, force: true });
    }
  }
}

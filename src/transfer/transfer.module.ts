import type { ArchiveServices } from '../archive/archive.module.js';
import type { GovernServices } from '../govern/govern.module.js';
import type { BlobStore } from '../platform/blob-store.js';
import type { Database } from '../platform/db/database.js';
import type { ModuleParts } from '../platform/module.js';
import { AssessmentService } from './assessment.service.js';
import { LicensedCopyGate } from './licensed-copy-gate.js';
import { TransferDecisionLog } from './transfer-decisions.service.js';
import { TransferExportService } from './transfer-export.service.js';
import { TransferGate } from './transfer-gate.js';
import { TransferRulesService } from './transfer-rules.service.js';
import { TransferRepository } from './transfer.repository.js';
import { transferRoutes } from './transfer.routes.js';
import './transfer.errors.js';

export interface TransferPorts {
  database: Database;
  blobs: BlobStore;
  /** Export tars are written under `<dataDir>/transfers`. */
  dataDir: string;
  archive: Pick<ArchiveServices, 'dataClasses' | 'workRepository' | 'collections'>;
  govern: Pick<GovernServices, 'identity' | 'audit'>;
  /** The clock (tests move it to see assessments expire). */
  now?: () => Date;
}

export interface TransferServices {
  transfers: {
    rules: TransferRulesService;
    /** The one check every path that sends data out goes through. */
    gate: TransferGate;
    assessments: AssessmentService;
    decisions: TransferDecisionLog;
    exports: TransferExportService;
    /** For license: the check before a licensed copy leaves for the licensee's country. */
    licensedCopies: LicensedCopyGate;
  };
}

/**
 * Data classification's consequences: cross-border transfer rules by destination and class, risk
 * assessments approved by an admin, the gate every outgoing path goes through, and its log.
 */
export function createTransferModule(ports: TransferPorts): ModuleParts<TransferServices> {
  const now = ports.now ?? (() => new Date());
  const repo = new TransferRepository(ports.database);
  const audit = ports.govern.audit;
  const dataClasses = ports.archive.dataClasses;
  const rules = new TransferRulesService({ repo, audit, now });
  const gate = new TransferGate({ repo, rules, dataClasses, audit, now });
  const assessments = new AssessmentService({
    repo,
    dataClasses,
    audit,
    now,
    activeAdmins: async () => (await ports.govern.identity.listUsers()).filter((u) => u.role === 'admin' && !u.disabled).length,
  });
  const decisions = new TransferDecisionLog(repo);
  const exports = new TransferExportService({ repo, gate, bag: { workRepository: ports.archive.workRepository, collections: ports.archive.collections, blobs: ports.blobs, now }, dataDir: ports.dataDir, now });
  const licensedCopies = new LicensedCopyGate({ gate, countryOf: async (userId) => (await ports.govern.identity.getUser(userId).catch(() => null))?.country ?? null });
  return {
    services: { transfers: { rules, gate, assessments, decisions, exports, licensedCopies } },
    routes: (api) => transferRoutes(api, { rules, gate, assessments, decisions, exports }),
  };
}

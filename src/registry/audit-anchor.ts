import { anchorDocument } from '../govern/audit-chain.js';
import type { AnchorCheck } from '../govern/audit.service.js';
import type { Actor } from '../govern/roles.js';
import type { RegistryService } from './registry.service.js';

/** What the anchorer needs of govern's audit trail (govern sits below the registry and never imports it). */
export interface AnchoredTrail {
  head(): Promise<{ seq: number; hash: string }>;
  latestAnchor(): Promise<{ seq: number } | null>;
  recordAnchor(head: { seq: number; hash: string }, registrationId: string): Promise<void>;
}

/**
 * Registers the audit trail's head in the transparency log every `intervalMs` when it moved, so a
 * chain rewritten after that point (every hash recomputed) no longer matches a document the public
 * log holds. The registrant is the first active admin, registering for the institution: a log entry
 * must name a registrant with a key, and the instance has no account of its own that may hold one
 * (the internal `cli` account is disabled). Until setup is done and an admin exists, it waits.
 */
export class AuditAnchorer {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly trail: AnchoredTrail,
    private readonly registry: Pick<RegistryService, 'registerDocument'>,
    /** The acting admin, or null while there is none. */
    private readonly registrant: () => Promise<(Actor & { kind: 'user' }) | null>,
    private readonly options: { intervalMs: number; onError?: (error: unknown) => void },
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  private tick(): Promise<void> {
    this.running ??= this.anchorNow()
      .then(() => undefined)
      .catch((error: unknown) => this.options.onError?.(error))
      .finally(() => (this.running = null));
    return this.running;
  }

  /** Registers the current head if it is newer than the last anchor; the registration id, or null when nothing was done. */
  async anchorNow(): Promise<string | null> {
    const head = await this.trail.head();
    const last = await this.trail.latestAnchor();
    if (head.seq === 0 || (last && last.seq >= head.seq)) return null;
    const actor = await this.registrant();
    if (!actor) return null;
    const status = await this.registry.registerDocument(actor, anchorDocument(head.seq, head.hash));
    await this.trail.recordAnchor(head, status.registrationId);
    return status.registrationId;
  }
}

/** Confirms through the registry that a registration holds the anchored document (null while it is pending). */
export function registryAnchorCheck(registry: Pick<RegistryService, 'status'>): AnchorCheck {
  return async (registrationId, documentSha256) => {
    const status = await registry.status(registrationId).catch(() => null);
    if (!status) return false;
    if (status.status !== 'sequenced') return null;
    const receipt = status.receipt as { opening?: { contentSha256: string }; entry: string };
    return receipt.opening ? receipt.opening.contentSha256 === documentSha256 : receipt.entry.includes(documentSha256);
  };
}

/** The first active admin by account age, as the anchors' registrant (null before there is one). */
export function firstActiveAdmin(identity: { listUsers(): Promise<{ id: string; username: string; role: string; disabled: boolean; createdAt: string }[]> }): () => Promise<(Actor & { kind: 'user' }) | null> {
  return async () => {
    const admins = (await identity.listUsers()).filter((u) => u.role === 'admin' && !u.disabled).sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
    const admin = admins[0];
    return admin ? { kind: 'user', id: admin.id, username: admin.username, role: 'admin' } : null;
  };
}

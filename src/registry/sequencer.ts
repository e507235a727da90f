import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { RegistryRepository } from './registry.repository.js';
import type { RegistryService } from './registry.service.js';

/**
 * Runs the log's sequencer in a worker process: whenever registrations are pending (checked every
 * `intervalMs`, or at once when poked by a registration in this process), they are sequenced into
 * the tree. Several worker processes run one each, but only the holder of the lease (a row in
 * `registry_state`, renewed on every run) sequences; the others stand by and take over when the
 * holder stops (it gives the lease up) or dies (its lease runs out). The state-row lock inside
 * each batch still keeps two batches from ever extending the tree at once.
 */
export class RegistrySequencer {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  /** This process's name in the lease. */
  readonly holder = `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private leading = false;
  /** When this process's lease runs out (ms since the epoch), as it last renewed it. */
  private leaseUntil = 0;

  constructor(
    private readonly repo: RegistryRepository,
    private readonly registry: RegistryService,
    private readonly options: { intervalMs: number; leaseMs?: number; onError?: (error: unknown) => void },
  ) {}

  /** Whether this process held the lease at its last run. */
  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.poke(), this.options.intervalMs);
    this.timer.unref();
    this.poke();
  }

  /** Sequences now (coalescing pokes that arrive while a run is in progress). */
  poke(): void {
    if (!this.timer) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.run().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.poke();
      }
    });
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
    if (this.leading) await this.repo.releaseSequencerLease(this.holder).catch((error: unknown) => this.options.onError?.(error));
    this.leading = false;
  }

  private async run(): Promise<void> {
    try {
      if (!(await this.renew())) return;
      // Renewed between batches too: under a steady stream of registrations one drain never ends, and
      // a lease left to run out meanwhile would let a second process lead. A stop ends it between batches.
      if ((await this.repo.countPending()) > 0) await this.registry.sequencePending(async () => this.timer !== null && (await this.renew()));
      else await this.registry.log.cosignIfBehind();
    } catch (error) {
      this.options.onError?.(error);
    }
  }

  /**
   * Takes or renews this process's lease for a bulk registration, which then sequences its own
   * batches (`RegistryService.registerMany`); whether it leads. `stop` gives the lease up again.
   */
  lead(): Promise<boolean> {
    return this.renew();
  }

  /** Takes or renews the lease when due; whether this process leads. */
  private async renew(): Promise<boolean> {
    const now = Date.now();
    // Long enough that a holder renews well before it runs out; short enough that a dead one is replaced within seconds.
    const leaseMs = this.options.leaseMs ?? Math.max(5_000, this.options.intervalMs * 10);
    // Renewed once half of it is used, not on every run: an idle instance does not write twice a second.
    if (!this.leading || now > this.leaseUntil - leaseMs / 2) {
      this.leading = await this.repo.takeSequencerLease(this.holder, new Date(now), new Date(now + leaseMs));
      if (this.leading) this.leaseUntil = now + leaseMs;
    }
    return this.leading;
  }
}

import type { RegistryRepository } from './registry.repository.js';
import type { RegistryService } from './registry.service.js';

/**
 * Runs the log's sequencer in a worker process: whenever registrations are pending (checked every
 * `intervalMs`, or at once when poked by a registration in this process), they are sequenced into
 * the tree. Several processes may run one: the state-row lock lets one extend the tree at a time.
 */
export class RegistrySequencer {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly repo: RegistryRepository,
    private readonly registry: RegistryService,
    private readonly options: { intervalMs: number; onError?: (error: unknown) => void },
  ) {}

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
  }

  private async run(): Promise<void> {
    try {
      if ((await this.repo.countPending()) > 0) await this.registry.sequencePending();
      else await this.registry.log.cosignIfBehind();
    } catch (error) {
      this.options.onError?.(error);
    }
  }
}

import type { ArchiveServices } from '../archive/archive.module.js';
import type { InstanceServices } from '../instance/instance.module.js';
import type { Database } from '../platform/db/database.js';
import type { KeyStore } from '../platform/keystore.js';
import type { ModuleParts } from '../platform/module.js';
import type { WorkerLogger } from '../platform/jobs/worker.js';
import { witnessPolicy } from './cosignature.js';
import { nodeCrypto } from './crypto-node.js';
import { RegistrantKeys } from './registrant-keys.js';
import { RegistryRepository, type RegistryReader } from './registry.repository.js';
import { registryRoutes } from './registry.routes.js';
import { RegistryService } from './registry.service.js';
import { RequestSealer } from './request-seal.js';
import { RegistrySequencer } from './sequencer.js';
import { TransparencyLog } from './transparency-log.js';
import { parseWitnessList, WitnessClient } from './witness-client.js';

export interface RegistryPorts {
  database: Database;
  keystore: KeyStore;
  archive: Pick<ArchiveServices, 'workReader' | 'extensions'>;
  /** The origin setup settled (for the log's key), and where the registry says which origin its key fixed. */
  instance: Pick<InstanceServices, 'instance' | 'extensions'>;
  config: { registryWitnesses: string; registryWitnessQuorum: number };
  logger?: WorkerLogger;
}

/** Perceptual fingerprint lines (`pdq:…`, `iscc:…`) of stored files, for their registry entries, by sha256. */
export type EntryFingerprints = (sha256s: string[]) => Promise<Map<string, string[]>>;

export interface RegistryServices {
  registry: RegistryService;
  /** Read access to the log's entries for the modules above (by interface). */
  registryReader: RegistryReader;
  /** The repository itself, for the CLI and tests only. */
  registryRepository: RegistryRepository;
  sequencer: RegistrySequencer;
  /** Where protect plugs in the fingerprints that go into entries (the registry never imports it). */
  extensions: { setEntryFingerprints(source: EntryFingerprints): void };
}

/** The transparency log: registrations, the sequencer, receipts and the public, read-only log. */
export async function createRegistryModule(ports: RegistryPorts): Promise<ModuleParts<RegistryServices>> {
  const { database, keystore, config, logger } = ports;
  const witnesses = await parseWitnessList(config.registryWitnesses, nodeCrypto);
  const onWitnessError = (witness: string, err: unknown) => logger?.warn({ err: String(err), witness }, 'witness cosigning failed');
  const witnessing = witnesses.length > 0 || config.registryWitnessQuorum > 0
    ? { client: new WitnessClient(witnesses, { onError: onWitnessError }), policy: witnessPolicy(witnesses.map((w) => w.verifier), config.registryWitnessQuorum), onError: (err: unknown) => onWitnessError('*', err) }
    : undefined;

  const registryRepository = new RegistryRepository(database, new RequestSealer(() => keystore.sealingKey()));
  const log = new TransparencyLog(registryRepository, keystore, () => ports.instance.instance.registryOriginForNewKey(), witnessing);
  ports.instance.extensions.setRegistryKeyOrigin(() => log.existingOrigin());
  let entryFingerprints: EntryFingerprints | null = null;
  // The sequencer is made after the service it drives; registrations poke it through this closure.
  let sequencer: RegistrySequencer | null = null;
  const registry = new RegistryService(registryRepository, ports.archive.workReader, new RegistrantKeys(database, keystore), log, {
    onPending: () => sequencer?.poke(),
    lead: async () => (sequencer && (await sequencer.lead()) ? sequencer.holder : null),
    fingerprintsOf: (sha256s) => (entryFingerprints ? entryFingerprints(sha256s) : Promise.resolve(new Map())),
    witnesses: { count: witnesses.length, quorum: config.registryWitnessQuorum },
  });
  sequencer = new RegistrySequencer(registryRepository, registry, { intervalMs: 500, ...(logger ? { onError: (err: unknown) => logger.error({ err }, 'sequencing failed') } : {}) });
  const running = sequencer;
  // A work's events show its registrations (read from the log's own tables, so nothing is written twice).
  ports.archive.extensions.addEventSource(async (workId, limit) =>
    (await registryRepository.registrationsOfWork(workId, limit)).map((r) => ({
      type: r.index === null ? 'registration_pending' : 'registered',
      actorId: r.userId,
      actorName: r.userName,
      actorUsername: r.username,
      at: r.at,
      detail: { registrationId: r.registrationId, index: r.index },
    })),
  );

  return {
    services: {
      registry,
      registryReader: registryRepository,
      registryRepository,
      sequencer: running,
      extensions: { setEntryFingerprints: (source) => void (entryFingerprints = source) },
    },
    routes: (api) => registryRoutes(api, { registry }),
    background: { start: () => running.start(), stop: () => running.stop() },
  };
}

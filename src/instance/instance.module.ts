import type { AuditRecorder } from '../govern/audit.service.js';
import type { BlobStore } from '../platform/blob-store.js';
import type { Database } from '../platform/db/database.js';
import type { ModuleParts } from '../platform/module.js';
import type { PublicLinks } from '../platform/public-url.js';
import { InstanceRepository } from './instance.repository.js';
import { instanceRoutes } from './instance.routes.js';
import { InstanceService, type InstanceConfig } from './instance.service.js';

export interface InstancePorts {
  database: Database;
  blobs: BlobStore;
  /**
   * WENYUAN_PUBLIC_URL (overrides the stored public URL), WENYUAN_REGISTRY_ORIGIN (what setup
   * proposes) and WENYUAN_MAP_TILE_URL / WENYUAN_MAP_ATTRIBUTION (the browse map's tiles).
   */
  config: InstanceConfig;
  /** Govern's audit trail (settings changes are recorded there). */
  audit?: AuditRecorder;
}

/** Where the registry plugs in, so this module never imports it. */
export interface InstanceExtensions {
  /** The origin the log's key carries, or null before it exists; from then on the origin is fixed. */
  setRegistryKeyOrigin(source: () => Promise<string | null>): void;
}

export interface InstanceServices {
  instance: InstanceService;
  /** Absolute links from the public URL, for every module that makes links (see platform/public-url.ts). */
  links: PublicLinks;
  extensions: InstanceExtensions;
}

/**
 * Who this instance is: the institution's name and logo, the public URL absolute links are built
 * from, the transparency log's origin, and the first-run setup that settles them.
 */
export function createInstanceModule(ports: InstancePorts): ModuleParts<InstanceServices> {
  const instance = new InstanceService(new InstanceRepository(ports.database), ports.blobs, ports.config);
  return {
    services: {
      instance,
      links: instance.links,
      extensions: { setRegistryKeyOrigin: (source) => instance.setRegistryKeyOrigin(source) },
    },
    routes: (api) => instanceRoutes(api, { instance, ...(ports.audit ? { audit: ports.audit } : {}) }),
  };
}

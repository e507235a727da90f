import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { App } from '../../app.js';
import { collectionRoutes } from '../../archive/collection.routes.js';
import { adminArchiveRoutes } from '../../archive/admin.routes.js';
import { fileRoutes } from '../../archive/file.routes.js';
import { uploadRoutes } from '../../archive/upload.routes.js';
import { workRoutes } from '../../archive/work.routes.js';
import { catalogueRoutes } from '../../discover/catalogue.routes.js';
import { identityRoutes } from '../../govern/identity.routes.js';
import { vocabularyRoutes } from '../../archive/vocabulary.routes.js';
import { protectRoutes } from '../../protect/protect.routes.js';
import { registryRoutes } from '../../registry/registry.routes.js';

export type Api = FastifyInstance<any, any, any, any, ZodTypeProvider>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Every module's routes, mounted under /api. */
export async function registerRoutes(api: Api, app: App): Promise<void> {
  api.get('/health', { schema: { hide: true } }, async () => ({ ok: true }));
  identityRoutes(api, app);
  workRoutes(api, app);
  uploadRoutes(api, app);
  fileRoutes(api, app);
  collectionRoutes(api, app);
  catalogueRoutes(api, app);
  vocabularyRoutes(api);
  adminArchiveRoutes(api, app);
  registryRoutes(api, app);
  protectRoutes(api, app);
}

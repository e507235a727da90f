import { createApp, type App } from '../../src/app.js';
import type { Role } from '../../src/govern/roles.js';
import { loadConfig } from '../../src/platform/config.js';
import { buildServer, type Server } from '../../src/platform/http/server.js';
import { createTestDatabase, type TestDialect } from './databases.js';

export interface TestContext {
  app: App;
  server: Server;
  /** Signs in a new user of the role and returns headers that authenticate as them (API token). */
  userWithRole(role: Role, username?: string): Promise<{ id: string; headers: Record<string, string> }>;
  close(): Promise<void>;
}

let counter = 0;

/** The identity test instances are set up with (their log is named `TEST_REGISTRY_ORIGIN` unless a test says otherwise). */
export const TEST_PUBLIC_URL = 'https://museum.test';
export const TEST_REGISTRY_ORIGIN = 'museum.test/registry';

/**
 * A whole Wenyuan (real database, real blob store, HTTP in-process) for route and service tests.
 * It is set up (name, public URL, registry origin) as an admin would at first start, unless
 * `options.setup` is false (tests of setup itself).
 */
export async function createTestContext(dialect: TestDialect, overrides: Record<string, unknown> = {}, options: { setup?: boolean } = {}): Promise<TestContext> {
  const database = await createTestDatabase(dialect);
  const config = loadConfig({ dataDir: database.dataDir, databaseUrl: database.url, registryOrigin: TEST_REGISTRY_ORIGIN, ...overrides }, {});
  const app = await createApp(config);
  if (options.setup !== false) {
    await app.instance.configure({ name: { 'zh-Hans': '测试博物馆', en: 'Test Museum' }, publicUrl: TEST_PUBLIC_URL, registryOrigin: config.registryOrigin ?? TEST_REGISTRY_ORIGIN });
  }
  const server = await buildServer(app.http, { logger: false, webRoot: null });
  await server.ready();
  return {
    app,
    server,
    async userWithRole(role, username) {
      const name = username ?? `${role}${++counter}${Math.random().toString(36).slice(2, 6)}`;
      const user = await app.identity.createUser({ username: name, password: 'correct horse battery', role });
      const { token } = await app.identity.createApiToken(user.id, 'test');
      return { id: user.id, headers: { authorization: `Bearer ${token}` } };
    },
    async close() {
      await server.close();
      await app.close();
      await database.drop();
    },
  };
}

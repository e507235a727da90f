import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/platform/config.js';
import { nodeCrypto } from '../../src/registry/crypto-node.js';
import { generateKey, parseVerifierKey } from '../../src/registry/signed-note.js';
import { createTestContext, type TestContext } from '../support/test-app.js';

const identity = { name: { en: 'Origin Museum' }, publicUrl: 'https://origin.museum.example' };

/**
 * The log's origin is the one setup settles (never the machine's name, never the environment's
 * proposal on its own), and once the log key exists it is fixed: setup cannot change it, and
 * another process, or an upgraded instance whose key predates setup, keeps it.
 */
describe('the registry origin comes from setup', () => {
  let ctx: TestContext | undefined;

  afterEach(async () => {
    await ctx?.close();
    ctx = undefined;
  });

  it('is not chosen before setup, even when WENYUAN_REGISTRY_ORIGIN proposes one', async () => {
    ctx = await createTestContext('sqlite', { registryOrigin: 'proposed.example/registry' }, { setup: false });
    await expect(ctx.app.registry.log.verifierKey()).rejects.toMatchObject({ code: 'setup_required' });
    await expect(ctx.app.registry.log.sequence()).rejects.toMatchObject({ code: 'setup_required' });
    expect(await ctx.app.registry.log.existingOrigin()).toBeNull();
    expect((await ctx.app.instance.settings()).suggestedRegistryOrigin).toBe('proposed.example/registry');
  });

  it('is the one setup chose last before the key was made, and stays fixed after', async () => {
    ctx = await createTestContext('sqlite', {}, { setup: false });
    const app = ctx.app;
    await app.instance.configure({ ...identity, registryOrigin: 'first.example/registry' });
    await app.instance.configure({ ...identity, registryOrigin: 'second.example/registry' });
    // The first request for the key makes it, with the origin setup settled.
    const vkey = await app.registry.log.verifierKey();
    expect((await parseVerifierKey(vkey, nodeCrypto)).name).toBe('second.example/registry');
    expect(await app.registry.log.origin()).toBe('second.example/registry');

    await expect(app.instance.configure({ registryOrigin: 'third.example/registry' })).rejects.toMatchObject({ code: 'conflict', key: 'instance.registry_origin_fixed', params: { origin: 'second.example/registry' } });
    expect(await app.instance.settings()).toMatchObject({ registryOrigin: 'second.example/registry', registryOriginFixed: true });
    expect(await app.instance.configure({ name: { en: 'Renamed' } })).toMatchObject({ name: { en: 'Renamed' }, registryOrigin: 'second.example/registry' });

    // Another process on the same instance, whatever its environment proposes, signs with the same key.
    const other = await createApp(loadConfig({ dataDir: app.config.dataDir, databaseUrl: app.config.databaseUrl, registryOrigin: 'env.example/registry' }, {}));
    try {
      expect(await other.registry.log.verifierKey()).toBe(vkey);
      expect(await other.instance.settings()).toMatchObject({ registryOrigin: 'second.example/registry', registryOriginFixed: true });
    } finally {
      await other.close();
    }
  });

  it('is not fixed by a visitor asking for the log key before anything is registered', async () => {
    ctx = await createTestContext('sqlite', {}, { setup: false });
    await ctx.app.instance.configure({ ...identity, registryOrigin: 'typo.example/registy' });
    // The verify page asks for the key on load: an anonymous request must not name the log for good.
    for (const url of ['/api/registry/key', '/api/registry/checkpoint']) {
      const early = await ctx.server.inject({ method: 'GET', url });
      expect(early.statusCode, url).toBe(404);
    }
    expect(await ctx.app.registry.log.existingOrigin()).toBeNull();
    expect(await ctx.app.instance.configure({ registryOrigin: 'origin.museum.example/registry' })).toMatchObject({ registryOrigin: 'origin.museum.example/registry', registryOriginFixed: false });
    // Once the key exists (the first registration makes it), it is served.
    const vkey = await ctx.app.registry.log.verifierKey();
    const served = await ctx.server.inject({ method: 'GET', url: '/api/registry/key' });
    expect(served.statusCode).toBe(200);
    expect(served.body.trim()).toBe(vkey);
  });

  it('of an instance upgraded with a log key made before setup existed is that key’s, and registering goes on', async () => {
    ctx = await createTestContext('sqlite', {}, { setup: false });
    // What older versions made at first start: a key named after the machine.
    const old = await generateKey('old-host/wenyuan-registry', nodeCrypto);
    fs.mkdirSync(path.join(ctx.app.config.dataDir, 'keys'), { recursive: true });
    fs.writeFileSync(path.join(ctx.app.config.dataDir, 'keys', 'log.key'), `${old.signerKey}\n`, { mode: 0o600 });

    expect(await ctx.app.registry.log.verifierKey()).toBe(old.verifierKey);
    expect(await ctx.app.instance.settings()).toMatchObject({ setupDone: false, registryOrigin: 'old-host/wenyuan-registry', registryOriginFixed: true });
    // Setup then takes the name and the public URL, and records the origin the key already has.
    await expect(ctx.app.instance.configure({ ...identity, registryOrigin: 'new.example/registry' })).rejects.toMatchObject({ key: 'instance.registry_origin_fixed' });
    expect(await ctx.app.instance.configure(identity)).toMatchObject({ setupDone: true, registryOrigin: 'old-host/wenyuan-registry' });
    expect(await ctx.app.registry.log.origin()).toBe('old-host/wenyuan-registry');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_USERNAME } from '../../src/govern/identity.service.js';
import type { Actor } from '../../src/govern/roles.js';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { makeUser, TEST_PASSWORD, type TestUser } from './route-helpers.js';

/**
 * The admin's list of users names people only: the disabled account that command-line imports are
 * recorded under (made as `wenyuan import` makes it) is left out, while disabled people stay listed.
 * Work history still says who acted, with the username, so the client can name the import account
 * in the reader's language.
 */

interface UserJson {
  id: string;
  username: string;
  disabled: boolean;
}

describe.each(await testDialects())('the list of users (%s)', (dialect) => {
  let ctx: TestContext;
  let admin: TestUser;
  let cliAccount: Actor;
  const listUsers = (headers: Record<string, string>) => ctx.server.inject({ method: 'GET', url: '/api/users', headers });

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    admin = await makeUser(ctx, 'admin');
    // As src/cli/import.command.ts does: a disabled curator account nobody can sign in as.
    const created = await ctx.app.identity.createUser({ username: CLI_USERNAME, displayName: 'Command line', password: 'a long random password', role: 'curator' });
    await ctx.app.identity.updateUser(created.id, { disabled: true });
    cliAccount = { kind: 'user', id: created.id, username: CLI_USERNAME, role: 'curator' };
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it('401 without a session, 403 for a non-admin', async () => {
    expect((await listUsers({})).statusCode).toBe(401);
    const curator = await makeUser(ctx, 'curator');
    expect((await listUsers(curator.headers)).statusCode).toBe(403);
  });

  it('leaves out the internal command-line account but lists disabled people', async () => {
    const person = await ctx.app.identity.createUser({ username: 'retired-curator', password: TEST_PASSWORD, role: 'curator' });
    await ctx.app.identity.updateUser(person.id, { disabled: true });
    const res = await listUsers(admin.headers);
    expect(res.statusCode).toBe(200);
    const users = (res.json() as { items: UserJson[] }).items;
    expect(users.map((u) => u.username)).toContain(admin.username);
    expect(users.find((u) => u.username === 'retired-curator')?.disabled).toBe(true);
    expect(users.map((u) => u.username)).not.toContain(CLI_USERNAME);
    // Still found by name, which is how the import command reuses it.
    expect((await ctx.app.identity.findByUsername(CLI_USERNAME))?.id).toBe(cliAccount.kind === 'user' ? cliAccount.id : '');
  });

  it('names the acting account in work events and versions, so the client can translate the import account', async () => {
    const work = await ctx.app.works.create(cliAccount, { metadata: { title: { en: 'Imported from the command line' } } });
    const events = await ctx.server.inject({ method: 'GET', url: `/api/works/${work.id}/events`, headers: admin.headers });
    expect(events.statusCode).toBe(200);
    expect((events.json() as { items: { actorUsername: string | null }[] }).items[0]?.actorUsername).toBe(CLI_USERNAME);
    const versions = await ctx.server.inject({ method: 'GET', url: `/api/works/${work.id}/versions`, headers: admin.headers });
    expect((versions.json() as { items: { changedByUsername: string | null }[] }).items[0]?.changedByUsername).toBe(CLI_USERNAME);
  });
});

import type { Command } from 'commander';
import { ROLES, type Role } from '../govern/roles.js';
import { addInstanceOptions, withApp } from './context.js';
import { promptNewPassword } from './password-prompt.js';
import { resetSecondFactors } from '../govern/second-factor-reset.js';

/** The new account's password: all of stdin with --password-stdin or when stdin is not a terminal, else a prompt. */
async function readPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin || !process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  }
  // Prompts go to stderr so that stdout carries only the result.
  return promptNewPassword({ input: process.stdin, output: process.stderr });
}

/** `wenyuan admin create` and `wenyuan user create`: accounts from the command line. */
export function registerAdminCommands(program: Command): void {
  const admin = program.command('admin').description('manage administrator accounts');
  addInstanceOptions(
    admin
      .command('create <username>')
      .description('create an administrator (password from a prompt, or from stdin with --password-stdin)')
      .option('--password-stdin', 'read the password from standard input'),
  ).action(async (username: string, options: { passwordStdin?: boolean; dataDir?: string; databaseUrl?: string }) => {
    const password = await readPassword(Boolean(options.passwordStdin));
    await withApp(options, async (app) => {
      const user = await app.identity.createUser({ username, password, role: 'admin' });
      console.log(`created admin "${user.username}" (${user.id})`);
    });
  });

  const user = program.command('user').description('manage user accounts');
  addInstanceOptions(
    user
      .command('create <username>')
      .description('create a user with a role')
      .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
      .option('--password-stdin', 'read the password from standard input'),
  ).action(async (username: string, options: { role: string; passwordStdin?: boolean; dataDir?: string; databaseUrl?: string }) => {
    if (!ROLES.includes(options.role as Role)) throw new Error(`--role must be one of ${ROLES.join(', ')}`);
    const password = await readPassword(Boolean(options.passwordStdin));
    await withApp(options, async (app) => {
      const created = await app.identity.createUser({ username, password, role: options.role as Role });
      console.log(`created ${created.role} "${created.username}" (${created.id})`);
    });
  });

  // The way back for someone who lost their phone and recovery codes — also the only one for a sole
  // administrator, whom the web interface cannot reset (an admin may not reset their own account there).
  addInstanceOptions(user.command('reset-two-factor <username>').description("remove a person's authenticator app, recovery codes and passkeys, and sign them out everywhere")).action(
    async (username: string, options: { dataDir?: string; databaseUrl?: string }) => {
      await withApp(options, async (app) => {
        const found = await app.identity.findByUsername(username);
        if (!found) throw new Error(`no user "${username}"`);
        await resetSecondFactors(app, found.id);
        await app.audit.record({ actor: 'system', action: 'auth.two_factor_reset', target: { type: 'user', id: found.id }, details: { via: 'cli' } });
        console.log(`two-factor sign-in of "${found.username}" reset: authenticator app, recovery codes and passkeys removed, every session ended; they sign in with their password and may enrol again`);
      });
    },
  );
}

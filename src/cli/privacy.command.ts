import path from 'node:path';
import type { Command } from 'commander';
import type { App } from '../app.js';
import { AppError } from '../platform/errors.js';
import { addInstanceOptions, withApp } from './context.js';

type InstanceOptions = { dataDir?: string; databaseUrl?: string };

/** A user by username or id (erased accounts keep their id). */
async function findUser(app: App, who: string) {
  const user = (await app.identity.findByUsername(who)) ?? (await app.identity.getUser(who).catch(() => null));
  if (!user) throw new Error(`no user "${who}" (give a username or a user id)`);
  return user;
}

/** `wenyuan privacy export|erase|retention`: a person's data export, erasure and the retention rules from the command line. */
export function registerPrivacyCommands(program: Command): void {
  const privacy = program.command('privacy').description('the rights of the person: export a person’s data, erase a person, apply retention rules');

  addInstanceOptions(
    privacy
      .command('export <user>')
      .description('write everything about a person (account, consents, events, orders, their works and files) to a zip')
      .requiredOption('--out <file>', 'the zip to write'),
  ).action(async (who: string, options: InstanceOptions & { out: string }) => {
    await withApp(options, async (app) => {
      const user = await findUser(app, who);
      const started = Date.now();
      const { bytes, sha256 } = await app.personalExports.writeZip(user.id, path.resolve(options.out));
      await app.audit.record({ actor: 'system', action: 'export.personal', target: { type: 'user', id: user.id }, details: { bytes, via: 'cli' } });
      console.log(`wrote ${options.out}: ${bytes} bytes, sha256 ${sha256} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    });
  });

  addInstanceOptions(
    privacy
      .command('erase <user>')
      .description('erase a person: sign them out, anonymise the account, unlink events, strip names from licence records, and transfer or delete their works (the instance’s policy)')
      .option('--yes', 'really erase (without it, only say what would happen)'),
  ).action(async (who: string, options: InstanceOptions & { yes?: boolean }) => {
    await withApp(options, async (app) => {
      const user = await findUser(app, who);
      const policy = await app.retention.worksPolicy();
      if (!options.yes) {
        console.log(`would erase ${user.username} (${user.id}); their works would be ${policy === 'delete' ? 'deleted (licensed works pass to the institution)' : 'transferred to the institution'}`);
        console.log('add --yes to erase');
        process.exitCode = 1;
        return;
      }
      try {
        await app.erasure.request(user.id, 'system');
      } catch (error) {
        // An erasure already under way is resumed here; one finished is reported.
        if (!(error instanceof AppError && error.key === 'privacy.erasure_running')) throw error;
      }
      await app.erasure.run(user.id);
      const status = await app.erasure.status(user.id);
      console.log(`erased ${user.id} (works: ${status?.worksPolicy ?? policy})`);
    });
  });

  addInstanceOptions(
    privacy
      .command('retention')
      .description('show the retention rules, or apply them now (the worker does it daily)')
      .option('--run', 'delete what is past its retention period now')
      .option('--json', 'print JSON'),
  ).action(async (options: InstanceOptions & { run?: boolean; json?: boolean }) => {
    await withApp(options, async (app) => {
      const result = options.run ? await app.retention.run() : await app.retention.settings();
      if (options.json) return void console.log(JSON.stringify(result, null, 2));
      if (options.run) {
        for (const [key, value] of Object.entries(result)) console.log(`${key}: ${String(value)}`);
        return;
      }
      const settings = result as Awaited<ReturnType<App['retention']['settings']>>;
      for (const [key, days] of Object.entries(settings.retention)) console.log(`${key}: ${days === 0 ? 'kept for ever' : `${days} days`}`);
      console.log(`erased people's works: ${settings.erasureWorks}`);
      console.log('the audit trail is never deleted (a hash chain); expired sessions and sign-in throttle rows go on every run');
      console.log(`last run: ${settings.lastRun?.ranAt ?? 'never'}`);
    });
  });
}

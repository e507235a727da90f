import type { Command } from 'commander';
import type { App } from '../app.js';
import type { Actor } from '../govern/roles.js';
import { AppError } from '../platform/errors.js';
import { DECISIONS, REVIEW_KINDS, REVIEW_POLICIES, type ReviewDecision, type ReviewItemView, type ReviewKind, type ReviewPolicy } from '../review/review.contract.js';
import { oneTitle } from '../review/review.service.js';
import { actorFromUsername, addInstanceOptions, withApp } from './context.js';

interface Common {
  as?: string;
  json?: boolean;
  dataDir?: string;
  databaseUrl?: string;
}

/** Reads run as the instance (an administrator) unless a user is named; decisions need a named reviewer. */
async function actorOf(app: App, username: string | undefined): Promise<Actor> {
  return username ? actorFromUsername(app, username) : { kind: 'user', id: '(command line)', username: '(command line)', role: 'admin' };
}

function line(item: ReviewItemView): string {
  const checks = item.checks.filter((c) => c.outcome !== 'pass').map((c) => `${c.code}:${c.outcome}`).join(',');
  const state = item.state === 'open' ? (item.claimedBy ? `claimed by ${item.claimedByName ?? item.claimedBy}` : 'open') : (item.decision ?? 'decided');
  return `${item.id}  ${item.kind.padEnd(10)} ${item.stage.padEnd(6)} ${state.padEnd(20)} ${item.openedAt.slice(0, 16)}  ${item.workId}  ${oneTitle(item.workTitle) ?? ''}${checks ? `  [${checks}]` : ''}`;
}

function invalid(message: string): never {
  console.error(`wenyuan: ${message}`);
  process.exitCode = 2;
  throw new AppError('invalid_input', message, { key: 'invalid_input.request' });
}

/** Runs an action; a refused input (ours or a service's) exits 2, the rest goes to main (exit 1). */
function run<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (error) {
      if (error instanceof AppError && error.code === 'invalid_input') {
        if (process.exitCode !== 2) console.error(`wenyuan: ${error.message}`);
        process.exitCode = 2;
        return;
      }
      throw error;
    }
  };
}

/** `wenyuan review list|claim|decide|policy`: the review queue from the command line. */
export function registerReviewCommands(program: Command): void {
  const review = program.command('review').description('content review: the queue, claims and decisions, and what waits for review');
  const sub = (spec: string, description: string) => addInstanceOptions(review.command(spec).description(description).option('--as <username>', 'act as this user').option('--json', 'print the API’s JSON shape'));

  sub('list', 'a page of the queue (open items oldest first)')
    .option('--kind <kind>', `${REVIEW_KINDS.join(' or ')}`)
    .option('--state <state>', 'open (default) or decided')
    .option('--limit <n>', 'items (1–100)', '50')
    .action(run(async (options: Common & { kind?: string; state?: string; limit: string }) => {
      if (options.kind && !REVIEW_KINDS.includes(options.kind as ReviewKind)) invalid(`--kind must be ${REVIEW_KINDS.join(' or ')}`);
      if (options.state && options.state !== 'open' && options.state !== 'decided') invalid('--state must be open or decided');
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) invalid('--limit must be a whole number from 1 to 100');
      await withApp(options, async (app) => {
        const page = await app.review.queue(await actorOf(app, options.as), { ...(options.kind ? { kind: options.kind as ReviewKind } : {}), ...(options.state ? { state: options.state as 'open' | 'decided' } : {}), limit });
        if (options.json) console.log(JSON.stringify(page, null, 2));
        else if (page.items.length === 0) console.log('the queue is empty');
        else for (const item of page.items) console.log(line(item));
      });
    }));

  sub('claim <item-id>', 'take an item for 30 minutes (needs --as a reviewer)').action(run(async (id: string, options: Common) => {
    if (!options.as) invalid('--as <username> is required: a claim is a person’s');
    await withApp(options, async (app) => {
      const item = await app.review.claim(await actorFromUsername(app, options.as!), id);
      console.log(options.json ? JSON.stringify(item, null, 2) : line(item));
    });
  }));

  sub('decide <item-id>', 'decide a claimed item (claims it first when free)')
    .requiredOption('--decision <decision>', DECISIONS.join(', '))
    .option('--reason <code>', 'a reason from the list (needed to reject, ask for changes or unpublish)')
    .option('--text <text>', 'words for the submitter')
    .action(run(async (id: string, options: Common & { decision: string; reason?: string; text?: string }) => {
      if (!options.as) invalid('--as <username> is required: a decision is a person’s');
      if (!DECISIONS.includes(options.decision as ReviewDecision)) invalid(`--decision must be one of ${DECISIONS.join(', ')}`);
      await withApp(options, async (app) => {
        const actor = await actorFromUsername(app, options.as!);
        const current = await app.review.item(actor, id);
        if (current.state === 'open' && current.claimedBy !== actor.id) await app.review.claim(actor, id);
        const item = await app.review.decide(actor, id, { decision: options.decision as ReviewDecision, reasonCode: options.reason ?? null, reasonText: options.text ?? null });
        console.log(options.json ? JSON.stringify(item, null, 2) : line(item));
      });
    }));

  sub('policy [policy]', `show or set what waits for review: ${REVIEW_POLICIES.join(', ')}`)
    .option('--collections <ids>', 'with `collections`: the collection ids whose works wait, comma-separated')
    .option('--appeal-days <n>', 'days a submitter has to appeal')
    .action(run(async (policy: string | undefined, options: Common & { collections?: string; appealDays?: string }) => {
      if (policy && !REVIEW_POLICIES.includes(policy as ReviewPolicy)) invalid(`policy must be one of ${REVIEW_POLICIES.join(', ')}`);
      const days = options.appealDays === undefined ? undefined : Number(options.appealDays);
      if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > 365)) invalid('--appeal-days must be a whole number from 1 to 365');
      await withApp(options, async (app) => {
        let settings = await app.reviewSettings.read();
        if (policy || options.collections !== undefined || days !== undefined) {
          const actor = await actorOf(app, options.as);
          if (actor.kind !== 'user' || actor.role !== 'admin') invalid('only an administrator sets the review policy');
          settings = await app.reviewSettings.write(actor, {
            ...settings,
            ...(policy ? { policy: policy as ReviewPolicy } : {}),
            ...(options.collections !== undefined ? { collections: options.collections.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
            ...(days !== undefined ? { appealDays: days } : {}),
          });
        }
        if (options.json) console.log(JSON.stringify(settings, null, 2));
        else console.log(`policy: ${settings.policy}${settings.policy === 'collections' ? ` (${settings.collections.join(', ') || 'no collections'})` : ''}\nappeal within: ${settings.appealDays} days\nterms: ${settings.terms.length}, rules: ${settings.rules.length}`);
      });
    }));
}

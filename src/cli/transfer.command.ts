import fs from 'node:fs';
import type { Command } from 'commander';
import type { App } from '../app.js';
import type { Actor } from '../govern/roles.js';
import { ruleInputSchema } from '../transfer/transfer.contract.js';
import type { GateDecision } from '../transfer/transfer-gate.js';
import { actorFromUsername, addInstanceOptions, withApp } from './context.js';

/**
 * `wenyuan transfer`: the cross-border transfer rules, the dry-run check, assessments and their
 * approval. Exit codes of `check`: 0 allowed (or covered by an approved assessment), 3 refused or
 * needs an assessment (a question answered, so scripts can branch on it), 1 any error.
 */
export const TRANSFER_EXIT = { allowed: 0, error: 1, blocked: 3 } as const;

interface Common {
  as?: string;
  json?: boolean;
  dataDir?: string;
  databaseUrl?: string;
}

/** Reads are made as the instance (an administrator); changes in a named admin's name. */
async function actorOf(app: App, username: string | undefined): Promise<Actor> {
  return username ? actorFromUsername(app, username) : { kind: 'user', id: 'cli', username: '(command line)', role: 'admin' };
}

function decisionText(d: GateDecision & { problem?: { message: string } | null }): string {
  const lines = [`${d.outcome.toUpperCase()} — ${d.works} work(s) to ${d.destination}${d.domestic ? ' (domestic)' : ''}`];
  for (const c of d.classes) lines.push(`  ${c.dataClass.padEnd(9)} ${c.outcome.padEnd(6)} ${c.ruleIds.length > 0 ? `rules ${c.ruleIds.join(', ')}` : 'no rule (default)'}`);
  if (d.assessmentId) lines.push(`covered by assessment ${d.assessmentId}`);
  if (d.problem) lines.push(d.problem.message);
  return lines.join('\n');
}

export function registerTransferCommands(program: Command): void {
  const transfer = program.command('transfer').description('cross-border data rules: transfer rules, checks, risk assessments');

  addInstanceOptions(
    transfer
      .command('rules')
      .description('print the transfer rules and their contradictions; --set <file.json> replaces them (a JSON array of {destination, dataClass, outcome, note})')
      .option('--set <file>', 'replace every rule with those in this JSON file')
      .option('--as <username>', 'the admin making the change (required with --set)')
      .option('--json', 'print JSON'),
  ).action(async (options: Common & { set?: string }) => {
    await withApp(options, async (app) => {
      let result;
      if (options.set) {
        if (!options.as) throw new Error('--as <username> is required with --set: rules are changed in an admin’s name');
        const parsed = ruleInputSchema.array().safeParse(JSON.parse(fs.readFileSync(options.set, 'utf8')));
        if (!parsed.success) throw new Error(`${options.set}: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
        result = await app.transfers.rules.replace(await actorOf(app, options.as), parsed.data);
      } else result = await app.transfers.rules.list(await actorOf(app, options.as));
      if (options.json) return console.log(JSON.stringify(result));
      for (const r of result.items) console.log(`${r.id.padEnd(26)} ${r.destination.padEnd(3)} ${r.dataClass.padEnd(9)} ${r.outcome}${r.note ? `  ${r.note}` : ''}`);
      for (const c of result.contradictions) console.log(`contradiction: rule ${c.ruleId} (${c.outcome}) has no effect: ${c.overriddenBy} (${c.effective}) is stricter`);
    });
  });

  addInstanceOptions(
    transfer
      .command('check')
      .description('what would happen if a collection or works went to a destination (nothing is logged)')
      .requiredOption('--to <country>', 'ISO 3166-1 alpha-2 code, e.g. DE')
      .option('--collection <id>', 'a collection, with what is nested in it')
      .option('--work <id...>', 'one or more works')
      .option('--assessment <id>', 'an approved assessment to check against')
      .option('--json', 'print JSON'),
  ).action(async (options: Common & { to: string; collection?: string; work?: string[]; assessment?: string }) => {
    await withApp(options, async (app) => {
      const subject = options.collection ? { collectionId: options.collection } : { workIds: options.work ?? [] };
      const { decision, problem } = await app.transfers.gate.evaluate(options.to, subject, options.assessment ?? null);
      const out = { ...decision, problem: problem ? { key: problem.key, params: problem.params, message: problem.message } : null };
      console.log(options.json ? JSON.stringify(out) : decisionText(out));
      if (problem) process.exitCode = TRANSFER_EXIT.blocked;
    });
  });

  addInstanceOptions(
    transfer
      .command('assessments')
      .description('list risk assessments')
      .option('--status <status>', 'pending, approved or rejected')
      .option('--json', 'print JSON'),
  ).action(async (options: Common & { status?: string }) => {
    await withApp(options, async (app) => {
      const items = await app.transfers.assessments.list(await actorOf(app, undefined), options.status);
      if (options.json) return console.log(JSON.stringify({ items }));
      for (const a of items) console.log(`${a.id}  ${(a.expired ? 'expired' : a.status).padEnd(8)} ${a.destination.padEnd(5)} ${a.dataClasses.join(',').padEnd(24)} ${a.scope.type}:${a.scope.ids.join(',')}  ${a.expiresAt ?? ''}`);
    });
  });

  addInstanceOptions(
    transfer
      .command('approve <id>')
      .description('approve a pending risk assessment (as an admin other than the submitter, unless there is only one admin)')
      .requiredOption('--as <username>', 'the approving admin')
      .option('--expires <date>', 'when the approval ends (ISO date; default one year)')
      .option('--reject', 'reject it instead')
      .option('--note <text>', 'a note on the decision')
      .option('--json', 'print JSON'),
  ).action(async (id: string, options: Common & { expires?: string; reject?: boolean; note?: string }) => {
    await withApp(options, async (app) => {
      const actor = await actorOf(app, options.as);
      const a = options.reject ? await app.transfers.assessments.reject(actor, id, options.note ?? null) : await app.transfers.assessments.approve(actor, id, { expiresAt: options.expires ?? null, note: options.note ?? null });
      console.log(options.json ? JSON.stringify(a) : `${a.id} ${a.status}${a.expiresAt ? ` until ${a.expiresAt}` : ''}`);
    });
  });
}

import type { Command } from 'commander';
import { auditCsvHeader, auditCsvLine } from '../govern/audit-csv.js';
import { AUDIT_ACTIONS } from '../govern/audit-chain.js';
import type { AuditVerifyReport } from '../govern/audit.service.js';
import { addInstanceOptions, withApp } from './context.js';

function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a whole number from 1 up, not "${value}"`);
  return n;
}

/** The verify report as lines for a person. */
export function describeVerify(report: AuditVerifyReport): string[] {
  const lines = [`checked ${report.checked} records from ${report.from} to ${report.head.seq}`];
  if (report.firstBreak) lines.push(`BROKEN at record ${report.firstBreak.seq}: ${report.firstBreak.message}`);
  else lines.push(`chain intact up to record ${report.head.seq} (head ${report.head.hash})`);
  if (report.anchor.status === 'none') lines.push('no anchor in the transparency log yet');
  else lines.push(`${report.anchor.status === 'matches' ? 'anchor ok' : 'ANCHOR FAILED'}: ${report.anchor.message}`);
  lines.push(report.ok ? 'audit trail verified' : 'audit trail NOT verified');
  return lines;
}

/** `wenyuan audit verify|list|anchor`: the hash-chained audit trail from the command line. */
export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('the hash-chained audit trail of security-relevant actions');

  addInstanceOptions(
    audit
      .command('verify')
      .description('recompute every record’s hash in order and name the first broken record; check the newest anchor in the transparency log (exit 1 when broken)')
      .option('--from <seq>', 'start at this record (trusting the one before it)')
      .option('--json', 'print the report as JSON'),
  ).action(async (options: { from?: string; json?: boolean; dataDir?: string; databaseUrl?: string }) => {
    const from = options.from ? positiveInt(options.from, '--from') : 1;
    // Progress on a terminal only (a million records take seconds); logs and pipes stay clean.
    const tty = Boolean(process.stderr.isTTY);
    const report = await withApp(options, (app) => app.audit.verify({ from, ...(tty ? { onProgress: (n: number) => void process.stderr.write(`\rverifying: ${n} records`) } : {}) }));
    if (tty) process.stderr.write('\n');
    if (options.json) console.log(JSON.stringify(report, null, 2));
    else for (const line of describeVerify(report)) console.log(line);
    process.exitCode = report.ok ? 0 : 1;
  });

  addInstanceOptions(
    audit
      .command('list')
      .description('print the trail, newest first')
      .option('--action <code>', `only this action (${AUDIT_ACTIONS.join(', ')})`)
      .option('--actor <id>', 'only this actor (a user id, "anonymous" or "system")')
      .option('--since <iso-time>', 'only records at or after this time')
      .option('--limit <n>', 'at most this many records', '100')
      .option('--json', 'one JSON object per line')
      .option('--csv', 'CSV with every field and hash'),
  ).action(async (options: { action?: string; actor?: string; since?: string; limit: string; json?: boolean; csv?: boolean; dataDir?: string; databaseUrl?: string }) => {
    if (options.action && !(AUDIT_ACTIONS as readonly string[]).includes(options.action)) throw new Error(`--action must be one of ${AUDIT_ACTIONS.join(', ')}`);
    const limit = positiveInt(options.limit, '--limit');
    await withApp(options, async (app) => {
      if (options.csv) process.stdout.write(auditCsvHeader());
      let n = 0;
      const filter = { ...(options.action ? { action: options.action } : {}), ...(options.actor ? { actor: options.actor } : {}), ...(options.since ? { since: options.since } : {}) };
      for await (const r of app.audit.each(filter)) {
        if (n++ >= limit) break;
        if (options.csv) process.stdout.write(auditCsvLine(r));
        else if (options.json) console.log(JSON.stringify(r));
        else console.log(`${String(r.seq).padStart(8)}  ${r.at}  ${r.action.padEnd(24)} ${r.outcome.padEnd(6)} actor ${r.actor}  ${r.targetType}:${r.targetId}  ${r.details}`);
      }
    });
  });

  addInstanceOptions(audit.command('anchor').description('register the trail’s head in the transparency log now (the server does so every 10 minutes)')).action(async (options: { dataDir?: string; databaseUrl?: string }) => {
    const id = await withApp(options, (app) => app.auditAnchorer.anchorNow());
    console.log(id ? `head registered as ${id}` : 'nothing to anchor (no new records, or no active admin to register as)');
  });
}

import type { Command } from 'commander';
import { NO_WITNESS, witnessAdvice } from '../registry/witness-advice.js';
import { addInstanceOptions, withApp } from './context.js';

interface Check {
  name: string;
  level: 'ok' | 'warn' | 'fail';
  detail: string;
  advice?: string[];
}

/**
 * `wenyuan doctor`: what an administrator should know about this instance — setup, and the
 * registry's protection: whether a witness would notice a rollback of the log, whether rows were
 * written into the log's tables behind its back. Exit code 1 when something fails, 0 otherwise.
 */
export function registerDoctorCommand(program: Command): void {
  addInstanceOptions(program.command('doctor').description('check the instance: setup, and how well the registry is protected (witnesses, refused rows)').option('--json', 'print the checks as JSON')).action(
    async (options: { json?: boolean; dataDir?: string; databaseUrl?: string }) => {
      const checks = await withApp(options, async (app) => {
        const out: Check[] = [];
        const settings = await app.instance.settings();
        out.push(settings.setupDone ? { name: 'setup', level: 'ok', detail: `done; public URL ${settings.publicUrl ?? '—'}` } : { name: 'setup', level: 'warn', detail: 'not done yet: run `wenyuan setup` (or open the web page) before registering anything' });
        const health = await app.registry.health();
        const verifierKey = settings.setupDone ? await app.registry.log.existingVerifierKey().catch(() => null) : null;
        if (health.witnesses === 0) {
          out.push({ name: 'registry witness', level: 'warn', detail: `${NO_WITNESS.en}\n${NO_WITNESS['zh-Hans']}`, advice: witnessAdvice(verifierKey) });
        } else if (health.quorum === 0) {
          out.push({ name: 'registry witness', level: 'warn', detail: `${health.witnesses} witness(es) asked, but receipts do not wait for their cosignatures (WENYUAN_REGISTRY_WITNESS_QUORUM=0)` });
        } else {
          out.push({ name: 'registry witness', level: 'ok', detail: `${health.witnesses} witness(es), ${health.quorum} cosignature(s) required: a rollback of the log would be refused by them` });
        }
        out.push({ name: 'registry log', level: 'ok', detail: `${health.treeSize} entries, ${health.checkpoints} checkpoints, ${health.pending} pending; \`wenyuan registry audit\` checks them all` });
        if (health.rejected > 0) {
          out.push({ name: 'registry refused', level: 'fail', detail: `${health.rejected} pending row(s) were written into the database without a registration request and refused by the sequencer: someone with database access tried to add to the log; \`wenyuan registry audit\` lists them` });
        }
        return out;
      });
      if (options.json) console.log(JSON.stringify({ ok: !checks.some((c) => c.level === 'fail'), checks }, null, 2));
      else {
        for (const c of checks) {
          const [first, ...rest] = c.detail.split('\n');
          console.log(`${c.level.padEnd(4)}  ${c.name.padEnd(18)} ${first}`);
          for (const line of [...rest, ...(c.advice ?? [])]) console.log(`${' '.repeat(25)}${line}`);
        }
      }
      if (checks.some((c) => c.level === 'fail')) process.exitCode = 1;
    },
  );
}

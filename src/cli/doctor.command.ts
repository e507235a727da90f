import path from 'node:path';
import type { Command } from 'commander';
import { NO_WITNESS, witnessAdvice } from '../registry/witness-advice.js';
import { addInstanceOptions, configFrom, withApp } from './context.js';
import { checkBlobStore, checkClock, checkConfig, checkDatabaseBeforeOpening, checkDiskSpace, checkKeysBackedUp, checkRateLimitStore, markKeysBackedUp, type DoctorCheck } from './doctor-checks.js';

type Lang = 'en' | 'zh-Hans' | 'both';

/**
 * `wenyuan doctor`: what an administrator should know about this instance and what to do about
 * it, in Chinese and English — configuration, disk space, the database and its migrations, the
 * blob store, whether the keys were backed up, the clock, setup, and the registry's protection
 * (witnesses, rows written behind its back). Exit code 1 when something fails, 0 otherwise.
 */
export function registerDoctorCommand(program: Command): void {
  addInstanceOptions(
    program
      .command('doctor')
      .description('check the instance: configuration, disk, database, blob store, keys, clock, setup and the registry; says what to fix')
      .option('--json', 'print the checks as JSON')
      .option('--lang <lang>', 'en, zh-Hans or both (default both)', 'both')
      .option('--keys-backed-up', 'record that <data-dir>/keys has just been copied to a safe place, then check'),
  ).action(async (options: { json?: boolean; lang: string; keysBackedUp?: boolean; dataDir?: string; databaseUrl?: string }) => {
    if (!['en', 'zh-Hans', 'both'].includes(options.lang)) throw new Error('--lang must be en, zh-Hans or both');
    const config = configFrom(options);
    if (options.keysBackedUp) markKeysBackedUp(path.join(config.dataDir, 'keys'));
    const before = await checkDatabaseBeforeOpening(config);
    const checks: DoctorCheck[] = [...before, checkDiskSpace(config.dataDir), checkKeysBackedUp(config.dataDir), await checkRateLimitStore(config)];
    // Opening the instance applies migrations: only when the database answered.
    if (!before.some((c) => c.name === 'database' && c.level === 'fail')) {
      checks.push(...(await withApp(options, async (app) => [...(await instanceChecks(app, config)), await checkBlobStore(app), await checkClock(app)])));
    }
    if (options.json) console.log(JSON.stringify({ ok: !checks.some((c) => c.level === 'fail'), checks }, null, 2));
    else for (const line of render(checks, options.lang as Lang)) console.log(line);
    if (checks.some((c) => c.level === 'fail')) process.exitCode = 1;
  });
}

async function instanceChecks(app: Parameters<Parameters<typeof withApp>[1]>[0], config: ReturnType<typeof configFrom>): Promise<DoctorCheck[]> {
  const out: DoctorCheck[] = [];
  const settings = await app.instance.settings();
  out.push(...checkConfig(config, settings.publicUrl ?? null));
  out.push(
    settings.setupDone
      ? { name: 'setup', level: 'ok', detail: { en: `done; public URL ${settings.publicUrl ?? '—'}`, 'zh-Hans': `已完成；公开网址 ${settings.publicUrl ?? '—'}` } }
      : {
          name: 'setup',
          level: 'warn',
          detail: { en: 'not done yet', 'zh-Hans': '尚未完成初始设置' },
          fix: { en: 'run `wenyuan setup` (or open the web page) before registering anything', 'zh-Hans': '登记任何作品前，请运行 `wenyuan setup`（或打开网页完成设置）' },
        },
  );
  const health = await app.registry.health();
  const verifierKey = settings.setupDone ? await app.registry.log.existingVerifierKey().catch(() => null) : null;
  if (health.witnesses === 0) {
    out.push({ name: 'registry witness', level: 'warn', detail: { en: NO_WITNESS.en, 'zh-Hans': NO_WITNESS['zh-Hans'] }, fix: { en: witnessAdvice(verifierKey).join('\n'), 'zh-Hans': witnessAdvice(verifierKey).join('\n') } });
  } else if (health.quorum === 0) {
    out.push({
      name: 'registry witness',
      level: 'warn',
      detail: { en: `${health.witnesses} witness(es) asked, but receipts do not wait for their cosignatures (WENYUAN_REGISTRY_WITNESS_QUORUM=0)`, 'zh-Hans': `已配置 ${health.witnesses} 个见证者，但回执不等待其联署（WENYUAN_REGISTRY_WITNESS_QUORUM=0）` },
    });
  } else {
    out.push({ name: 'registry witness', level: 'ok', detail: { en: `${health.witnesses} witness(es), ${health.quorum} cosignature(s) required: a rollback of the log would be refused by them`, 'zh-Hans': `${health.witnesses} 个见证者，需 ${health.quorum} 个联署：日志被回滚时会被其拒绝` } });
  }
  out.push({ name: 'registry log', level: 'ok', detail: { en: `${health.treeSize} entries, ${health.checkpoints} checkpoints, ${health.pending} pending; \`wenyuan registry audit\` checks them all`, 'zh-Hans': `${health.treeSize} 条记录，${health.checkpoints} 个检查点，${health.pending} 条待排序；\`wenyuan registry audit\` 可全部核验` } });
  if (health.rejected > 0) {
    out.push({
      name: 'registry refused',
      level: 'fail',
      detail: {
        en: `${health.rejected} pending row(s) were written into the database without a registration request and refused by the sequencer: someone with database access tried to add to the log`,
        'zh-Hans': `有 ${health.rejected} 条待排序记录未经登记请求直接写入数据库，已被排序器拒绝：有人试图绕过系统向日志添加内容`,
      },
      fix: { en: '`wenyuan registry audit` lists them; find who has write access to the database', 'zh-Hans': '`wenyuan registry audit` 会列出它们；请查明谁拥有数据库写权限' },
    });
  }
  return out;
}

/** The checks as text: a line per check, then its detail and fix in the chosen languages, indented. */
function render(checks: DoctorCheck[], lang: Lang): string[] {
  const langs: ('en' | 'zh-Hans')[] = lang === 'both' ? ['en', 'zh-Hans'] : [lang];
  const lines: string[] = [];
  const indent = ' '.repeat(25);
  for (const check of checks) {
    const texts = langs.flatMap((l) => [check.detail[l], ...(check.fix ? [`→ ${check.fix[l]}`] : [])]).flatMap((t) => t.split('\n'));
    const [first, ...rest] = texts;
    lines.push(`${check.level.padEnd(4)}  ${check.name.padEnd(18)} ${first ?? ''}`);
    for (const line of rest) lines.push(`${indent}${line}`);
  }
  return lines;
}

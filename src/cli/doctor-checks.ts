import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Migrator, sql } from 'kysely';
import type { App } from '../app.js';
import type { Config } from '../platform/config.js';
import { openDatabase } from '../platform/db/database.js';
import { migrationProvider } from '../platform/db/migrate.js';
import { openRateLimitStore } from '../platform/rate-limit-store.js';

/** A sentence in both interface languages: the doctor speaks to whoever runs the instance. */
export interface Said {
  en: string;
  'zh-Hans': string;
}

export interface DoctorCheck {
  name: string;
  level: 'ok' | 'warn' | 'fail';
  detail: Said;
  /** What to do about it, when something should be done. */
  fix?: Said;
}

const GiB = 1024 ** 3;
/** The file under <dataDir>/keys recording which keys an administrator said were copied away. */
export const KEYS_BACKED_UP_MARKER = '.backed-up';

/**
 * Checks made before the instance is opened (opening it applies pending migrations, and a broken
 * database would stop the doctor before it could say so): the database answers, and which
 * migrations a start would apply.
 */
export async function checkDatabaseBeforeOpening(config: Config): Promise<DoctorCheck[]> {
  const database = openDatabase(config.databaseUrl, { readWorkers: 0 });
  try {
    try {
      await sql`select 1`.execute(database.db);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return [
        {
          name: 'database',
          level: 'fail',
          detail: { en: `cannot reach the database (${database.dialect}): ${reason}`, 'zh-Hans': `无法连接数据库（${database.dialect}）：${reason}` },
          fix: { en: 'check WENYUAN_DATABASE_URL and that the database server is running', 'zh-Hans': '请检查 WENYUAN_DATABASE_URL，并确认数据库服务器正在运行' },
        },
      ];
    }
    const migrations = await new Migrator({ db: database.db, provider: migrationProvider(database.dialect) }).getMigrations();
    const pending = migrations.filter((m) => !m.executedAt).map((m) => m.name);
    const reached: DoctorCheck = { name: 'database', level: 'ok', detail: { en: `${database.dialect} answers`, 'zh-Hans': `${database.dialect} 数据库连接正常` } };
    if (pending.length === 0) return [reached, { name: 'migrations', level: 'ok', detail: { en: `schema up to date (${migrations.length} migrations)`, 'zh-Hans': `数据库结构已是最新（共 ${migrations.length} 次迁移）` } }];
    return [
      reached,
      {
        name: 'migrations',
        level: 'warn',
        detail: { en: `${pending.length} migration(s) not applied yet: ${pending.join(', ')}`, 'zh-Hans': `有 ${pending.length} 次迁移尚未执行：${pending.join('、')}` },
        fix: { en: 'back up the database, then start Wenyuan once (`wenyuan serve`): it applies them before serving', 'zh-Hans': '先备份数据库，再启动一次文渊（`wenyuan serve`）：它会在提供服务前执行迁移' },
      },
    ];
  } finally {
    await database.close();
  }
}

/** Free space where the data directory lives. */
export function checkDiskSpace(dataDir: string): DoctorCheck {
  fs.mkdirSync(dataDir, { recursive: true });
  const stats = fs.statfsSync(dataDir);
  const free = stats.bavail * stats.bsize;
  const total = stats.blocks * stats.bsize;
  const share = total > 0 ? free / total : 1;
  const amount = `${(free / GiB).toFixed(1)} GiB (${Math.round(share * 100)} %)`;
  const level = free < 1 * GiB ? 'fail' : free < 5 * GiB || share < 0.1 ? 'warn' : 'ok';
  return {
    name: 'disk space',
    level,
    detail: { en: `${amount} free where ${dataDir} is`, 'zh-Hans': `${dataDir} 所在磁盘剩余 ${amount}` },
    ...(level === 'ok' ? {} : { fix: { en: 'free space or move the data directory (WENYUAN_DATA_DIR) to a larger disk: uploads are refused when the disk is full', 'zh-Hans': '请清理空间，或把数据目录（WENYUAN_DATA_DIR）移到更大的磁盘：磁盘写满后将无法上传' } }),
  };
}

/** A fingerprint of the key files (names and contents), so a key made after the backup is noticed. */
export function keysFingerprint(keysDir: string): string | null {
  if (!fs.existsSync(keysDir)) return null;
  const names = fs.readdirSync(keysDir).filter((n) => !n.startsWith('.') && !n.endsWith('.tmp')).sort();
  if (names.length === 0) return null;
  const hash = createHash('sha256');
  for (const name of names) hash.update(name).update('\0').update(fs.readFileSync(path.join(keysDir, name))).update('\0');
  return hash.digest('hex');
}

/** Records that the administrator copied the keys as they are now (`wenyuan doctor --keys-backed-up`). */
export function markKeysBackedUp(keysDir: string, now = new Date()): void {
  const fingerprint = keysFingerprint(keysDir);
  if (!fingerprint) throw new Error(`no keys in ${keysDir} yet: nothing to back up`);
  fs.writeFileSync(path.join(keysDir, KEYS_BACKED_UP_MARKER), JSON.stringify({ at: now.toISOString(), fingerprint }) + '\n', { mode: 0o600 });
}

/** Whether the keys were copied away since they last changed. */
export function checkKeysBackedUp(dataDir: string): DoctorCheck {
  const keysDir = path.join(dataDir, 'keys');
  const fingerprint = keysFingerprint(keysDir);
  if (!fingerprint) return { name: 'keys', level: 'ok', detail: { en: 'no keys made yet', 'zh-Hans': '尚未生成密钥' } };
  const fix: Said = {
    en: `copy ${keysDir} to a safe place off this machine (the log's signing key, the watermark key and the key sealing stored secrets live only there), then run \`wenyuan doctor --keys-backed-up\``,
    'zh-Hans': `请把 ${keysDir} 复制到本机以外的安全位置（日志签名密钥、水印密钥和封存密钥只保存在那里），然后运行 \`wenyuan doctor --keys-backed-up\``,
  };
  let marker: { at?: string; fingerprint?: string } | null = null;
  try {
    marker = JSON.parse(fs.readFileSync(path.join(keysDir, KEYS_BACKED_UP_MARKER), 'utf8')) as { at?: string; fingerprint?: string };
  } catch {
    marker = null;
  }
  if (!marker) return { name: 'keys', level: 'warn', detail: { en: 'no backup of the keys has been recorded', 'zh-Hans': '没有密钥备份的记录' }, fix };
  if (marker.fingerprint !== fingerprint) return { name: 'keys', level: 'warn', detail: { en: `keys changed since the backup recorded on ${marker.at ?? '?'}`, 'zh-Hans': `自 ${marker.at ?? '?'} 记录的备份以来，密钥已有变化` }, fix };
  return { name: 'keys', level: 'ok', detail: { en: `backed up on ${marker.at ?? '?'} and unchanged since`, 'zh-Hans': `已于 ${marker.at ?? '?'} 备份，此后未变` } };
}

/** The blob store takes a write and gives it back (a probe blob, removed afterwards unless another blob shares it). */
export async function checkBlobStore(app: App): Promise<DoctorCheck> {
  const probe = Buffer.from(`wenyuan doctor probe ${Date.now()} ${Math.random()}`);
  try {
    const stored = await app.blobs.putBuffer(probe);
    const back = await app.blobs.read(stored.sha256);
    if (stored.created) await app.blobs.remove(stored.sha256);
    if (!back.equals(probe)) throw new Error('what was read back differs from what was written');
    return { name: 'blob store', level: 'ok', detail: { en: 'writes and reads back', 'zh-Hans': '读写正常' } };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      name: 'blob store',
      level: 'fail',
      detail: { en: `the blob store failed a write and read: ${reason}`, 'zh-Hans': `文件存储读写失败：${reason}` },
      fix: { en: 'check the data directory is writable (or the object store settings and that it is reachable)', 'zh-Hans': '请检查数据目录是否可写（或对象存储的配置及其是否可达）' },
    };
  }
}

/** The shared rate-limit store (WENYUAN_REDIS_URL) answers; none configured: counts per process, said as such. */
export async function checkRateLimitStore(config: Config): Promise<DoctorCheck> {
  if (!config.redisUrl) return { name: 'rate limits', level: 'ok', detail: { en: 'counted in each process (no WENYUAN_REDIS_URL): right for one API process; N processes allow N times the limits', 'zh-Hans': '各进程分别计数（未设 WENYUAN_REDIS_URL）：适合单个 API 进程；N 个进程时限额变为 N 倍' } };
  const store = openRateLimitStore(config.redisUrl, { commandTimeoutMs: 2_000 });
  try {
    await store.connect();
    await store.client.ping();
    return { name: 'rate limits', level: 'ok', detail: { en: 'counted in Redis, shared by every API process', 'zh-Hans': '在 Redis 中计数，所有 API 进程共享' } };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      name: 'rate limits',
      level: 'warn',
      detail: { en: `Redis (WENYUAN_REDIS_URL) does not answer: ${reason}; requests pass unlimited until it does`, 'zh-Hans': `Redis（WENYUAN_REDIS_URL）无响应：${reason}；在其恢复前请求不受限流` },
      fix: { en: 'start Redis or correct WENYUAN_REDIS_URL (redis://host:6379/0)', 'zh-Hans': '请启动 Redis 或更正 WENYUAN_REDIS_URL（redis://host:6379/0）' },
    };
  } finally {
    await store.close();
  }
}

/**
 * This machine's clock against the database server's (PostgreSQL) and against the transparency log's
 * latest checkpoint: a clock behind the log signs checkpoints that seem to come from the past.
 */
export async function checkClock(app: App, now = new Date()): Promise<DoctorCheck> {
  const skews: string[] = [];
  if (app.database.dialect === 'postgres') {
    const row = await sql<{ now: Date | string }>`select now() as now`.execute(app.database.db);
    const server = new Date(row.rows[0]!.now).getTime();
    const skew = Math.abs(server - now.getTime()) / 1000;
    if (skew > 30) skews.push(`${Math.round(skew)} s from the database server`);
  }
  const last = (await app.registry.health()).lastCheckpointAt;
  const behind = last ? (Date.parse(last) - now.getTime()) / 1000 : 0;
  if (behind > 300) {
    return {
      name: 'clock',
      level: 'fail',
      detail: { en: `this machine's clock is ${Math.round(behind)} s behind the log's latest checkpoint (${last})`, 'zh-Hans': `本机时钟比日志最新检查点（${last}）落后 ${Math.round(behind)} 秒` },
      fix: { en: 'set the clock right (enable NTP: `timedatectl set-ntp true`) before registering anything', 'zh-Hans': '请先校准时钟（启用 NTP：`timedatectl set-ntp true`），再进行登记' },
    };
  }
  if (skews.length > 0) {
    return {
      name: 'clock',
      level: 'warn',
      detail: { en: `this machine's clock is ${skews.join(', ')}`, 'zh-Hans': `本机时钟与数据库服务器相差超过 30 秒（${skews.join('，')}）` },
      fix: { en: 'enable NTP on every machine of the deployment (`timedatectl set-ntp true`)', 'zh-Hans': '请在部署的每台机器上启用 NTP（`timedatectl set-ntp true`）' },
    };
  }
  return { name: 'clock', level: 'ok', detail: { en: `agrees with the database and the log (${now.toISOString()})`, 'zh-Hans': `与数据库和日志一致（${now.toISOString()}）` } };
}

/** Settings that work but are probably not what a public instance wants. */
export function checkConfig(config: Config, publicUrl: string | null): DoctorCheck[] {
  const out: DoctorCheck[] = [];
  if (publicUrl?.startsWith('https://') && !config.secureCookies) {
    out.push({
      name: 'config',
      level: 'warn',
      detail: { en: 'the public URL is https:// but cookies are not marked Secure', 'zh-Hans': '公开网址为 https://，但 Cookie 未标记为 Secure' },
      fix: { en: 'set WENYUAN_SECURE_COOKIES=true', 'zh-Hans': '请设置 WENYUAN_SECURE_COOKIES=true' },
    });
  }
  if (config.host !== '127.0.0.1' && config.host !== 'localhost' && config.trustedProxies.length === 0 && publicUrl?.startsWith('https://')) {
    out.push({
      name: 'config',
      level: 'warn',
      detail: { en: `listening on ${config.host} with no trusted proxy: if a reverse proxy is in front, every visitor counts as one for rate limits`, 'zh-Hans': `监听 ${config.host} 且未设置可信代理：若前面有反向代理，所有访客会被当作同一访客计算限流` },
      fix: { en: 'set WENYUAN_TRUSTED_PROXIES to the proxy address (or loopback)', 'zh-Hans': '请把 WENYUAN_TRUSTED_PROXIES 设为代理的地址（或 loopback）' },
    });
  }
  if (out.length === 0) out.push({ name: 'config', level: 'ok', detail: { en: 'settings read without error', 'zh-Hans': '配置读取无误' } });
  return out;
}

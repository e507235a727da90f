import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { REGISTRANT_ROLES, type RegistrantRole } from '../registry/entry.js';
import { actorFromUsername, addInstanceOptions, withApp } from './context.js';

/** Where a run notes each registration it made, before anything else can go wrong; removed when the run finishes. */
const JOURNAL = '.wenyuan-register.journal';

/**
 * One line of the journal: the registration a run made, or (with `--again`, written before asking)
 * the generation it is about to register, so that a run killed in between asks for that one again.
 */
type JournalLine = { as: string; role: string | null; again: boolean; workId: string } & ({ registrationId: string } | { generation: number });

interface Options {
  as: string;
  role?: string;
  out: string;
  again?: boolean;
  batch?: number;
  json?: boolean;
  dataDir?: string;
  databaseUrl?: string;
}

type Outcome = { workId: string; status: 'registered' | 'pending' | 'failed'; existing?: boolean; registrationId?: string; index?: number; receipt?: string; reason?: string };

/**
 * A run's journal: registrations made by an earlier run of the same command that did not finish
 * (killed, or receipts still pending). Read back so that a run again resumes those instead of
 * registering the works once more — which matters with `--again`, where the server would oblige
 * unless asked for the same generation as before.
 */
class Journal {
  private readonly file: string;
  private readonly made = new Map<string, string>();
  private readonly intended = new Map<string, number>();
  private fd: number | null = null;
  /** The last line was cut short by a kill: the next one must start on a line of its own. */
  private cutShort = false;

  constructor(out: string, private readonly as: string, private readonly role: string | null, private readonly again: boolean) {
    this.file = path.join(out, JOURNAL);
    if (!fs.existsSync(this.file)) return;
    const text = fs.readFileSync(this.file, 'utf8');
    this.cutShort = text.length > 0 && !text.endsWith('\n');
    for (const line of text.split('\n')) {
      let j: JournalLine;
      try {
        j = JSON.parse(line) as JournalLine;
      } catch {
        // A line cut short by the kill. An intent was cut before its registration was asked for; a
        // registration's line after it, so its intent (or, without --again, its idempotency key) finds it.
        continue;
      }
      if (j === null || typeof j !== 'object' || j.as !== as || j.role !== role || j.again !== again || typeof j.workId !== 'string') continue;
      if ('registrationId' in j && typeof j.registrationId === 'string') this.made.set(j.workId, j.registrationId);
      else if ('generation' in j && Number.isInteger(j.generation)) this.intended.set(j.workId, j.generation);
    }
  }

  earlier(workId: string): string | undefined {
    return this.made.get(workId);
  }

  /** The generation an earlier run was about to register for this work (`--again`). */
  intent(workId: string): number | undefined {
    return this.intended.get(workId);
  }

  /** Notes the generations about to be registered (one sync for all). */
  intend(generations: [workId: string, generation: number][]): void {
    this.append(generations.map(([workId, generation]) => ({ as: this.as, role: this.role, again: this.again, workId, generation })));
    for (const [workId, generation] of generations) this.intended.set(workId, generation);
  }

  /** Notes registrations made (one sync for a batch). */
  note(made: [workId: string, registrationId: string][]): void {
    this.append(made.map(([workId, registrationId]) => ({ as: this.as, role: this.role, again: this.again, workId, registrationId })));
    for (const [workId, registrationId] of made) this.made.set(workId, registrationId);
  }

  /** Appends and syncs, so a kill right after still leaves the lines on disk. */
  private append(lines: JournalLine[]): void {
    if (lines.length === 0) return;
    this.fd ??= fs.openSync(this.file, 'a', 0o600);
    fs.writeSync(this.fd, `${this.cutShort ? '\n' : ''}${lines.map((line) => `${JSON.stringify(line)}\n`).join('')}`);
    this.cutShort = false;
    fs.fsyncSync(this.fd);
  }

  close(finished: boolean): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
    if (finished) fs.rmSync(this.file, { force: true });
  }
}

/** Writes a file whole or not at all (a kill mid-write leaves the old file, never half a receipt). */
function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

/**
 * `wenyuan register`: registers works and writes one receipt file per work. Safe to run again: a
 * work this user already registered (same file, role and terms) is not registered twice — the run
 * fetches the receipt of the registration made before, including one made by a run that was killed
 * before it wrote its receipts. `--again` registers anew, once per run, even if killed and run again.
 */
export function registerRegisterCommand(program: Command): void {
  addInstanceOptions(
    program
      .command('register <work-id...>')
      .description('register works in the transparency log and write one receipt file per work (run it again to fetch missing receipts)')
      .requiredOption('--as <username>', 'the curator or owner registering (their registrant key is used)')
      .option('--role <role>', `${REGISTRANT_ROLES.join(' | ')} (default: author for the owner, institution otherwise)`)
      .option('--out <dir>', 'folder for the receipt files', '.')
      .option('--again', 'register again works this user registered before (otherwise their existing receipts are written)')
      .option('--batch <n>', 'works accepted and sequenced per durable transaction (1 to 4096)', batchSize)
      .option('--json', 'print one JSON object with every result'),
  ).action(async (workIds: string[], options: Options) => {
    if (options.role && !REGISTRANT_ROLES.includes(options.role as RegistrantRole)) throw new Error(`--role must be one of ${REGISTRANT_ROLES.join(', ')}`);
    fs.mkdirSync(options.out, { recursive: true });
    const journal = new Journal(options.out, options.as, options.role ?? null, options.again ?? false);
    const results = await withApp(options, async (app) => {
      const actor = await actorFromUsername(app, options.as);
      const ids = [...new Set(workIds)];
      const answers = new Map<string, { workId: string; registrationId?: string; existing?: boolean; error?: string }>();
      const request = options.role ? { role: options.role as RegistrantRole } : {};
      const toAsk: string[] = [];
      for (const workId of ids) {
        const earlier = journal.earlier(workId);
        if (earlier) answers.set(workId, { workId, registrationId: earlier, existing: true });
        else toAsk.push(workId);
      }
      if (options.again) {
        // Noted before asking: killed after the server accepted one, the next run asks for the same generation, which answers with that registration.
        const unnoted = toAsk.filter((workId) => journal.intent(workId) === undefined);
        const next = await app.registry.nextGenerations(actor, unnoted, request);
        journal.intend(unnoted.flatMap((workId) => (typeof next.get(workId) === 'number' ? [[workId, next.get(workId) as number] as [string, number]] : [])));
        for (const [workId, generation] of next) if (generation instanceof Error) answers.set(workId, { workId, error: generation.message });
      }
      // In batches, each accepted and (holding the sequencer's lease) sequenced in one durable transaction; noted as each commits.
      const registering = app.registry.registerMany(
        actor,
        toAsk.filter((workId) => !answers.has(workId)).map((workId) => ({ workId, ...(options.again ? { againGeneration: journal.intent(workId)! } : {}) })),
        request,
        {
          ...(options.batch ? { batch: options.batch } : {}),
          onWritten: (done) => {
            journal.note(done.flatMap((r) => ('registrationId' in r ? [[r.workId, r.registrationId] as [string, string]] : [])));
            for (const r of done) answers.set(r.workId, 'registrationId' in r ? { workId: r.workId, registrationId: r.registrationId, existing: r.existing } : { workId: r.workId, error: r.error.message });
          },
        },
      );
      // A failure of the whole run (no log key yet, database gone) is each remaining work's answer; what was written stays noted.
      const failure = await registering.then(() => null, (error: unknown) => (error as Error).message);
      const accepted = ids.map((workId) => answers.get(workId) ?? { workId, error: failure ?? 'not registered' });
      // Batches left pending (another process leads the sequencer) are sequenced here, or by that process.
      await app.registry.sequencePending();
      const out: Outcome[] = [];
      for (const a of accepted) {
        if (!a.registrationId) {
          out.push({ workId: a.workId, status: 'failed', reason: a.error! });
          continue;
        }
        const status = await app.registry.status(a.registrationId).catch((error: unknown) => error as Error);
        if (status instanceof Error) {
          out.push({ workId: a.workId, status: 'failed', registrationId: a.registrationId, reason: status.message });
          continue;
        }
        if (status.status !== 'sequenced') {
          out.push({ workId: a.workId, status: 'pending', registrationId: a.registrationId, existing: a.existing ?? false, reason: 'not in a checkpoint that counts yet (witnesses?): run the same command again later to fetch its receipt' });
          continue;
        }
        const file = path.join(options.out, `${a.workId}.receipt.json`);
        writeAtomically(file, JSON.stringify(status.receipt, null, 2) + '\n');
        out.push({ workId: a.workId, status: 'registered', existing: a.existing ?? false, registrationId: a.registrationId, index: status.receipt.index, receipt: file });
      }
      return { results: out, logKey: await app.registry.log.verifierKey() };
    }).finally(() => journal.close(false));
    // Every receipt written: nothing to resume. Otherwise the journal stays for the next run.
    journal.close(!results.results.some((r) => r.status === 'pending'));
    const count = (status: Outcome['status'], existing?: boolean) => results.results.filter((r) => r.status === status && (existing === undefined || Boolean(r.existing) === existing)).length;
    if (options.json) {
      console.log(JSON.stringify({ registered: count('registered', false), alreadyRegistered: count('registered', true), pending: count('pending'), failed: count('failed'), logKey: results.logKey, items: results.results }));
    } else {
      for (const r of results.results) {
        if (r.status === 'registered') console.log(`${r.existing ? 'already    ' : 'registered '}${r.workId} as entry ${r.index} → ${r.receipt}`);
        else console.log(`${r.status === 'pending' ? 'pending    ' : 'failed     '}${r.workId}: ${r.reason}`);
      }
      if (count('registered', true) > 0) console.log(`${count('registered', true)} work(s) were registered before: their receipts were written again (--again registers anew)`);
      console.log(`log key (pin it when verifying): ${results.logKey}`);
    }
    if (results.results.some((r) => r.status !== 'registered')) process.exitCode = 2;
  });
}

function batchSize(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 4096) throw new InvalidArgumentError('must be a whole number from 1 to 4096');
  return n;
}

import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { z } from 'zod';
import type { App } from '../app.js';
import type { Actor } from '../govern/roles.js';
import { AppError } from '../platform/errors.js';
import { formatMinor } from '../license/ledger/index.js';
import { checkInputSchema, offerInputSchema, settlementInputSchema, statementQuerySchema } from '../license/license.contract.js';
import type { CheckResult, PolicyView } from '../license/terms.service.js';
import type { GrantView } from '../license/order.service.js';
import { userIri } from '../license/terms.service.js';
import { actorFromUsername, addInstanceOptions, withApp } from './context.js';

/**
 * Exit codes of `wenyuan license`: 0 done (for `check`: the use is permitted), 3 `check` answered
 * "denied" (a question answered, not a failure, so scripts can branch on it), 2 invalid input
 * (a bad option, a policy file the engine refuses) or a grant whose receipt is still pending,
 * 1 any other error (not found, forbidden, conflict), as elsewhere.
 */
export const LICENSE_EXIT = { permitted: 0, error: 1, invalid: 2, denied: 3 } as const;

interface Common {
  as?: string;
  json?: boolean;
  dataDir?: string;
  databaseUrl?: string;
}

/** Input the command refuses before asking the app; exits 2 like the services' invalid_input. */
class InvalidInput extends Error {}

/** Reads commands run as: the named user, or the instance itself (an administrator) when none is named. */
async function actorOf(app: App, username: string | undefined): Promise<Actor> {
  return username ? actorFromUsername(app, username) : { kind: 'user', id: '(command line)', username: '(command line)', role: 'admin' };
}

/** Changes are made by a named person: grants, revocations and settlements are registered in their name. */
function requireAs(options: Common): string {
  if (!options.as) throw new InvalidInput('--as <username> is required: changes are made, and registered, in a person’s name');
  return options.as;
}

/** Runs an action; invalid input (ours or a service's) is printed with its details and exits 2, the rest goes to main (exit 1). */
function run<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (error) {
      if (error instanceof InvalidInput || (error instanceof AppError && error.code === 'invalid_input')) {
        console.error(`wenyuan: ${error.message}`);
        const details = error instanceof AppError && Array.isArray(error.details) ? (error.details as { path?: unknown; message?: unknown }[]) : [];
        for (const d of details.slice(1, 10)) console.error(`  ${typeof d.path === 'string' && d.path ? `${d.path}: ` : ''}${String(d.message ?? '')}`);
        process.exitCode = LICENSE_EXIT.invalid;
        return;
      }
      throw error;
    }
  };
}

/** Parses with a contract schema; the first issues become one precise message. */
function parseWith<T>(schema: { safeParse(value: unknown): z.ZodSafeParseResult<T> }, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new InvalidInput(parsed.error.issues.slice(0, 3).map((i) => `${what}${i.path.length > 0 ? ` ${i.path.join('.')}` : ''}: ${i.message}`).join('; '));
}

function readJsonFile(file: string): Record<string, unknown> {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat?.isFile()) throw new InvalidInput(`no file at ${file}`);
  if (stat.size > 1024 * 1024) throw new InvalidInput(`${file} is ${stat.size} bytes; a policy is a few kilobytes`);
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InvalidInput(`${file}: not JSON (${(error as Error).message})`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new InvalidInput(`${file}: an ODRL policy is a JSON object`);
  return json as Record<string, unknown>;
}

function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

const OUTCOME_TEXT = { permit: 'PERMIT', deny: 'DENY', 'permit-with-duties': 'PERMIT WITH DUTIES' } as const;
const BASIS_TEXT = { 'public-licence': 'the public licence', grant: 'a grant', offer: 'an offer', none: 'none' } as const;

/** The check's answer for people: outcome, basis, reason and rule, duties, and (with explain) the engine's trace. */
export function formatCheck(result: CheckResult, explain: boolean): string {
  const d = result.decision;
  const lines: string[] = [OUTCOME_TEXT[result.outcome]];
  if (result.basis === 'offer') lines[0] += ` — licensable under offer ${result.offerId}${result.price ? ` at ${result.price.display} ${result.price.currency}` : ''}`;
  lines.push(`basis:  ${BASIS_TEXT[result.basis]}${result.grantId ? ` ${result.grantId}` : ''}`);
  const params = Object.entries(d.reason.params).map(([k, v]) => `${k}=${v}`).join(' ');
  // For an offer the engine's answer is what the offer would allow once bought, so it is labelled as such.
  lines.push(`reason: ${result.basis === 'offer' ? 'under the offer, ' : ''}${d.reason.code}${params ? ` (${params})` : ''}`);
  lines.push(`rule:   ${d.rule ? `${d.rule.kind} #${d.rule.index} of ${d.rule.policy}` : 'none'}`);
  if (d.duties.length > 0) lines.push('duties:');
  for (const duty of d.duties) {
    const amount = duty.amount ? ` ${duty.amount.display} ${duty.amount.currency}` : duty.basisPoints !== null ? ` ${duty.basisPoints / 100} %` : '';
    const to = duty.partyName ?? duty.party;
    lines.push(`  ${duty.action}${amount}${to ? ` → ${to}` : ''}${duty.text ? ` (${duty.text})` : ''}`);
  }
  if (explain) lines.push('trace:', ...d.trace.map((t) => `  ${t}`));
  return lines.join('\n');
}

const nameOf = (map: Record<string, string>) => map.en ?? map['zh-Hans'] ?? Object.values(map)[0] ?? '';

function offerLine(o: PolicyView): string {
  const edition = o.editionSize === null ? '' : `  ${o.editionRemaining}/${o.editionSize} left`;
  return `${o.id}  ${o.kind.padEnd(6)} ${o.status.padEnd(9)} ${(o.price ? `${o.price.display} ${o.price.currency}` : 'no price').padEnd(16)} ${o.actions.join(',')}${o.autoApprove ? '  auto-approve' : ''}${edition}${o.inherited ? '  (from collection)' : ''}  ${nameOf(o.title)}`;
}

function grantLine(g: GrantView): string {
  return `${g.id}  ${g.state.padEnd(13)} ${g.workId}  ${g.licenseeName}  ${g.validFrom}${g.validUntil ? ` – ${g.validUntil}` : ''}`;
}

function grantDetail(g: GrantView): string {
  return [
    `grant      ${g.id} (order ${g.orderId})`,
    `state      ${g.state}${g.revokedAt ? ` since ${g.revokedAt}: ${g.revokeReason ?? ''}` : ''}`,
    `work       ${g.workId}  ${nameOf(g.workTitle)}`,
    `licensee   ${g.licenseeName} (${g.licenseeId})`,
    `valid      ${g.validFrom}${g.validUntil ? ` – ${g.validUntil}` : ' (no end)'}`,
    `agreement  sha256 ${g.agreementSha256}`,
    `registered ${g.registrationId ?? 'pending'}${g.revocationRegistrationId ? `; revocation ${g.revocationRegistrationId}` : ''}`,
  ].join('\n');
}

const print = (options: Common, json: unknown, text: () => string) => console.log(options.json ? JSON.stringify(json, null, 2) : text());

/** The options every `license` subcommand takes: the instance, who acts, JSON output. */
function sub(parent: Command, spec: string, description: string): Command {
  return addInstanceOptions(parent.command(spec).description(description).option('--as <username>', 'act as this user (reads default to the instance administrator)').option('--json', 'print the API’s JSON shape'));
}

/** `wenyuan license …`: terms, the "may I?" check, grants and the ledger for curators and scripts. */
export function registerLicenseCommands(program: Command): void {
  const license = program.command('license').description('licensing: offers and public licences, "may I?" checks, grants, revocations, the royalty ledger (check exits 3 when denied)');

  sub(license, 'check <work-id>', 'may <party> <action> <work> for <purpose> in <territory>? Exit 0 permitted, 3 denied')
    .requiredOption('--action <action>', 'display, reproduce, distribute, derive, modify, sell, tdm:mine, use')
    .option('--purpose <list>', 'comma-separated purposes: commercial,non-commercial,education,research,parody,…')
    .option('--territory <code>', 'a country (CN) or region (CN-44)')
    .option('--media <media>', 'game, web, print, film, …')
    .option('--date <date>', 'when the use happens (default today)')
    .option('--count <n>', 'number of copies')
    .option('--party <username-or-iri>', 'who asks: a username or a party IRI (default: the --as user)')
    .option('--explain', "print the engine's trace")
    .action(run(async (workId: string, options: Common & { action: string; purpose?: string; territory?: string; media?: string; date?: string; count?: string; party?: string; explain?: boolean }) => {
      if (options.count !== undefined && !/^\d{1,10}$/.test(options.count)) throw new InvalidInput('--count must be a whole number');
      const input = parseWith(checkInputSchema, {
        workId,
        action: options.action,
        purpose: options.purpose ? options.purpose.split(',').map((p) => p.trim()).filter(Boolean) : [],
        ...(options.territory ? { territory: options.territory } : {}),
        ...(options.media ? { media: options.media } : {}),
        ...(options.date ? { date: options.date } : {}),
        ...(options.count ? { count: Number(options.count) } : {}),
      }, 'check');
      const result = await withApp(options, async (app) => {
        const actor = await actorOf(app, options.as);
        let party = options.party;
        if (party && !party.includes(':')) {
          const user = await app.identity.findByUsername(party);
          if (!user) throw new InvalidInput(`--party: no user "${party}" (give a username or a party IRI such as urn:wenyuan:user:<id>)`);
          party = userIri(user.id);
        }
        const { workId: id, ...use } = input;
        return app.terms.check(actor, id, { ...use, ...(party ? { party } : {}) }, (work, who) => app.orders.grantPoliciesOf(work.id, who));
      });
      print(options, result, () => formatCheck(result, options.explain ?? false));
      process.exitCode = result.outcome === 'deny' ? LICENSE_EXIT.denied : LICENSE_EXIT.permitted;
    }));

  const offer = license.command('offer').description("a work's commercial offers (ODRL Offers)");
  sub(offer, 'list <work-id>', 'the active offers of a work, its own and its collections’').action(run(async (workId: string, options: Common) => {
    const items = await withApp(options, async (app) => app.terms.listOffers(await actorOf(app, options.as), { type: 'work', id: workId }));
    print(options, { items }, () => (items.length === 0 ? `no offers on ${workId}` : items.map(offerLine).join('\n')));
  }));
  sub(offer, 'add <work-id>', 'add an offer from an ODRL JSON-LD file')
    .requiredOption('--file <offer.jsonld>', 'the ODRL Offer')
    .option('--title-en <title>', 'English title')
    .option('--title-zh <title>', 'Chinese title')
    .option('--auto-approve', 'orders are approved without a person deciding')
    .option('--edition <n>', 'a limited edition of n copies')
    .action(run(async (workId: string, options: Common & { file: string; titleEn?: string; titleZh?: string; autoApprove?: boolean; edition?: string }) => {
      const as = requireAs(options);
      const odrl = readJsonFile(options.file);
      const title = { ...(options.titleEn ? { en: options.titleEn } : {}), ...(options.titleZh ? { 'zh-Hans': options.titleZh } : {}) };
      if (options.edition !== undefined && !/^\d{1,10}$/.test(options.edition)) throw new InvalidInput('--edition must be a whole number of copies');
      const input = parseWith(offerInputSchema, {
        target: { type: 'work', id: workId },
        title: Object.keys(title).length > 0 ? title : { en: path.basename(options.file).replace(/\.[^.]*$/, '') },
        odrl,
        autoApprove: options.autoApprove ?? false,
        editionSize: options.edition === undefined ? null : Number(options.edition),
      }, 'offer');
      const made = await withApp(options, async (app) => app.terms.createOffer(await actorFromUsername(app, as), input));
      print(options, made, () => `added offer ${made.id}\n${offerLine(made)}`);
    }));
  sub(offer, 'withdraw <offer-id>', 'withdraw an offer: no new orders; its grants stay valid').action(run(async (offerId: string, options: Common) => {
    const as = requireAs(options);
    await withApp(options, async (app) => app.terms.withdrawOffer(await actorFromUsername(app, as), offerId));
    print(options, { id: offerId, status: 'withdrawn' }, () => `withdrew offer ${offerId}`);
  }));

  sub(license, 'public <work-id>', "set a work's public licence: a CC / RightsStatements URI, an ODRL Set file, or none")
    .option('--rights-uri <uri>', 'e.g. https://creativecommons.org/licenses/by-nc/4.0/')
    .option('--file <set.jsonld>', 'an ODRL Set')
    .option('--none', 'remove the public licence (the rights statement applies again)')
    .action(run(async (workId: string, options: Common & { rightsUri?: string; file?: string; none?: boolean }) => {
      const as = requireAs(options);
      if ([options.rightsUri, options.file, options.none].filter((v) => v !== undefined).length !== 1) throw new InvalidInput('give exactly one of --rights-uri, --file or --none');
      const input = options.rightsUri ? { rightsUri: options.rightsUri } : options.file ? { odrl: readJsonFile(options.file) } : { odrl: null };
      const licence = await withApp(options, async (app) => app.terms.setPublicLicence(await actorFromUsername(app, as), { type: 'work', id: workId }, input));
      print(options, { licence }, () => (licence ? `public licence of ${workId}: ${licence.id}\n${offerLine(licence)}` : `${workId} has no public licence now`));
    }));

  const grant = license.command('grant').description('grants: ODRL Agreements registered in the transparency log');
  sub(grant, 'list', 'grants you hold or on works you manage (all, for the instance)')
    .option('--work <id>', 'only grants on this work')
    .action(run(async (options: Common & { work?: string }) => {
      const items = await withApp(options, async (app) => app.orders.listGrants(await actorOf(app, options.as), options.work ? { workId: options.work } : {}));
      print(options, { items }, () => (items.length === 0 ? 'no grants' : items.map(grantLine).join('\n')));
    }));
  sub(grant, 'show <grant-id>', 'a grant: state, agreement hash, registration').action(run(async (grantId: string, options: Common) => {
    const view = await withApp(options, async (app) => app.orders.getGrant(await actorOf(app, options.as), grantId));
    print(options, view, () => grantDetail(view));
  }));
  sub(grant, 'export <grant-id>', 'write agreement.jsonld and receipt.json, ready for `wenyuan verify receipt.json --file agreement.jsonld`')
    .requiredOption('--out <dir>', 'folder to write into')
    .action(run(async (grantId: string, options: Common & { out: string }) => {
      const result = await withApp(options, async (app) => {
        const actor = await actorOf(app, options.as);
        const agreement = await app.orders.agreement(actor, grantId);
        // A registration that failed earlier is tried again, and whatever is pending is sequenced now.
        await app.orders.register(grantId);
        await app.registry.sequencePending();
        return { agreement, receipt: await app.orders.receipt(actor, grantId, 'grant'), logKey: await app.registry.log.verifierKey() };
      });
      fs.mkdirSync(options.out, { recursive: true });
      const agreementFile = path.join(options.out, 'agreement.jsonld');
      const receiptFile = path.join(options.out, 'receipt.json');
      writeAtomically(agreementFile, result.agreement);
      if (result.receipt) writeAtomically(receiptFile, `${JSON.stringify(result.receipt, null, 2)}\n`);
      const summary = { agreement: agreementFile, receipt: result.receipt ? receiptFile : null, logKey: result.logKey };
      print(options, summary, () =>
        result.receipt
          ? `wrote ${agreementFile} and ${receiptFile}\nverify: wenyuan verify ${receiptFile} --file ${agreementFile} --log-key '${result.logKey}'`
          : `wrote ${agreementFile}; the registration is still pending (witnesses?): run this again later for receipt.json`,
      );
      if (!result.receipt) process.exitCode = LICENSE_EXIT.invalid;
    }));

  sub(license, 'revoke <grant-id>', 'revoke a grant; the revocation goes into the transparency log')
    .requiredOption('--reason <text>', 'why (kept with the grant and in the revocation notice)')
    .action(run(async (grantId: string, options: Common & { reason: string }) => {
      const as = requireAs(options);
      const reason = options.reason.trim();
      if (reason.length === 0 || reason.length > 2000) throw new InvalidInput('--reason must be 1 to 2,000 characters');
      const view = await withApp(options, async (app) => app.orders.revoke(await actorFromUsername(app, as), grantId, reason));
      print(options, view, () => `revoked ${grantId}\n${grantDetail(view)}`);
    }));

  const ledger = license.command('ledger').description('the double-entry royalty ledger');
  sub(ledger, 'balances', 'the trial balance: every account; each currency sums to zero').action(run(async (options: Common) => {
    const balance = await withApp(options, async (app) => app.royalties.trialBalance(await actorOf(app, options.as)));
    print(options, balance, () => [
      ...balance.accounts.map((a) => `${a.account.padEnd(60)} ${formatMinor(a.minor, a.currency).padStart(16)} ${a.currency}`),
      ...balance.totals.map((t) => `total ${t.currency}: ${formatMinor(t.minor, t.currency)}`),
      balance.balanced ? 'balanced' : 'NOT balanced',
    ].join('\n'));
    if (!balance.balanced) process.exitCode = LICENSE_EXIT.error;
  }));
  sub(ledger, 'statement <party-id>', "a party's royalty statement for [from, to)")
    .requiredOption('--from <date>', 'first day, e.g. 2026-01-01')
    .requiredOption('--to <date>', 'the day after the last, e.g. 2026-02-01')
    .option('--currency <code>', 'ISO 4217', 'CNY')
    .option('--csv', 'print CSV (with a BOM, for spreadsheets)')
    .option('--lang <lang>', 'CSV headers: zh-Hans or en', 'zh-Hans')
    .action(run(async (partyId: string, options: Common & { from: string; to: string; currency: string; csv?: boolean; lang: string }) => {
      const period = parseWith(statementQuerySchema, { from: options.from, to: options.to, currency: options.currency }, 'statement');
      if (options.lang !== 'zh-Hans' && options.lang !== 'en') throw new InvalidInput('--lang must be zh-Hans or en');
      const lang = options.lang;
      if (options.csv) {
        const csv = await withApp(options, async (app) => app.royalties.statementCsv(await actorOf(app, options.as), partyId, { ...period, lang }));
        process.stdout.write(csv);
        return;
      }
      const view = await withApp(options, async (app) => app.royalties.statement(await actorOf(app, options.as), partyId, period));
      print(options, view, () => [
        `statement of ${nameOf(view.party.name)} (${view.party.id}), ${view.from} – ${view.to}, ${view.currency}`,
        `opening   ${view.opening.display.padStart(14)}`,
        ...view.lines.slice(0, 50).map((l) => `${l.date.slice(0, 10)}  ${l.kind.padEnd(10)} ${l.amount.display.padStart(14)}  ${l.memo}`),
        ...(view.lines.length > 50 ? [`… ${view.lines.length - 50} more lines (--csv or --json for all)`] : []),
        `in        ${view.totalIn.display.padStart(14)}`,
        `out       ${view.totalOut.display.padStart(14)}`,
        `closing   ${view.closing.display.padStart(14)}`,
      ].join('\n'));
    }));
  sub(ledger, 'settle', 'pay every party what it is owed up to a date; the batch is registered in the log')
    .requiredOption('--to <date>', 'settle postings up to this date')
    .option('--currency <code>', 'ISO 4217', 'CNY')
    .action(run(async (options: Common & { to: string; currency: string }) => {
      const as = requireAs(options);
      const input = parseWith(settlementInputSchema, { currency: options.currency, periodTo: options.to }, 'settle');
      const batch = await withApp(options, async (app) => app.royalties.settle(await actorFromUsername(app, as), input));
      print(options, batch, () => [
        `settlement ${batch.id}: ${batch.total.display} ${batch.currency} to ${batch.lines.length} part${batch.lines.length === 1 ? 'y' : 'ies'}`,
        ...batch.lines.map((l) => `  ${l.partyId}  ${l.amount.display.padStart(14)}  ${nameOf(l.partyName)}`),
        `sha256 ${batch.sha256}; registration ${batch.registrationId ?? 'pending'}`,
      ].join('\n'));
    }));
}

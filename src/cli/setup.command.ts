import fs from 'node:fs';
import type { Command } from 'commander';
import type { InstanceChanges, InstanceSettings, NameMap } from '../instance/instance.service.js';
import { suggestRegistryOrigin } from '../platform/public-url.js';
import { NO_WITNESS, witnessAdvice } from '../registry/witness-advice.js';
import { addInstanceOptions, withApp } from './context.js';
import { promptSetup, type SetupAnswers } from './setup-prompt.js';

interface SetupOptions {
  institutionZh?: string;
  institutionZhHant?: string;
  institutionEn?: string;
  publicUrl?: string;
  registryOrigin?: string;
  logo?: string;
  json?: boolean;
  dataDir?: string;
  databaseUrl?: string;
}

/** The settings the flags give (languages not named keep their current name). */
function answersFromFlags(options: SetupOptions, current: InstanceSettings): SetupAnswers {
  const given: NameMap = {};
  if (options.institutionZh !== undefined) given['zh-Hans'] = options.institutionZh;
  if (options.institutionZhHant !== undefined) given['zh-Hant'] = options.institutionZhHant;
  if (options.institutionEn !== undefined) given.en = options.institutionEn;
  return {
    name: { ...current.name, ...given },
    ...(options.publicUrl !== undefined ? { publicUrl: options.publicUrl } : {}),
    ...(options.registryOrigin !== undefined ? { registryOrigin: options.registryOrigin } : {}),
    ...(options.logo !== undefined ? { logo: options.logo } : {}),
  };
}

/** What is still missing for a complete setup, as the flags that would give it. */
function missingFlags(answers: SetupAnswers, current: InstanceSettings): string[] {
  const missing: string[] = [];
  if (Object.values(answers.name).every((v) => !v?.trim())) missing.push('--institution-zh or --institution-en');
  if (!answers.publicUrl && !current.publicUrl) missing.push('--public-url');
  return missing;
}

function describe(settings: InstanceSettings): string {
  const name = [settings.name['zh-Hans'], settings.name['zh-Hant'], settings.name.en].filter(Boolean).join(' / ');
  return [
    `${settings.setupDone ? 'set up' : 'not set up yet'}: ${name || '(no name)'}`,
    `  public URL       ${settings.publicUrl ?? '—'}${settings.publicUrlFromEnv ? ' (from WENYUAN_PUBLIC_URL)' : ''}`,
    `  registry origin  ${settings.registryOrigin ?? '—'}${settings.registryOriginFixed ? ' (fixed: the log’s key carries it)' : ' (fixed for good at the first registration)'}`,
    `  logo             ${settings.logoUrl ?? 'none'}`,
  ].join('\n');
}

/**
 * `wenyuan setup`: the first-run setup (institution name, public URL, registry origin, logo) and
 * later changes. With flags it asks nothing; without any, at a terminal, it asks for each setting.
 */
export function registerSetupCommand(program: Command): void {
  addInstanceOptions(
    program
      .command('setup')
      .description('set the institution’s name, the public URL, the registry origin and the logo (first start; later changes too)')
      .option('--institution-zh <name>', 'the institution’s name in Simplified Chinese')
      .option('--institution-zh-hant <name>', 'the institution’s name in Traditional Chinese')
      .option('--institution-en <name>', 'the institution’s name in English')
      .option('--public-url <url>', 'the address people reach the archive at, e.g. https://museum.example (WENYUAN_PUBLIC_URL overrides it)')
      .option('--registry-origin <origin>', 'the transparency log’s name, e.g. museum.example/registry (default: the public URL’s host + /registry); fixed at the first registration')
      .option('--logo <file>', 'a PNG, JPEG or WebP logo of at most 1 MiB')
      .option('--json', 'print the resulting settings as JSON'),
  ).action(async (options: SetupOptions) => {
    const flagged = ['institutionZh', 'institutionZhHant', 'institutionEn', 'publicUrl', 'registryOrigin', 'logo'].some((k) => options[k as keyof SetupOptions] !== undefined);
    let health: { witnesses: number; key: string | null } = { witnesses: 0, key: null };
    const settings = await withApp(options, async (app) => {
      health = { witnesses: (await app.registry.health()).witnesses, key: await app.registry.log.existingVerifierKey().catch(() => null) };
      const current = await app.instance.settings();
      let answers: SetupAnswers;
      if (!flagged && process.stdin.isTTY && process.stderr.isTTY) {
        // Questions go to stderr so that stdout carries only the result.
        answers = await promptSetup({ input: process.stdin, output: process.stderr }, current);
      } else {
        answers = answersFromFlags(options, current);
        const missing = missingFlags(answers, current);
        if (missing.length > 0) throw new Error(`setup needs ${missing.join(', ')} (or run \`wenyuan setup\` in a terminal to be asked)`);
      }
      const logo = answers.logo !== undefined ? fs.readFileSync(answers.logo) : null;
      const changes: InstanceChanges = { name: answers.name };
      if (answers.publicUrl !== undefined) changes.publicUrl = answers.publicUrl;
      if (answers.registryOrigin !== undefined) {
        changes.registryOrigin = answers.registryOrigin;
      } else if (!current.registryOrigin) {
        // What setup proposes: WENYUAN_REGISTRY_ORIGIN, else the public URL's host + /registry.
        const proposed = app.config.registryOrigin ?? suggestRegistryOrigin(answers.publicUrl ?? current.publicUrl ?? '');
        if (proposed) changes.registryOrigin = proposed;
      }
      // The logo first: a refused logo then leaves setup undone rather than done without it.
      if (logo) await app.instance.setLogo(logo);
      return app.instance.configure(changes);
    });
    console.log(options.json ? JSON.stringify(settings) : describe(settings));
    // Witnesses are set in the environment, not here: say what is at stake and which variables to set.
    if (!options.json && health.witnesses === 0) console.log([`\n${NO_WITNESS.en}`, NO_WITNESS['zh-Hans'], ...witnessAdvice(health.key)].join('\n'));
  });
}

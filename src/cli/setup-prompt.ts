import fs from 'node:fs';
import { createInterface } from 'node:readline';
import type { InstanceSettings, NameMap } from '../instance/instance.service.js';
import { parsePublicUrl, registryOriginProblem, suggestRegistryOrigin } from '../platform/public-url.js';
import type { PromptStreams } from './password-prompt.js';

/** What `wenyuan setup` applies: a name per language, the public URL, the origin and a logo file. */
export interface SetupAnswers {
  name: NameMap;
  publicUrl?: string;
  registryOrigin?: string;
  logo?: string;
}

const NAME_PROMPTS: [keyof NameMap, string][] = [
  ['zh-Hans', 'Institution name in Simplified Chinese'],
  ['zh-Hant', 'Institution name in Traditional Chinese (optional)'],
  ['en', 'Institution name in English'],
];

/**
 * Asks at a terminal for every setting, each question showing the current (or proposed) value that
 * Enter keeps. Wrong answers are explained and asked again; Ctrl-C or the end of input stops
 * without changing anything.
 */
export async function promptSetup({ input, output }: PromptStreams, current: InstanceSettings): Promise<SetupAnswers> {
  const rl = createInterface({ input, output, terminal: Boolean(input.isTTY), historySize: 0 });
  let cancelled = false;
  rl.on('SIGINT', () => {
    cancelled = true;
    rl.close();
  });
  const lines = rl[Symbol.asyncIterator]();
  const ask = async (question: string, fallback: string | null): Promise<string> => {
    // Through readline, so that its line editing redraws the question with the answer.
    rl.setPrompt(`${question}${fallback ? ` [${fallback}]` : ''}: `);
    rl.prompt();
    const next = await lines.next();
    if (next.done) throw new Error(cancelled ? 'cancelled: nothing was changed' : 'input ended before setup was complete: nothing was changed');
    return next.value.trim() || fallback || '';
  };
  try {
    const answers: SetupAnswers = { name: {} };
    for (;;) {
      for (const [lang, question] of NAME_PROMPTS) {
        const value = await ask(question, current.name[lang] ?? null);
        if (value) answers.name[lang] = value;
        else delete answers.name[lang];
      }
      if (Object.keys(answers.name).length > 0) break;
      output.write('Give the name in at least one language.\n');
    }

    if (current.publicUrlFromEnv) {
      output.write(`Public URL: ${current.publicUrl} (set by WENYUAN_PUBLIC_URL)\n`);
    } else {
      for (;;) {
        const value = await ask('Public URL people reach the archive at, like https://museum.example', current.publicUrl);
        const parsed = parsePublicUrl(value);
        if ('url' in parsed) {
          answers.publicUrl = parsed.url;
          break;
        }
        output.write(`${parsed.problem}.\n`);
      }
    }

    if (current.registryOriginFixed) {
      output.write(`Registry origin: ${current.registryOrigin} (fixed: the log's key carries it)\n`);
    } else {
      const proposed = current.registryOrigin ?? current.suggestedRegistryOrigin ?? suggestRegistryOrigin(answers.publicUrl ?? current.publicUrl ?? '');
      output.write('The registry origin names the transparency log in every receipt; it is fixed for good at the first registration.\n');
      for (;;) {
        const value = await ask('Registry origin, like museum.example/registry', proposed);
        const problem = registryOriginProblem(value);
        if (!problem) {
          answers.registryOrigin = value;
          break;
        }
        output.write(`The origin ${problem}.\n`);
      }
    }

    for (;;) {
      const value = await ask(current.logoUrl ? 'New logo image file (PNG, JPEG or WebP; Enter keeps the current one)' : 'Logo image file (PNG, JPEG or WebP; Enter for none)', null);
      if (!value || fs.existsSync(value)) {
        if (value) answers.logo = value;
        break;
      }
      output.write(`There is no file ${value}.\n`);
    }
    return answers;
  } finally {
    rl.close();
  }
}

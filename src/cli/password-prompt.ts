import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { MIN_PASSWORD_LENGTH, passwordProblem } from '../govern/password.js';

export interface PromptStreams {
  /** Where the typing comes from (a terminal, put in raw mode while asking). */
  input: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  /** Where the prompts go; the typed characters are never echoed. */
  output: NodeJS.WritableStream;
}

/**
 * Asks for a new password and its repetition at a terminal, the typing hidden and both prompts shown.
 * Says the rule before the first prompt, checks it right after the first entry, and gives `attempts`
 * tries; throws when they are used up or the person presses Ctrl-C / Ctrl-D.
 */
export async function promptNewPassword({ input, output }: PromptStreams, attempts = 3): Promise<string> {
  // readline does the line editing (backspace, Ctrl-U) and raw mode; its echo goes to a muted stream,
  // while the prompts are written straight to the real output.
  const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
  const rl = createInterface({ input, output: silent, terminal: true, historySize: 0 });
  let cancelled = false;
  rl.on('SIGINT', () => {
    cancelled = true;
    rl.close();
  });
  // The iterator buffers lines, so typing ahead (or a pasted pair) is not lost between prompts.
  const lines = rl[Symbol.asyncIterator]();
  const ask = async (prompt: string): Promise<string> => {
    output.write(prompt);
    const next = await lines.next();
    output.write('\n');
    if (next.done) throw new Error(cancelled ? 'cancelled: no account was created' : 'input ended before a password was given: no account was created');
    return next.value;
  };
  try {
    output.write(`Choose a password of at least ${MIN_PASSWORD_LENGTH} characters (what you type is not shown).\n`);
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const again = attempt < attempts ? ' Try again.' : '';
      const first = await ask('Password: ');
      const problem = passwordProblem(first);
      if (problem) {
        output.write(`${first.length === 0 ? 'nothing was typed' : `that was ${first.length} character${first.length === 1 ? '' : 's'}`}: ${problem}.${again}\n`);
        continue;
      }
      const second = await ask('Repeat the password: ');
      if (second === first) return first;
      output.write(`The two entries differ.${again}\n`);
    }
    throw new Error(`no password was set after ${attempts} tries: no account was created`);
  } finally {
    rl.close();
  }
}

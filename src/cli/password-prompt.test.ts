import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { promptNewPassword } from './password-prompt.js';

/** A fake terminal: `type` sends keystrokes once the prompt asked for has been printed. */
function fakeTerminal() {
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
  const waitFor = async (text: string, times: number) => {
    const deadline = Date.now() + 5_000;
    while (printed.split(text).length - 1 < times) {
      if (Date.now() > deadline) throw new Error(`never printed ${times}× ${JSON.stringify(text)}; printed:\n${printed}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  return {
    streams: { input, output },
    printed: () => printed,
    /** Answers the n-th appearance of `prompt` with `keys` (Enter included by the caller). */
    async answer(prompt: string, n: number, keys: string) {
      await waitFor(prompt, n);
      input.write(keys);
    },
  };
}

describe('promptNewPassword', () => {
  it('states the rule first, shows both prompts, never echoes the typing', async () => {
    const term = fakeTerminal();
    const result = promptNewPassword(term.streams);
    await term.answer('Password: ', 1, 'correct horse\r');
    await term.answer('Repeat the password: ', 1, 'correct horse\r');
    await expect(result).resolves.toBe('correct horse');
    expect(term.printed()).toBe('Choose a password of at least 10 characters (what you type is not shown).\nPassword: \nRepeat the password: \n');
  });

  it('checks the length right after the first entry, says when they differ, and lets the person retry', async () => {
    const term = fakeTerminal();
    const result = promptNewPassword(term.streams);
    await term.answer('Password: ', 1, 'short\r');
    await term.answer('Password: ', 2, 'long enough 1\r');
    await term.answer('Repeat the password: ', 1, 'long enough 2\r');
    await term.answer('Password: ', 3, 'long enough 1\r');
    await term.answer('Repeat the password: ', 2, 'long enough 1\r');
    await expect(result).resolves.toBe('long enough 1');
    const lines = term.printed().split('\n');
    expect(lines[0]).toMatch(/^Choose a password of at least 10 characters/);
    expect(lines[1]).toBe('Password: ');
    expect(lines[2]).toBe('that was 5 characters: password must be at least 10 characters. Try again.');
    expect(lines[3]).toBe('Password: ');
    expect(lines[4]).toBe('Repeat the password: ');
    expect(lines[5]).toBe('The two entries differ. Try again.');
    expect(term.printed()).not.toMatch(/short|long enough/);
  });

  it('keeps line editing: backspace removes the last character', async () => {
    const term = fakeTerminal();
    const result = promptNewPassword(term.streams);
    await term.answer('Password: ', 1, 'correct horsx\x7fe\r');
    await term.answer('Repeat the password: ', 1, 'correct horse\r');
    await expect(result).resolves.toBe('correct horse');
  });

  it('gives up after the tries are used, without creating anything', async () => {
    const term = fakeTerminal();
    const result = promptNewPassword(term.streams, 2);
    const failure = expect(result).rejects.toThrow('no password was set after 2 tries: no account was created');
    await term.answer('Password: ', 1, '\r');
    await term.answer('Password: ', 2, 'long enough 1\r');
    await term.answer('Repeat the password: ', 1, 'something else\r');
    await failure;
    expect(term.printed()).toContain('nothing was typed: password must be at least 10 characters. Try again.\n');
    expect(term.printed()).toMatch(/The two entries differ\.\n$/);
  });

  it('stops at Ctrl-C', async () => {
    const term = fakeTerminal();
    const result = promptNewPassword(term.streams);
    const failure = expect(result).rejects.toThrow('cancelled: no account was created');
    await term.answer('Password: ', 1, 'half\x03');
    await failure;
  });
});

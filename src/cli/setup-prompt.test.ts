import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { InstanceSettings } from '../instance/instance.service.js';
import { promptSetup } from './setup-prompt.js';

const FRESH: InstanceSettings = { name: {}, publicUrl: null, logoUrl: null, setupDone: false, theme: { accent: null, headerBackground: null }, map: null, registryOrigin: null, registryOriginFixed: false, publicUrlFromEnv: false, suggestedRegistryOrigin: null };

/** A fake terminal: answers each question once it has been printed. */
function fakeTerminal() {
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
  return {
    streams: { input, output },
    printed: () => printed,
    async answer(question: string, keys: string, times = 1) {
      const deadline = Date.now() + 5_000;
      while (printed.split(question).length - 1 < times) {
        if (Date.now() > deadline) throw new Error(`never asked ${JSON.stringify(question)}; printed:\n${printed}`);
        await new Promise((r) => setTimeout(r, 5));
      }
      input.write(`${keys}\n`);
    },
  };
}

describe('promptSetup', () => {
  it('asks for each setting, proposes the origin from the public URL, and asks again after a wrong answer', async () => {
    const term = fakeTerminal();
    const answers = promptSetup(term.streams, FRESH);
    await term.answer('Institution name in Simplified Chinese: ', '苏州博物馆');
    await term.answer('Institution name in Traditional Chinese (optional): ', '');
    await term.answer('Institution name in English: ', 'Suzhou Museum');
    await term.answer('Public URL people reach the archive at, like https://museum.example: ', 'szmuseum.example');
    await term.answer('Public URL people reach the archive at, like https://museum.example: ', 'https://www.szmuseum.example/', 2);
    await term.answer('Registry origin, like museum.example/registry [www.szmuseum.example/registry]: ', 'https://www.szmuseum.example/registry');
    await term.answer('Registry origin, like museum.example/registry [www.szmuseum.example/registry]: ', '', 2);
    await term.answer('Logo image file (PNG, JPEG or WebP; Enter for none): ', '');
    await expect(answers).resolves.toEqual({ name: { 'zh-Hans': '苏州博物馆', en: 'Suzhou Museum' }, publicUrl: 'https://www.szmuseum.example', registryOrigin: 'www.szmuseum.example/registry' });
    expect(term.printed()).toContain('"szmuseum.example" is not a URL');
    expect(term.printed()).toContain('must not start with a scheme');
    expect(term.printed()).toContain('fixed for good at the first registration');
  });

  it('keeps current values on Enter, shows a fixed origin and an environment URL without asking, and checks the logo file exists', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-prompt-'));
    const logo = path.join(dir, 'logo.png');
    fs.writeFileSync(logo, 'x');
    const term = fakeTerminal();
    const current: InstanceSettings = { ...FRESH, name: { en: 'Old Name' }, publicUrl: 'https://env.example', publicUrlFromEnv: true, registryOrigin: 'env.example/registry', registryOriginFixed: true, setupDone: true };
    const answers = promptSetup(term.streams, current);
    await term.answer('Institution name in Simplified Chinese: ', '');
    await term.answer('Institution name in Traditional Chinese (optional): ', '');
    await term.answer('Institution name in English [Old Name]: ', '');
    await term.answer('Logo image file (PNG, JPEG or WebP; Enter for none): ', path.join(dir, 'missing.png'));
    await term.answer('Logo image file (PNG, JPEG or WebP; Enter for none): ', logo, 2);
    await expect(answers).resolves.toEqual({ name: { en: 'Old Name' }, logo });
    expect(term.printed()).toContain('Public URL: https://env.example (set by WENYUAN_PUBLIC_URL)');
    expect(term.printed()).toContain("Registry origin: env.example/registry (fixed: the log's key carries it)");
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stops without an answer when the input ends', async () => {
    const term = fakeTerminal();
    const answers = promptSetup(term.streams, FRESH);
    await term.answer('Institution name in Simplified Chinese: ', '');
    term.streams.input.end();
    await expect(answers).rejects.toThrow('input ended before setup was complete: nothing was changed');
  });
});

import { describe, expect, it } from 'vitest';
import { makeI18n } from './i18n';
import { actorLabel, eventDetailLines, eventName } from './work-events';

const noop = () => {};
const en = makeI18n('en', noop).i18n;
const zh = makeI18n('zh-Hans', noop).i18n;
const SHA = 'ab'.repeat(32);

describe('work events in words', () => {
  it('names known events and keeps the code of unknown ones', () => {
    expect(eventName(en, 'files_added')).toBe('Files added');
    expect(eventName(zh, 'edited')).toBe('编辑');
    expect(eventName(en, 'merged')).toBe('Other event (merged)');
  });

  it('turns the detail into readable lines instead of JSON', () => {
    expect(eventDetailLines(en, { files: [SHA], sourceKey: null })).toEqual([`File: ${SHA.slice(0, 12)}…`]);
    expect(eventDetailLines(zh, { files: [SHA, SHA], sourceKey: 'met:42' })).toEqual([`2 个文件：${SHA.slice(0, 12)}…、${SHA.slice(0, 12)}…`, '来源记录：met:42']);
    expect(eventDetailLines(en, { version: 3, fields: ['title', 'description'] })).toEqual(['Saved as version 3', 'Changed: Title, Description']);
    expect(eventDetailLines(zh, { version: 3, fields: ['title', 'strange'] })).toEqual(['保存为第 3 版', `修改：${zh.t('field.title')}、strange`]);
  });

  it('keeps what it does not know, as key: value', () => {
    expect(eventDetailLines(en, { reason: 'merge', ids: ['a', 'b'] })).toEqual(['reason: merge', 'ids: a, b']);
    expect(eventDetailLines(en, null)).toEqual([]);
    expect(eventDetailLines(en, 'plain')).toEqual(['plain']);
  });

  it('names the command-line import account in the reader language', () => {
    expect(actorLabel(zh, 'cli', 'Command line')).toBe('命令行');
    expect(actorLabel(en, 'li.bai', 'Li Bai')).toBe('Li Bai');
    expect(actorLabel(en, null, 'abc12345')).toBe('abc12345');
  });
});

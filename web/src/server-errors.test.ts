import { describe, expect, it } from 'vitest';
import { ApiError, errorFromBody } from './api';
import { errorText } from './components/ErrorMessage';
import { makeI18n } from './i18n';
import { serverErrorText } from './server-errors';

const noop = () => {};
const en = makeI18n('en', noop).i18n;
const zh = makeI18n('zh-Hans', noop).i18n;

// Bodies as the server sends them (test/routes/error-keys.test.ts checks the server does).
const missingWork = { error: { code: 'not_found', key: 'not_found.work', params: { id: 'w1' }, message: 'work w1 was not found' } };
const badBody = {
  error: {
    code: 'invalid_input',
    key: 'invalid_input.fields',
    params: { fields: 'visibility, metadata.title', count: 2 },
    message: 'invalid request — visibility: Invalid option; metadata.title: Too small',
    details: [
      { field: 'visibility', code: 'invalid_value', key: 'validation.invalid_value', params: { field: 'visibility', values: 'private, public' }, message: 'visibility: Invalid option' },
      { field: 'metadata.title', code: 'too_small', key: 'validation.too_small', params: { field: 'metadata.title', origin: 'string', minimum: 1, inclusive: 'yes' }, message: 'metadata.title: Too small' },
    ],
  },
};

describe('server errors in the reader’s language', () => {
  it('says an error body by its key and parameters, never the English message in Chinese', () => {
    const error = errorFromBody(404, missingWork);
    expect(error).toBeInstanceOf(ApiError);
    expect(errorText(error, zh)).toBe('找不到作品 w1，或您无权查看。');
    expect(errorText(error, zh.t)).toBe('找不到作品 w1，或您无权查看。');
    expect(errorText(error, en)).toBe('Work w1 was not found, or you may not see it.');
  });

  it('says each bad field of a validation error', () => {
    expect(errorText(errorFromBody(400, badBody), zh)).toBe('visibility：必须是以下之一：private, public。 metadata.title：不能为空。');
    expect(errorText(errorFromBody(400, badBody), en)).toBe('visibility: must be one of private, public. metadata.title: must not be empty.');
    // Without translatable details, the list of fields.
    const { details: _details, ...bare } = badBody.error;
    expect(errorText(errorFromBody(400, { error: bare }), zh)).toBe('以下字段无效：visibility, metadata.title。');
  });

  it('writes byte counts as sizes and roles by their names', () => {
    expect(serverErrorText({ code: 'payload_too_large', key: 'file.too_large', params: { limitBytes: 104_857_600 } }, zh)).toBe('文件超过了 104.9 MB 的上传上限。');
    expect(serverErrorText({ code: 'forbidden', key: 'auth.role_required', params: { roles: 'admin,curator' } }, zh)).toBe('您的角色无权进行此操作，需要以下角色之一：管理员、藏品管理员。');
    expect(serverErrorText({ code: 'forbidden', key: 'auth.role_required', params: { roles: 'admin,curator' } }, en)).toBe('Your role does not allow this. It needs one of these roles: Administrator, Curator.');
  });

  it('falls back on the code in Chinese, and on the server’s message in English, for a key it does not know', () => {
    const newer = { code: 'conflict', key: 'work.some_new_refusal', params: {}, message: 'the server’s own words' };
    expect(serverErrorText(newer, zh)).toBe('此操作与当前状态冲突，请刷新后重试。');
    expect(serverErrorText(newer, en)).toBe('the server’s own words');
    expect(serverErrorText({ code: 'brand_new', message: 'x' }, zh)).toBe('服务器未能完成此操作（错误代码“brand_new”）。');
  });

  it('says the errors the registry’s format checks throw in the browser', async () => {
    const { parseNote } = await import('../../src/registry/signed-note');
    let thrown: unknown;
    try {
      parseNote('no blank line\n');
    } catch (error) {
      thrown = error;
    }
    expect(errorText(thrown, zh)).toBe('签名注记的正文与签名之间缺少空行。');
  });
});

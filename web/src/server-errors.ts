import { formatBytes } from './format';
import type { I18n, MessageKey, Translate, Vars } from './i18n';

/**
 * What the server says about an error (an error body, a failed upload's or scan's result, or an
 * error the registry's format checks throw in this browser): a code, a message key with its
 * parameters, and the English message. The interface says it in the reader's language from
 * `serverError.<key>` (locales/<lang>/server-errors.json), else from `serverErrorCode.<code>`.
 */
export interface ServerErrorInfo {
  code: string;
  key?: string | null;
  params?: Readonly<Record<string, string | number>> | null;
  /** English, for logs and scripts; shown only in the English interface, and only as a last resort. */
  message?: string | null;
  details?: unknown;
}

type Speaker = { t: Translate; lang?: string };

/** Looks up a message id built at run time; null when the catalogue has no such message. */
function lookUp(t: Translate, id: string, vars?: Vars): string | null {
  const text = t(id as MessageKey, vars);
  return text === id ? null : text;
}

/**
 * Parameters as the reader should see them: byte counts (`…Bytes`) as sizes, role lists in the
 * interface's role names; everything else is a value (an id, a number, a file name) shown as is.
 */
function localise(params: ServerErrorInfo['params'], { t, lang }: Speaker): Vars {
  const vars: Vars = {};
  for (const [name, value] of Object.entries(params ?? {})) {
    if (name.endsWith('Bytes') && typeof value === 'number') vars[name] = formatBytes(value, lang ?? 'en');
    else if (name === 'roles' && typeof value === 'string') {
      vars[name] = value
        .split(',')
        .map((role) => lookUp(t, `userRole.${role}`) ?? role)
        .join(lang === 'en' ? ', ' : '、');
    } else vars[name] = value;
  }
  return vars;
}

/** The translated message of a key, or null when the catalogue does not know the key. */
function keyText(key: string | null | undefined, params: ServerErrorInfo['params'], speaker: Speaker): string | null {
  return key ? lookUp(speaker.t, `serverError.${key}`, localise(params, speaker)) : null;
}

/** Each bad field of an `invalid_input.fields` error in the reader's language, or null if one is not known. */
function fieldsText(details: unknown, speaker: Speaker): string | null {
  if (!Array.isArray(details) || details.length === 0) return null;
  const parts = details.map((d) => (d && typeof d === 'object' ? keyText((d as ServerErrorInfo).key, (d as ServerErrorInfo).params, speaker) : null));
  return parts.every((p) => p !== null) ? parts.join(' ') : null;
}

/**
 * The one way the interface says a server's error: the key's message with its parameters; else a
 * message for the code; else, in English only, the server's own message; else a general one.
 */
export function serverErrorText(error: ServerErrorInfo, i18n: Speaker | Pick<I18n, 't' | 'lang'>): string {
  const speaker: Speaker = { t: i18n.t, lang: i18n.lang };
  if (error.key === 'invalid_input.fields') {
    const fields = fieldsText(error.details, speaker);
    if (fields) return fields;
  }
  const text = keyText(error.key, error.params, speaker);
  if (text) return text;
  // A key this client does not know yet (a newer server): the English message is the more precise.
  if (speaker.lang === 'en' && error.message) return error.message;
  return lookUp(speaker.t, `serverErrorCode.${error.code}`) ?? speaker.t('serverErrorCode.unknown', { code: error.code });
}

/**
 * A server notice (a warning that did not stop the work) in the reader's language; a notice this
 * client does not know keeps the server's English, marked as English where it is shown.
 */
export function noticeText(notice: { key: string; params: Readonly<Record<string, string | number>>; message: string }, i18n: Speaker | Pick<I18n, 't' | 'lang'>): { text: string; lang?: 'en' } {
  const text = keyText(notice.key, notice.params, { t: i18n.t, lang: i18n.lang });
  return text ? { text } : { text: notice.message, lang: 'en' };
}

/** Whether a thrown value carries a code and a message key (the registry's format errors do, in this browser too). */
export function isKeyedError(error: unknown): error is Error & ServerErrorInfo {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string' && typeof (error as { key?: unknown }).key === 'string';
}

import type { ErrorParams } from '../platform/errors.js';

/**
 * The email of a notification, in both interface languages (the server does not know which one the
 * reader prefers in their mail client): Chinese first, then English, and the work's link.
 */
const DECISIONS: Record<string, [string, string]> = {
  approved: ['已通过审核，作品已公开', 'was approved and is now public'],
  rejected: ['未通过审核', 'was rejected'],
  changes_requested: ['需要修改后再提交', 'needs changes before it can be published'],
  unpublished: ['因举报被撤下（设为不公开）', 'was unpublished after a report'],
  dismissed: ['的举报已驳回', 'report was dismissed'],
};

export function mailFor(kind: string, params: ErrorParams): { subject: string; text: string } {
  const [zh, en] = DECISIONS[String(params.decision)] ?? ['审核状态有更新', 'review status changed'];
  const title = String(params.titleZh ?? params.title ?? params.workId ?? '');
  const titleEn = String(params.titleEn ?? title);
  const reason = params.reasonText ? `\n${String(params.reasonText)}` : '';
  const link = params.link ? `\n\n${String(params.link)}` : '';
  return {
    subject: `【文渊】《${title}》${zh} / "${titleEn}" ${en}`,
    text: `《${title}》${zh}。${params.reason ? `原因：${String(params.reason)}` : ''}${reason}\n\n"${titleEn}" ${en}.${params.reason ? ` Reason: ${String(params.reason)}` : ''}${link}\n\n(${kind})`,
  };
}

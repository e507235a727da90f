/**
 * What an instance without a witness is told (by `wenyuan doctor`, `wenyuan setup` and the admin page):
 * whoever holds its database can remove the newest registrations and checkpoints together, and nothing
 * on this machine can tell — only an independent witness that cosigned a later checkpoint can.
 */
export const NO_WITNESS = {
  en: 'no witness configured: a rollback of the log cannot be detected',
  'zh-Hans': '未配置见证者：日志被回滚时无法发现',
} as const;

/** How to configure one, with the environment variables' names. */
export function witnessAdvice(verifierKey: string | null): string[] {
  return [
    `Run a witness on another machine (\`wenyuan witness --state-dir <dir> --log '${verifierKey ?? '<this log’s key: GET /api/registry/key>'}'\`), or use a public one,`,
    'then set WENYUAN_REGISTRY_WITNESSES=<witness vkey>@<https URL> (comma-separated for several) and WENYUAN_REGISTRY_WITNESS_QUORUM=1 and restart.',
    '在另一台机器上运行见证者（wenyuan witness），然后设置 WENYUAN_REGISTRY_WITNESSES 与 WENYUAN_REGISTRY_WITNESS_QUORUM=1 并重启。',
  ];
}

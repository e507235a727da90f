import pg from 'pg';

const PG_ADMIN_URL = process.env.WENYUAN_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Waits until no session is connected to the PostgreSQL database at `url` (no-op for SQLite).
 * pg's Pool.end() resolves before its clients have hung up, and the test databases are dropped
 * WITH (FORCE): a client still hanging up then gets "terminating connection due to administrator
 * command" as an unhandled error. Call this between closing the app and dropping the database.
 */
export async function waitForConnectionsToClose(url: string, timeoutMs = 5000): Promise<void> {
  if (!/^postgres(ql)?:\/\//.test(url)) return;
  const name = new URL(url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const { rows } = await admin.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1', [name]);
      if (Number(rows[0]?.n ?? 0) === 0) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    await admin.end();
  }
}

/** JSON kept as text in a column, read back with a fallback: a row written by an older version never breaks a page. */
export function parseJson<T>(text: string | null, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

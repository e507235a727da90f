// ISO 8601 dates and date-times as UTC milliseconds, without Date.parse's local-time guesses.

/** The span [start, end) in UTC ms a date (a whole day) or a date-time (one instant) covers, or null. */
export function parseInstant(text: string): { start: number; end: number } | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?$/.exec(text);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  const dayStart = Date.UTC(year, month - 1, day);
  if (new Date(dayStart).getUTCDate() !== day) return null; // 2025-02-30
  if (m[4] === undefined) return { start: dayStart, end: dayStart + 86_400_000 };
  const [hour, minute, second] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
  if (hour > 23 || minute > 59 || second > 59) return null;
  const millis = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  // A date-time without an offset is read as UTC (the profile's rule; ODRL leaves it to xsd:dateTime).
  const zone = m[8] && m[8] !== 'Z' ? (m[8][0] === '-' ? -1 : 1) * (Number(m[8].slice(1, 3)) * 60 + Number(m[8].slice(4, 6))) : 0;
  const instant = dayStart + ((hour * 60 + minute - zone) * 60 + second) * 1000 + millis;
  return { start: instant, end: instant + 1 };
}

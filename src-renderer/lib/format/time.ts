// Numbers and times as the page shows them. The Intl formatters are made once: toLocaleString() builds a new
// one on every call, which is what drawing 200 runs-table rows spent most of its time on.
const counts = new Intl.NumberFormat();
const dateTimes = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const dates = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
const times = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

/** 12345 -> "12,345" in the reader's locale. */
export function formatCount(n: number): string {
  return counts.format(n);
}

/** A moment in full, for tooltips. */
export function formatDateTime(ms: number): string {
  return dateTimes.format(ms);
}

/** The time of day, for log lines. */
export function formatTime(ms: number): string {
  return times.format(ms);
}

/** "3m ago", "yesterday", "12 Mar": creation times read at a glance; the exact time is in the tooltip. */
export function relativeTime(ms: number, now = Date.now()): string {
  const seconds = Math.round((now - ms) / 1000);
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes}m ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours}h ago`;
  const days = Math.round(hours / 24);
  if (days === 1) return 'yesterday';
  if (days < 7) return `${days}d ago`;
  return dates.format(ms);
}

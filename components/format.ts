// Small display helpers shared by the UI pieces.

/** Only http(s) links are ever rendered as links; anything else (javascript:, data:) is text. */
export function safeHref(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

const dateFmt = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

export function formatDate(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const today = new Date();
  return d.toDateString() === today.toDateString() ? timeFmt.format(d) : dateFmt.format(d);
}

export function initials(name: string): string {
  const parts = [...name.trim().split(/\s+/)].filter(Boolean);
  const chars = parts.slice(0, 2).map((p) => [...p][0] ?? '');
  return chars.join('').toUpperCase() || '?';
}

const dueFmt = new Intl.DateTimeFormat(undefined, { weekday: 'short', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

/** A due time with its date and time of day ("Mon, Dec 7, 09:00"), for tasks. */
export function formatDue(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : dueFmt.format(d);
}

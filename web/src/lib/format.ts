/// Money and dates for people: Intl in the viewer's locale, dates in the event's own time zone.

const kZeroDecimal = new Set(['CLP', 'ISK', 'JPY', 'KRW']);
const kThreeDecimal = new Set(['BHD', 'JOD', 'KWD', 'OMR']);

/// How many decimals amounts in this currency carry (the server's rule, ISO 4217).
export function currencyDecimals(currency: string): number {
  if (kZeroDecimal.has(currency)) return 0;
  if (kThreeDecimal.has(currency)) return 3;
  return 2;
}

export function formatMoney(amount: number, currency: string, locale?: string): string {
  const decimals = currencyDecimals(currency);
  try {
    return new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      minimumFractionDigits: Number.isInteger(amount) && decimals > 0 ? 0 : decimals,
      maximumFractionDigits: decimals,
    }).format(amount);
  } catch {
    return `${amount.toFixed(decimals)} ${currency}`;
  }
}

/// A seat's price: "Free" when it costs nothing.
export function formatPrice(price: number, currency: string, locale?: string): string {
  return price === 0 ? 'Free' : formatMoney(price, currency, locale);
}

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function safeZone(tz: string | undefined): string | undefined {
  return tz && isValidTimeZone(tz) ? tz : undefined;
}

/// "Mon, Mar 1, 2027, 8:00 PM CET" in the event's time zone.
export function formatEventDate(iso: string, timeZone?: string, locale?: string): string {
  return new Intl.DateTimeFormat(locale, {
    weekday: 'short',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZone: safeZone(timeZone),
    timeZoneName: 'short',
  }).format(new Date(iso));
}

/// The parts of a date badge: "MAR" and "1", in the event's time zone.
export function dateBadge(iso: string, timeZone?: string, locale?: string): { month: string; day: string; weekday: string } {
  const d = new Date(iso);
  const zone = safeZone(timeZone);
  return {
    month: new Intl.DateTimeFormat(locale, { month: 'short', timeZone: zone }).format(d),
    day: new Intl.DateTimeFormat(locale, { day: 'numeric', timeZone: zone }).format(d),
    weekday: new Intl.DateTimeFormat(locale, { weekday: 'short', timeZone: zone }).format(d),
  };
}

/// "8:00 PM CET" in the event's time zone.
export function formatEventTime(iso: string, timeZone?: string, locale?: string): string {
  return new Intl.DateTimeFormat(locale, {
    hour: 'numeric',
    minute: '2-digit',
    timeZone: safeZone(timeZone),
    timeZoneName: 'short',
  }).format(new Date(iso));
}

/// A moment in the viewer's own time zone ("Nov 25, 2026, 6:07:03 AM").
export function formatTimestamp(iso: string, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(iso));
}

/// "2026-11-25" in a time zone → "Nov 25".
export function formatDay(isoDay: string, locale?: string): string {
  const [y, m, d] = isoDay.split('-').map(Number);
  return new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(
    new Date(Date.UTC(y!, (m ?? 1) - 1, d ?? 1)),
  );
}

/// Milliseconds that `timeZone` is ahead of UTC at the instant `utcMs`.
function zoneOffsetMs(utcMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/// A wall-clock time in a time zone ("2027-03-01T20:00", as an <input type=datetime-local> gives
/// it) → the RFC 3339 UTC instant ("2027-03-01T19:00:00Z"). Null when the text is no such time.
export function zonedWallTimeToUtc(local: string, timeZone: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local);
  if (!m || !isValidTimeZone(timeZone)) return null;
  const [, y, mo, d, h, mi, s] = m;
  const wall = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, s ? +s : 0);
  // The offset at the wall time read as UTC is a first guess; correct once for DST changes.
  let utc = wall - zoneOffsetMs(wall, timeZone);
  const second = wall - zoneOffsetMs(utc, timeZone);
  if (second !== utc) utc = second;
  return new Date(utc).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/// An RFC 3339 instant → the wall-clock time in a time zone, for <input type=datetime-local>.
export function utcToZonedWallTime(iso: string, timeZone: string): string {
  const ms = Date.parse(iso);
  const zone = isValidTimeZone(timeZone) ? timeZone : 'UTC';
  const local = new Date(ms + zoneOffsetMs(ms, zone));
  return local.toISOString().slice(0, 16);
}

export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/// "in 12 min", "3 min ago"…
export function formatRelative(iso: string, now = Date.now(), locale?: string): string {
  const diffSec = Math.round((Date.parse(iso) - now) / 1000);
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const abs = Math.abs(diffSec);
  if (abs < 60) return rtf.format(diffSec, 'second');
  if (abs < 3600) return rtf.format(Math.round(diffSec / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(diffSec / 3600), 'hour');
  return rtf.format(Math.round(diffSec / 86400), 'day');
}

export function pluralize(n: number, one: string, many: string): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

import type { Event } from '../api/types';

/// RFC 5545 text escaping.
function escapeText(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

function icsDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/// Lines longer than 75 octets are folded (RFC 5545 §3.1).
function fold(line: string): string {
  const bytes = new TextEncoder().encode(line);
  if (bytes.length <= 75) return line;
  const out: string[] = [];
  let current = '';
  let size = 0;
  for (const ch of line) {
    const n = new TextEncoder().encode(ch).length;
    if (size + n > (out.length === 0 ? 75 : 74)) {
      out.push(current);
      current = '';
      size = 0;
    }
    current += ch;
    size += n;
  }
  out.push(current);
  return out.join('\r\n ');
}

/// A calendar file for one event. It ends at the event's `endDate`, else two hours (or
/// `durationMinutes`) after the start.
export function eventToIcs(event: Event, opts: { url?: string; now?: number; durationMinutes?: number } = {}): string {
  const start = Date.parse(event.date);
  const end = event.endDate ? Date.parse(event.endDate) : start + (opts.durationMinutes ?? 120) * 60_000;
  const description = [event.description, opts.url].filter(Boolean).join('\n\n');
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Admit//Tickets//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'BEGIN:VEVENT',
    `UID:${event.eventId}@admit`,
    `DTSTAMP:${icsDate(opts.now ?? Date.now())}`,
    `DTSTART:${icsDate(start)}`,
    `DTEND:${icsDate(end)}`,
    `SUMMARY:${escapeText(event.name)}`,
    `LOCATION:${escapeText(event.location)}`,
    ...(description ? [`DESCRIPTION:${escapeText(description)}`] : []),
    ...(opts.url ? [`URL:${opts.url}`] : []),
    event.status === 'cancelled' ? 'STATUS:CANCELLED' : 'STATUS:CONFIRMED',
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map(fold).join('\r\n') + '\r\n';
}

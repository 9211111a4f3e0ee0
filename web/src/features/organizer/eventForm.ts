import type { Currency, Event, EventInput, EventUpdate } from '../../api/types';
import { currencyDecimals, formatMoney, isValidTimeZone, utcToZonedWallTime, zonedWallTimeToUtc } from '../../lib/format';

export const kCurrencies: Currency[] = [
  'USD',
  'EUR',
  'GBP',
  'CAD',
  'AUD',
  'CHF',
  'JPY',
  'SEK',
  'NOK',
  'DKK',
  'PLN',
  'CZK',
  'HUF',
  'RON',
  'BGN',
  'ISK',
  'NZD',
  'SGD',
  'HKD',
  'CNY',
  'TWD',
  'KRW',
  'INR',
  'IDR',
  'MYR',
  'PHP',
  'THB',
  'AED',
  'SAR',
  'BHD',
  'KWD',
  'OMR',
  'JOD',
  'ILS',
  'TRY',
  'EGP',
  'ZAR',
  'KES',
  'NGN',
  'BRL',
  'MXN',
  'CLP',
  'COP',
  'UAH',
];

/// The form's text values, as the inputs hold them.
export interface EventFormValues {
  name: string;
  description: string;
  /// Wall-clock time at the venue: "2027-03-01T20:00".
  date: string;
  /// Wall-clock time at the venue, like `date`; empty means no end is given.
  endDate: string;
  timezone: string;
  location: string;
  capacity: string;
  price: string;
  currency: Currency;
  maxPerAttendee: string;
  /// Wall-clock time at the venue, like `date`; empty means the event's start.
  cancellationDeadline: string;
  /// How long an unpaid order holds its seats, in minutes; empty means the instance's default.
  holdMinutes: string;
}

/// The most one payment may be, in minor units (Stripe's limit for most currencies); admit refuses
/// an event whose largest order would cost more.
export const kMaxOrderAmountMinor = 99_999_999;
/// The most seats one order may ask for.
const kMaxQuantityPerOrder = 100;
/// Seats one person may hold when the event does not say.
const kDefaultMaxPerAttendee = 10;

export type EventField = keyof EventFormValues;
export type EventErrors = Partial<Record<EventField, string>>;

export function emptyForm(timezone: string): EventFormValues {
  return {
    name: '',
    description: '',
    date: '',
    endDate: '',
    timezone,
    location: '',
    capacity: '100',
    price: '0',
    currency: 'USD',
    maxPerAttendee: '',
    cancellationDeadline: '',
    holdMinutes: '',
  };
}

export function formFromEvent(e: Event): EventFormValues {
  return {
    name: e.name,
    description: e.description,
    date: utcToZonedWallTime(e.date, e.timezone),
    endDate: e.endDate ? utcToZonedWallTime(e.endDate, e.timezone) : '',
    timezone: e.timezone,
    location: e.location,
    capacity: String(e.capacity),
    price: String(e.price),
    currency: e.currency,
    maxPerAttendee: String(e.maxPerAttendee),
    cancellationDeadline: e.cancellationDeadline ? utcToZonedWallTime(e.cancellationDeadline, e.timezone) : '',
    holdMinutes: e.holdSeconds == null ? '' : String(Math.round((e.holdSeconds / 60) * 100) / 100),
  };
}

const isInt = (s: string) => /^\d+$/.test(s.trim());

/// The same rules admit applies, checked before sending so each message shows beside its field.
export function validateEventForm(v: EventFormValues, opts: { now?: number; isNew?: boolean } = {}): EventErrors {
  const e: EventErrors = {};
  const now = opts.now ?? Date.now();
  if (!v.name.trim()) e.name = 'Give the event a name.';
  else if (v.name.length > 200) e.name = 'Use at most 200 characters.';
  if (v.description.length > 10000)
    e.description = `Use at most 10,000 characters (now ${v.description.length.toLocaleString()}).`;
  if (!isValidTimeZone(v.timezone)) e.timezone = 'Choose a time zone from the list.';
  if (!v.date) e.date = 'Choose when the event starts.';
  else {
    const utc = zonedWallTimeToUtc(v.date, isValidTimeZone(v.timezone) ? v.timezone : 'UTC');
    if (!utc) e.date = 'Enter a date and time.';
    else {
      const year = Number(utc.slice(0, 4));
      if (year < 2000 || year > 2200) e.date = 'Choose a date between the years 2000 and 2200.';
      else if (opts.isNew && Date.parse(utc) <= now) e.date = 'Choose a time in the future.';
    }
  }
  if (v.endDate) {
    const zone = isValidTimeZone(v.timezone) ? v.timezone : 'UTC';
    const end = zonedWallTimeToUtc(v.endDate, zone);
    const start = v.date ? zonedWallTimeToUtc(v.date, zone) : null;
    if (!end) e.endDate = 'Enter a date and time, or leave it empty.';
    else if (start && Date.parse(end) <= Date.parse(start)) e.endDate = 'Choose a time after the start, or leave it empty.';
  }
  if (!v.location.trim()) e.location = 'Say where it takes place.';
  else if (v.location.length > 500) e.location = 'Use at most 500 characters.';
  const capacity = Number(v.capacity);
  if (!isInt(v.capacity) || capacity < 1 || capacity > 1_000_000)
    e.capacity = 'Enter a whole number of seats from 1 to 1,000,000.';
  const decimals = currencyDecimals(v.currency);
  const priceText = v.price.trim() === '' ? '0' : v.price.trim();
  const priceOk = decimals === 0 ? /^\d+$/.test(priceText) : new RegExp(`^\\d+(\\.\\d{1,${decimals}})?$`).test(priceText);
  if (!priceOk) {
    e.price =
      decimals === 0
        ? `Enter a whole amount; ${v.currency} has no cents.`
        : `Enter an amount like 25 or 25.50 (at most ${decimals} decimals).`;
  } else if (Number(priceText) * 10 ** decimals > 1e12) e.price = 'That price is too high.';
  if (v.maxPerAttendee.trim() !== '') {
    const max = Number(v.maxPerAttendee);
    if (!isInt(v.maxPerAttendee) || max < 1) e.maxPerAttendee = 'Enter a whole number, at least 1.';
    else if (!e.capacity && max > capacity) e.maxPerAttendee = 'Cannot be more than the capacity.';
  }
  if (!e.price && !e.maxPerAttendee && !e.capacity) {
    // admit's rule: the largest order one person may place must fit in one payment.
    const perPerson = v.maxPerAttendee.trim() ? Number(v.maxPerAttendee) : Math.min(capacity, kDefaultMaxPerAttendee);
    const largest = Math.min(perPerson, kMaxQuantityPerOrder);
    const priceMinor = Math.round(Number(priceText) * 10 ** decimals);
    if (priceMinor * largest > kMaxOrderAmountMinor) {
      const most = formatMoney(kMaxOrderAmountMinor / 10 ** decimals, v.currency);
      e.price = `${largest} tickets at this price would cost more than ${most}, the most one payment may be. Lower the price or the limit per person.`;
    }
  }
  if (v.cancellationDeadline) {
    const zone = isValidTimeZone(v.timezone) ? v.timezone : 'UTC';
    const deadline = zonedWallTimeToUtc(v.cancellationDeadline, zone);
    const start = v.date ? zonedWallTimeToUtc(v.date, zone) : null;
    if (!deadline) e.cancellationDeadline = 'Enter a date and time, or leave it empty.';
    else if (start && Date.parse(deadline) > Date.parse(start))
      e.cancellationDeadline = 'Choose a time no later than the start, or leave it empty.';
  }
  if (v.holdMinutes.trim() !== '') {
    const minutes = Number(v.holdMinutes);
    if (!/^\d+(\.\d+)?$/.test(v.holdMinutes.trim()) || minutes < 1 || minutes > 1440)
      e.holdMinutes = 'Enter minutes from 1 to 1,440 (one day), or leave it empty for the default.';
  }
  return e;
}

/// The form's deadline as admit takes it: null when empty (the event's start).
function deadlineOf(v: EventFormValues): string | null {
  return v.cancellationDeadline ? zonedWallTimeToUtc(v.cancellationDeadline, v.timezone) : null;
}

/// The form's end as admit takes it: null when empty (no end given).
function endDateOf(v: EventFormValues): string | null {
  return v.endDate ? zonedWallTimeToUtc(v.endDate, v.timezone) : null;
}

/// The form's hold length in seconds: null when empty (the instance's default).
function holdSecondsOf(v: EventFormValues): number | null {
  return v.holdMinutes.trim() ? Math.round(Number(v.holdMinutes) * 60) : null;
}

/// A new event from the form; `draft` keeps it hidden from everyone but its organizer until it is published.
export function toEventInput(v: EventFormValues, { draft = false }: { draft?: boolean } = {}): EventInput {
  const input: EventInput = {
    name: v.name.trim(),
    description: v.description,
    date: zonedWallTimeToUtc(v.date, v.timezone)!,
    timezone: v.timezone,
    location: v.location.trim(),
    capacity: Number(v.capacity),
    price: Number(v.price.trim() || '0'),
    currency: v.currency,
  };
  if (draft) input.status = 'draft';
  const end = endDateOf(v);
  if (end) input.endDate = end;
  if (v.maxPerAttendee.trim()) input.maxPerAttendee = Number(v.maxPerAttendee);
  const deadline = deadlineOf(v);
  if (deadline) input.cancellationDeadline = deadline;
  const hold = holdSecondsOf(v);
  if (hold !== null) input.holdSeconds = hold;
  return input;
}

/// Only the fields that changed, as PUT /api/events/{id} takes them.
export function toEventUpdate(v: EventFormValues, original: Event): EventUpdate {
  const next = toEventInput(v);
  const out: EventUpdate = {};
  if (next.name !== original.name) out.name = next.name;
  if ((next.description ?? '') !== original.description) out.description = next.description;
  if (next.date !== original.date) out.date = next.date;
  if (next.timezone !== original.timezone) out.timezone = next.timezone;
  if (next.location !== original.location) out.location = next.location;
  if (next.capacity !== original.capacity) out.capacity = next.capacity;
  // Once an event has several ticket types their prices are changed one by one (admit refuses `price`).
  if ((original.ticketTypes?.length ?? 1) <= 1 && next.price !== original.price) out.price = next.price;
  if (next.currency !== original.currency) out.currency = next.currency;
  if (next.maxPerAttendee !== undefined && next.maxPerAttendee !== original.maxPerAttendee)
    out.maxPerAttendee = next.maxPerAttendee;
  // Cleared fields are sent as null: back to the event's start, or to the instance's hold.
  const deadline = deadlineOf(v);
  const was = original.cancellationDeadline ?? null;
  if (deadline === null ? was !== null : was === null || Date.parse(deadline) !== Date.parse(was))
    out.cancellationDeadline = deadline;
  const end = endDateOf(v);
  const wasEnd = original.endDate ?? null;
  if (end === null ? wasEnd !== null : wasEnd === null || Date.parse(end) !== Date.parse(wasEnd)) out.endDate = end;
  const hold = holdSecondsOf(v);
  if (hold !== (original.holdSeconds ?? null)) out.holdSeconds = hold;
  return out;
}

const kLabels: Record<string, string> = {
  name: 'The name',
  description: 'The description',
  date: 'The start',
  endDate: 'The end',
  timezone: 'The time zone',
  location: 'The place',
  capacity: 'Capacity',
  price: 'The price',
  currency: 'The currency',
  maxPerAttendee: 'The limit per person',
  cancellationDeadline: 'The cancellation deadline',
};

/// Server fields the form shows under another name, with the form's own words (the form takes
/// minutes where admit takes seconds).
const kRenamed: Record<string, { field: EventField; sentence: string }> = {
  holdSeconds: { field: 'holdMinutes', sentence: 'Hold seats for 1 to 1,440 minutes, or leave it empty for the default.' },
};

/// The server's {field, message} list as sentences beside the form's fields. Messages complete a
/// sentence that starts with the field's name.
export function serverErrorsToForm(errors: Record<string, string>): { fields: EventErrors; other: string[] } {
  const fields: EventErrors = {};
  const other: string[] = [];
  for (const [field, message] of Object.entries(errors)) {
    const renamed = kRenamed[field];
    if (renamed) {
      fields[renamed.field] = renamed.sentence;
      continue;
    }
    const sentence = `${kLabels[field] ?? field} ${message}`.replace(/\.?$/, '.');
    if (field in kLabels) fields[field as EventField] = sentence;
    else other.push(sentence);
  }
  return { fields, other };
}

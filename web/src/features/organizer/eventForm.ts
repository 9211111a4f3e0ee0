import type { Currency, Event, EventInput, EventUpdate } from '../../api/types';
import { currencyDecimals, isValidTimeZone, utcToZonedWallTime, zonedWallTimeToUtc } from '../../lib/format';

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
  timezone: string;
  location: string;
  capacity: string;
  price: string;
  currency: Currency;
  maxPerAttendee: string;
}

export type EventField = keyof EventFormValues;
export type EventErrors = Partial<Record<EventField, string>>;

export function emptyForm(timezone: string): EventFormValues {
  return {
    name: '',
    description: '',
    date: '',
    timezone,
    location: '',
    capacity: '100',
    price: '0',
    currency: 'USD',
    maxPerAttendee: '',
  };
}

export function formFromEvent(e: Event): EventFormValues {
  return {
    name: e.name,
    description: e.description,
    date: utcToZonedWallTime(e.date, e.timezone),
    timezone: e.timezone,
    location: e.location,
    capacity: String(e.capacity),
    price: String(e.price),
    currency: e.currency,
    maxPerAttendee: String(e.maxPerAttendee),
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
  return e;
}

export function toEventInput(v: EventFormValues): EventInput {
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
  if (v.maxPerAttendee.trim()) input.maxPerAttendee = Number(v.maxPerAttendee);
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
  if (next.price !== original.price) out.price = next.price;
  if (next.currency !== original.currency) out.currency = next.currency;
  if (next.maxPerAttendee !== undefined && next.maxPerAttendee !== original.maxPerAttendee)
    out.maxPerAttendee = next.maxPerAttendee;
  return out;
}

const kLabels: Record<string, string> = {
  name: 'The name',
  description: 'The description',
  date: 'The start',
  timezone: 'The time zone',
  location: 'The place',
  capacity: 'Capacity',
  price: 'The price',
  currency: 'The currency',
  maxPerAttendee: 'The limit per person',
};

/// The server's {field, message} list as sentences beside the form's fields. Messages complete a
/// sentence that starts with the field's name.
export function serverErrorsToForm(errors: Record<string, string>): { fields: EventErrors; other: string[] } {
  const fields: EventErrors = {};
  const other: string[] = [];
  for (const [field, message] of Object.entries(errors)) {
    const sentence = `${kLabels[field] ?? field} ${message}`.replace(/\.?$/, '.');
    if (field in kLabels) fields[field as EventField] = sentence;
    else other.push(sentence);
  }
  return { fields, other };
}

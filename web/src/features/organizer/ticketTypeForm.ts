import type { Currency, TicketType, TicketTypeInput, TicketTypeUpdate } from '../../api/types';
import { currencyDecimals, utcToZonedWallTime, zonedWallTimeToUtc } from '../../lib/format';

/// A ticket type's form, as its inputs hold the values. Sales times are wall-clock times at the
/// venue ("2027-03-01T20:00"), converted with the event's time zone.
export interface TicketTypeFormValues {
  name: string;
  description: string;
  price: string;
  /// Empty: only the event's capacity limits the type.
  capacity: string;
  /// Empty: on sale from now on.
  salesStart: string;
  /// Empty: on sale until the event starts.
  salesEnd: string;
  minPerOrder: string;
  /// Empty: admit's largest order (the limit per person still applies).
  maxPerOrder: string;
  hidden: boolean;
}

export type TicketTypeField = keyof TicketTypeFormValues;
export type TicketTypeErrors = Partial<Record<TicketTypeField, string>>;

export function emptyTypeForm(): TicketTypeFormValues {
  return {
    name: '',
    description: '',
    price: '0',
    capacity: '',
    salesStart: '',
    salesEnd: '',
    minPerOrder: '1',
    maxPerOrder: '',
    hidden: false,
  };
}

export function formFromType(t: TicketType, timezone: string): TicketTypeFormValues {
  return {
    name: t.name,
    description: t.description,
    price: String(t.price),
    capacity: t.capacity == null ? '' : String(t.capacity),
    salesStart: t.salesStart ? utcToZonedWallTime(t.salesStart, timezone) : '',
    salesEnd: t.salesEnd ? utcToZonedWallTime(t.salesEnd, timezone) : '',
    minPerOrder: String(t.minPerOrder),
    maxPerOrder: String(t.maxPerOrder),
    hidden: t.hidden,
  };
}

/// The most tickets one order may take (admit's rule), and a type's maximum when none is given.
const kMaxPerOrder = 100;

const isCount = (s: string, most: number) => /^\d+$/.test(s.trim()) && Number(s) >= 1 && Number(s) <= most;

/// The rules admit applies to a type, checked before sending so each message shows beside its field.
export function validateTypeForm(
  v: TicketTypeFormValues,
  { currency, timezone, sold = 0 }: { currency: Currency; timezone: string; sold?: number },
): TicketTypeErrors {
  const e: TicketTypeErrors = {};
  if (!v.name.trim()) e.name = 'Give the ticket type a name.';
  else if (v.name.length > 200) e.name = 'Use at most 200 characters.';
  if (v.description.length > 2000) e.description = 'Use at most 2,000 characters.';
  const decimals = currencyDecimals(currency);
  const price = v.price.trim() || '0';
  const priceOk = decimals === 0 ? /^\d+$/.test(price) : new RegExp(`^\\d+(\\.\\d{1,${decimals}})?$`).test(price);
  if (!priceOk)
    e.price = decimals === 0 ? `Enter a whole amount; ${currency} has no cents.` : `Enter an amount like 25 or 25.50.`;
  if (v.capacity.trim()) {
    if (!isCount(v.capacity, 1_000_000)) e.capacity = 'Enter a whole number from 1 to 1,000,000, or leave it empty.';
    else if (Number(v.capacity) < sold) e.capacity = `Cannot be less than the ${sold} already sold.`;
  }
  const start = v.salesStart ? zonedWallTimeToUtc(v.salesStart, timezone) : null;
  const end = v.salesEnd ? zonedWallTimeToUtc(v.salesEnd, timezone) : null;
  if (v.salesStart && !start) e.salesStart = 'Enter a date and time, or leave it empty.';
  if (v.salesEnd && !end) e.salesEnd = 'Enter a date and time, or leave it empty.';
  else if (start && end && Date.parse(end) <= Date.parse(start)) e.salesEnd = 'Choose a time after sales start.';
  if (!isCount(v.minPerOrder, 100)) e.minPerOrder = 'Enter a whole number from 1 to 100.';
  if (v.maxPerOrder.trim()) {
    if (!isCount(v.maxPerOrder, 100)) e.maxPerOrder = 'Enter a whole number from 1 to 100, or leave it empty.';
    else if (!e.minPerOrder && Number(v.maxPerOrder) < Number(v.minPerOrder))
      e.maxPerOrder = 'Cannot be less than the minimum per order.';
  }
  return e;
}

/// A new type as POST /api/events/{id}/ticket-types takes it: empty optional fields are null
/// (no capacity of its own, no sales window), an empty maximum is admit's largest order.
export function toTypeInput(v: TicketTypeFormValues, timezone: string): TicketTypeInput {
  const input: TicketTypeInput = {
    name: v.name.trim(),
    description: v.description,
    price: Number(v.price.trim() || '0'),
    capacity: v.capacity.trim() ? Number(v.capacity) : null,
    salesStart: v.salesStart ? zonedWallTimeToUtc(v.salesStart, timezone) : null,
    salesEnd: v.salesEnd ? zonedWallTimeToUtc(v.salesEnd, timezone) : null,
    minPerOrder: Number(v.minPerOrder),
    maxPerOrder: v.maxPerOrder.trim() ? Number(v.maxPerOrder) : kMaxPerOrder,
    hidden: v.hidden,
  };
  return input;
}

const sameInstant = (a: string | null, b: string | null) =>
  a === null || b === null ? a === b : Date.parse(a) === Date.parse(b);

/// Only what changed, as PUT …/ticket-types/{typeId} takes it; cleared optional fields are sent as null.
export function toTypeUpdate(v: TicketTypeFormValues, original: TicketType, timezone: string): TicketTypeUpdate {
  const next = toTypeInput(v, timezone);
  const out: TicketTypeUpdate = {};
  if (next.name !== original.name) out.name = next.name;
  if (next.description !== original.description) out.description = next.description;
  if (next.price !== original.price) out.price = next.price;
  if (next.capacity !== original.capacity) out.capacity = next.capacity;
  if (!sameInstant(next.salesStart, original.salesStart)) out.salesStart = next.salesStart;
  if (!sameInstant(next.salesEnd, original.salesEnd)) out.salesEnd = next.salesEnd;
  if (next.minPerOrder !== original.minPerOrder) out.minPerOrder = next.minPerOrder;
  if (next.maxPerOrder !== original.maxPerOrder) out.maxPerOrder = next.maxPerOrder;
  if (next.hidden !== original.hidden) out.hidden = next.hidden;
  return out;
}

const kLabels: Record<TicketTypeField, string> = {
  name: 'The name',
  description: 'The description',
  price: 'The price',
  capacity: 'The capacity',
  salesStart: 'The start of sales',
  salesEnd: 'The end of sales',
  minPerOrder: 'The minimum per order',
  maxPerOrder: 'The maximum per order',
  hidden: 'Hidden',
};

/// The server's {field, message} list as sentences beside the type's fields.
export function typeServerErrors(errors: Record<string, string>): { fields: TicketTypeErrors; other: string[] } {
  const fields: TicketTypeErrors = {};
  const other: string[] = [];
  for (const [field, message] of Object.entries(errors)) {
    const label = kLabels[field as TicketTypeField];
    const sentence = `${label ?? field} ${message}`.replace(/\.?$/, '.');
    if (label) fields[field as TicketTypeField] = sentence;
    else other.push(sentence);
  }
  return { fields, other };
}

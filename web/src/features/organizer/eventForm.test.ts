import { describe, expect, it } from 'vitest';
import type { Event } from '../../api/types';
import {
  emptyForm,
  formFromEvent,
  serverErrorsToForm,
  toEventInput,
  toEventUpdate,
  validateEventForm,
  type EventFormValues,
} from './eventForm';

const now = Date.parse('2026-11-25T12:00:00Z');
const good: EventFormValues = {
  ...emptyForm('Europe/Berlin'),
  name: 'Jazz night',
  date: '2027-03-01T20:00',
  location: 'Blue Room',
  capacity: '120',
  price: '25.50',
  currency: 'EUR',
  maxPerAttendee: '4',
};

describe('validateEventForm', () => {
  it('passes a good event', () => {
    expect(validateEventForm(good, { now, isNew: true })).toEqual({});
  });
  it('names every broken field at once', () => {
    const errors = validateEventForm(
      { ...good, name: ' ', location: '', capacity: '0', price: '1.234', date: '' },
      { now, isNew: true },
    );
    expect(Object.keys(errors).sort()).toEqual(['capacity', 'date', 'location', 'name', 'price']);
  });
  it('refuses a past start for a new event only', () => {
    const past = { ...good, date: '2020-01-01T10:00' };
    expect(validateEventForm(past, { now, isNew: true }).date).toBe('Choose a time in the future.');
    expect(validateEventForm(past, { now, isNew: false }).date).toBeUndefined();
  });
  it('knows currencies without cents', () => {
    expect(validateEventForm({ ...good, currency: 'JPY', price: '1500.5' }, { now }).price).toMatch(/whole amount/);
    expect(validateEventForm({ ...good, currency: 'JPY', price: '1500' }, { now }).price).toBeUndefined();
    expect(validateEventForm({ ...good, currency: 'KWD', price: '1.125' }, { now }).price).toBeUndefined();
  });
  it('keeps the per-person limit within capacity', () => {
    expect(validateEventForm({ ...good, capacity: '3', maxPerAttendee: '4' }, { now }).maxPerAttendee).toBe(
      'Cannot be more than the capacity.',
    );
  });
});

describe('requests', () => {
  it('sends the venue time as UTC', () => {
    expect(toEventInput(good)).toEqual({
      name: 'Jazz night',
      description: '',
      date: '2027-03-01T19:00:00Z',
      timezone: 'Europe/Berlin',
      location: 'Blue Room',
      capacity: 120,
      price: 25.5,
      currency: 'EUR',
      maxPerAttendee: 4,
    });
  });
  it('sends only changed fields on edit', () => {
    const original = { ...toEventInput(good), maxPerAttendee: 4, eventId: 'e', ticketTypes: [] } as unknown as Event;
    expect(toEventUpdate({ ...good, capacity: '150' }, original)).toEqual({ capacity: 150 });
  });
  it('turns server field errors into sentences', () => {
    expect(serverErrorsToForm({ capacity: 'must be between 1 and 1000000', extra: 'is not a field of this request' })).toEqual({
      fields: { capacity: 'Capacity must be between 1 and 1000000.' },
      other: ['extra is not a field of this request.'],
    });
  });
});

describe('cancellation deadline and hold length', () => {
  const original = {
    ...toEventInput(good),
    maxPerAttendee: 4,
    eventId: 'e',
    cancellationDeadline: null,
    holdSeconds: null,
    endDate: null,
    ticketTypes: [],
  } as unknown as Event;

  it('sends the deadline in the event’s zone as UTC and the hold in seconds', () => {
    expect(toEventInput({ ...good, cancellationDeadline: '2027-02-28T12:00', holdMinutes: '10' })).toMatchObject({
      cancellationDeadline: '2027-02-28T11:00:00Z',
      holdSeconds: 600,
    });
  });
  it('leaves both out of a new event when empty (the start; the instance default)', () => {
    const input = toEventInput(good);
    expect('cancellationDeadline' in input).toBe(false);
    expect('holdSeconds' in input).toBe(false);
  });
  it('reads them back for editing, in the event’s zone and in minutes', () => {
    const e = { ...original, cancellationDeadline: '2027-02-28T11:00:00Z', holdSeconds: 1800 } as Event;
    expect(formFromEvent(e)).toMatchObject({ cancellationDeadline: '2027-02-28T12:00', holdMinutes: '30' });
    expect(formFromEvent(original)).toMatchObject({ cancellationDeadline: '', holdMinutes: '' });
  });
  it('sends null when an edit clears them, and nothing when they did not change', () => {
    const e = { ...original, cancellationDeadline: '2027-02-28T11:00:00Z', holdSeconds: 1800 } as Event;
    expect(toEventUpdate({ ...formFromEvent(e), cancellationDeadline: '', holdMinutes: '' }, e)).toEqual({
      cancellationDeadline: null,
      holdSeconds: null,
    });
    expect(toEventUpdate(formFromEvent(e), e)).toEqual({});
    expect(toEventUpdate({ ...formFromEvent(e), holdMinutes: '1440' }, e)).toEqual({ holdSeconds: 86400 });
  });
  it('keeps the deadline no later than the start and the hold within 1 to 1440 minutes', () => {
    expect(validateEventForm({ ...good, cancellationDeadline: '2027-03-01T20:00' }, { now })).toEqual({});
    expect(validateEventForm({ ...good, cancellationDeadline: '2027-03-01T20:01' }, { now }).cancellationDeadline).toBe(
      'Choose a time no later than the start, or leave it empty.',
    );
    for (const bad of ['0', '1441', '-5', 'ten'])
      expect(validateEventForm({ ...good, holdMinutes: bad }, { now }).holdMinutes).toMatch(/1 to 1,440/);
    expect(validateEventForm({ ...good, holdMinutes: '1' }, { now }).holdMinutes).toBeUndefined();
  });
  it('refuses a price whose largest order exceeds the payment maximum', () => {
    // 4 per person × 250,000 EUR > 999,999.99 EUR, the most one payment may be; 4 × 249,999.99 fits.
    expect(validateEventForm({ ...good, price: '250000' }, { now }).price).toMatch(/most one payment may be/);
    expect(validateEventForm({ ...good, price: '249999.99' }, { now }).price).toBeUndefined();
    // Without a limit, the default (10, or the capacity when smaller) counts.
    expect(validateEventForm({ ...good, maxPerAttendee: '', price: '100000' }, { now }).price).toMatch(/^10 tickets/);
    expect(validateEventForm({ ...good, maxPerAttendee: '', capacity: '5', price: '199999.99' }, { now }).price).toBeUndefined();
  });
  it('puts the server’s errors on these fields, the hold in the form’s minutes', () => {
    expect(
      serverErrorsToForm({
        cancellationDeadline: "must not be after the event's date",
        holdSeconds: 'must be between 60 and 86400 seconds',
      }).fields,
    ).toEqual({
      cancellationDeadline: "The cancellation deadline must not be after the event's date.",
      holdMinutes: 'Hold seats for 1 to 1,440 minutes, or leave it empty for the default.',
    });
  });
});

describe('end date, drafts and ticket types', () => {
  const original = {
    ...toEventInput(good),
    maxPerAttendee: 4,
    eventId: 'e',
    cancellationDeadline: null,
    holdSeconds: null,
    endDate: null,
    ticketTypes: [{ ticketTypeId: 't1' }],
  } as unknown as Event;

  it('sends the end in the event’s zone as UTC, and leaves it out when empty', () => {
    expect(toEventInput({ ...good, endDate: '2027-03-01T23:00' }).endDate).toBe('2027-03-01T22:00:00Z');
    expect('endDate' in toEventInput(good)).toBe(false);
  });
  it('keeps the end after the start', () => {
    expect(validateEventForm({ ...good, endDate: '2027-03-01T20:00' }, { now }).endDate).toBe(
      'Choose a time after the start, or leave it empty.',
    );
    expect(validateEventForm({ ...good, endDate: '2027-03-01T20:01' }, { now }).endDate).toBeUndefined();
  });
  it('reads the end back for editing, and sends null when an edit clears it', () => {
    const e = { ...original, endDate: '2027-03-01T22:00:00Z' } as Event;
    expect(formFromEvent(e).endDate).toBe('2027-03-01T23:00');
    expect(toEventUpdate({ ...formFromEvent(e), endDate: '' }, e)).toEqual({ endDate: null });
    expect(toEventUpdate(formFromEvent(e), e)).toEqual({});
  });
  it('creates a draft only when asked', () => {
    expect(toEventInput(good, { draft: true }).status).toBe('draft');
    expect('status' in toEventInput(good)).toBe(false);
  });
  it('changes the event’s price while it has one type, never once it has several', () => {
    expect(toEventUpdate({ ...formFromEvent(original), price: '30' }, original)).toEqual({ price: 30 });
    const several = { ...original, ticketTypes: [{ ticketTypeId: 't1' }, { ticketTypeId: 't2' }] } as unknown as Event;
    expect(toEventUpdate({ ...formFromEvent(several), price: '30' }, several)).toEqual({});
  });
});

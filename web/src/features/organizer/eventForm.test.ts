import { describe, expect, it } from 'vitest';
import type { Event } from '../../api/types';
import { emptyForm, serverErrorsToForm, toEventInput, toEventUpdate, validateEventForm, type EventFormValues } from './eventForm';

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
    const original = { ...toEventInput(good), maxPerAttendee: 4, eventId: 'e' } as unknown as Event;
    expect(toEventUpdate({ ...good, capacity: '150' }, original)).toEqual({ capacity: 150 });
  });
  it('turns server field errors into sentences', () => {
    expect(serverErrorsToForm({ capacity: 'must be between 1 and 1000000', extra: 'is not a field of this request' })).toEqual({
      fields: { capacity: 'Capacity must be between 1 and 1000000.' },
      other: ['extra is not a field of this request.'],
    });
  });
});

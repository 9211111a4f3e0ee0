import { describe, expect, it } from 'vitest';
import { ticketType } from '../../test/fixtures';
import { formFromType, toTypeUpdate, typeServerErrors, validateTypeForm } from './ticketTypeForm';

const zone = 'Europe/Berlin';
const original = ticketType({
  ticketTypeId: 'early',
  name: 'Early bird',
  price: 19,
  capacity: 50,
  sold: 12,
  salesStart: '2030-05-01T08:00:00Z',
  salesEnd: '2030-06-01T08:00:00Z',
});

describe('ticket type form', () => {
  it('reads a type in the event’s zone and sends nothing when nothing changed', () => {
    const values = formFromType(original, zone);
    expect(values).toMatchObject({ salesStart: '2030-05-01T10:00', salesEnd: '2030-06-01T10:00', capacity: '50' });
    expect(toTypeUpdate(values, original, zone)).toEqual({});
  });
  it('sends cleared capacity and window as null', () => {
    const values = { ...formFromType(original, zone), capacity: '', salesStart: '', salesEnd: '' };
    expect(toTypeUpdate(values, original, zone)).toEqual({ capacity: null, salesStart: null, salesEnd: null });
  });
  it('keeps the capacity at or above what was sold', () => {
    const values = { ...formFromType(original, zone), capacity: '11' };
    expect(validateTypeForm(values, { currency: 'EUR', timezone: zone, sold: 12 }).capacity).toBe(
      'Cannot be less than the 12 already sold.',
    );
    expect(validateTypeForm({ ...values, capacity: '12' }, { currency: 'EUR', timezone: zone, sold: 12 })).toEqual({});
  });
  it('knows currencies without cents', () => {
    const values = { ...formFromType(original, zone), price: '1500.5' };
    expect(validateTypeForm(values, { currency: 'JPY', timezone: zone }).price).toMatch(/whole amount/);
  });
  it('puts the server’s errors beside the fields, others above', () => {
    expect(typeServerErrors({ maxPerOrder: 'must be at least minPerOrder', position: 'is out of range' })).toEqual({
      fields: { maxPerOrder: 'The maximum per order must be at least minPerOrder.' },
      other: ['position is out of range.'],
    });
  });
});

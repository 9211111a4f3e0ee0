import { describe, expect, it } from 'vitest';
import { ticketType } from '../../test/fixtures';
import { clampQuantity, initialQuantities, maxForType, orderItems, orderTotal, saleState, stepQuantity } from './ticketChoice';
import { withinLimits } from './useEventPage';

const now = Date.parse('2030-06-01T10:00:00Z');

describe('saleState', () => {
  it('holds the sales window at its edges: open from salesStart, closed from salesEnd', () => {
    expect(saleState(ticketType({ salesStart: '2030-06-01T10:00:00Z' }), now)).toBe('on-sale');
    expect(saleState(ticketType({ salesStart: '2030-06-01T10:00:01Z' }), now)).toBe('not-yet');
    expect(saleState(ticketType({ salesEnd: '2030-06-01T10:00:00Z' }), now)).toBe('ended');
    expect(saleState(ticketType({ salesEnd: '2030-06-01T10:00:01Z' }), now)).toBe('on-sale');
  });
  it('says sold out when nothing is available', () => {
    expect(saleState(ticketType({ available: 0 }), now)).toBe('sold-out');
  });
});

describe('quantities', () => {
  const pair = ticketType({ ticketTypeId: 'pair', minPerOrder: 2, maxPerOrder: 6, available: 5 });
  it('steps from 0 to the minimum and back to 0 below it', () => {
    expect(stepQuantity(pair, 0, 1, 5)).toBe(2);
    expect(stepQuantity(pair, 2, 1, 5)).toBe(3);
    expect(stepQuantity(pair, 2, -1, 5)).toBe(0);
    expect(stepQuantity(pair, 5, 1, 5)).toBe(5);
    expect(stepQuantity(pair, 0, 1, 1)).toBe(0);
  });
  it('clamps a typed number into the minimum and the maximum', () => {
    expect(clampQuantity(pair, 1, 5)).toBe(2);
    expect(clampQuantity(pair, 9, 5)).toBe(5);
    expect(clampQuantity(pair, Number.NaN, 5)).toBe(0);
  });
  it('limits a type by its per-order maximum, what is left of it, and the per-person seats the other types leave', () => {
    const t = ticketType({ ticketTypeId: 'a', maxPerOrder: 4, available: 10 });
    expect(maxForType(t, {}, 10)).toBe(4);
    expect(maxForType({ ...t, available: 2 }, {}, 10)).toBe(2);
    expect(maxForType(t, { a: 3, b: 5 }, 7)).toBe(2);
  });
  it('keeps chosen quantities within the limits, earlier types first', () => {
    const a = ticketType({ ticketTypeId: 'a' });
    const b = ticketType({ ticketTypeId: 'b', position: 1 });
    expect(withinLimits([a, b], { a: 3, b: 3 }, 4)).toEqual({ a: 3, b: 1 });
    expect(withinLimits([a, b], { a: 0, b: 2 }, 4)).toEqual({ b: 2 });
  });
  it('starts with one ticket only when a single type is on sale', () => {
    const a = ticketType({ ticketTypeId: 'a', minPerOrder: 2 });
    expect(initialQuantities([a], now)).toEqual({ a: 2 });
    expect(initialQuantities([a, ticketType({ ticketTypeId: 'b' })], now)).toEqual({});
    expect(initialQuantities([a, ticketType({ ticketTypeId: 'b', available: 0 })], now)).toEqual({ a: 2 });
  });
});

describe('the order', () => {
  it('sums in minor units and lists only chosen types, in display order', () => {
    const a = ticketType({ ticketTypeId: 'a', price: 0.1 });
    const b = ticketType({ ticketTypeId: 'b', price: 0.2 });
    expect(orderTotal([a, b], { a: 3, b: 1 }, 'EUR')).toBe(0.5);
    expect(orderTotal([a], { a: 3 }, 'EUR')).toBe(0.3);
    expect(orderTotal([ticketType({ ticketTypeId: 'c', price: 0.07 })], { c: 3 }, 'EUR')).toBe(0.21);
    expect(orderItems([a, b], { b: 2, a: 0 })).toEqual([{ ticketTypeId: 'b', quantity: 2 }]);
  });
});

import { describe, expect, it } from 'vitest';
import {
  emptyPromoForm,
  formFromCode,
  promoServerErrors,
  toPromoInput,
  validatePromoForm,
  type PromoFormValues,
} from './promoForm';
import type { PromoCode } from './types';

const form = (over: Partial<PromoFormValues> = {}): PromoFormValues => ({
  ...emptyPromoForm(),
  code: 'EARLY',
  percent: '20',
  ...over,
});
const opts = { currency: 'EUR', timezone: 'Europe/Berlin' };

describe('validatePromoForm', () => {
  it('takes a percentage above 0 and at most 100 with at most 2 decimals', () => {
    expect(validatePromoForm(form({ percent: '12.5' }), opts)).toEqual({});
    expect(validatePromoForm(form({ percent: '100' }), opts)).toEqual({});
    for (const bad of ['0', '100.01', '-5', '12.345', 'ten', ''])
      expect(validatePromoForm(form({ percent: bad }), opts).percent).toBeDefined();
  });

  it('takes an amount in the currency’s minor unit', () => {
    expect(validatePromoForm(form({ kind: 'amount', amount: '7.50' }), opts)).toEqual({});
    expect(validatePromoForm(form({ kind: 'amount', amount: '7.505' }), opts).amount).toBeDefined();
    expect(validatePromoForm(form({ kind: 'amount', amount: '500' }), { ...opts, currency: 'JPY' })).toEqual({});
    expect(validatePromoForm(form({ kind: 'amount', amount: '5.5' }), { ...opts, currency: 'JPY' }).amount).toMatch(/no cents/);
  });

  it('lets a code without a discount through only when it unlocks a hidden type', () => {
    expect(validatePromoForm(form({ kind: 'none' }), opts).unlocksTicketTypeIds).toBeDefined();
    expect(validatePromoForm(form({ kind: 'none', unlocksTicketTypeIds: ['vip'] }), opts)).toEqual({});
  });

  it('keeps the limits whole, the per-buyer one within the total, and the total not below the uses so far', () => {
    expect(validatePromoForm(form({ maxUses: '100', maxUsesPerBuyer: '2' }), opts)).toEqual({});
    expect(validatePromoForm(form({ maxUses: '1.5' }), opts).maxUses).toBeDefined();
    expect(validatePromoForm(form({ maxUses: '3', maxUsesPerBuyer: '4' }), opts).maxUsesPerBuyer).toBeDefined();
    expect(validatePromoForm(form({ maxUses: '10' }), { ...opts, uses: 12 }).maxUses).toMatch(/12 uses so far/);
  });

  it('wants a code without spaces, and a window that ends after it starts', () => {
    expect(validatePromoForm(form({ code: ' ' }), opts).code).toBeDefined();
    expect(validatePromoForm(form({ code: 'EARLY BIRD' }), opts).code).toBeDefined();
    expect(
      validatePromoForm(form({ validFrom: '2030-07-01T10:00', validUntil: '2030-07-01T09:00' }), opts).validUntil,
    ).toBeDefined();
  });
});

describe('toPromoInput', () => {
  it('sends only what is set, with the window taken in the event’s time zone', () => {
    expect(
      toPromoInput(
        form({ code: ' early ', ticketTypeIds: ['t1'], maxUses: '100', validUntil: '2030-06-30T23:00' }),
        'Europe/Berlin',
      ),
    ).toEqual({
      code: 'early',
      discountPercent: 20,
      ticketTypeIds: ['t1'],
      unlocksTicketTypeIds: [],
      maxUses: 100,
      validUntil: '2030-06-30T21:00:00Z',
    });
    expect(toPromoInput(form({ kind: 'none', ticketTypeIds: ['t1'], unlocksTicketTypeIds: ['vip'] }), 'UTC')).toEqual({
      code: 'EARLY',
      ticketTypeIds: [],
      unlocksTicketTypeIds: ['vip'],
    });
  });

  it('round-trips a saved code through the form', () => {
    const code: PromoCode = {
      promoCodeId: 'p1',
      eventId: 'e1',
      code: 'Friends',
      discountPercent: null,
      discountAmount: 5,
      ticketTypeIds: [],
      unlocksTicketTypeIds: ['vip'],
      maxUses: null,
      maxUsesPerBuyer: 1,
      validFrom: '2030-06-01T08:00:00Z',
      validUntil: null,
      uses: 3,
      createdAt: '2030-05-01T08:00:00Z',
    };
    expect(toPromoInput(formFromCode(code, 'Europe/Berlin'), 'Europe/Berlin')).toEqual({
      code: 'Friends',
      discountAmount: 5,
      ticketTypeIds: [],
      unlocksTicketTypeIds: ['vip'],
      maxUsesPerBuyer: 1,
      validFrom: '2030-06-01T08:00:00Z',
    });
  });
});

describe('promoServerErrors', () => {
  it('puts the server’s messages beside the fields the body named', () => {
    expect(
      promoServerErrors({ discountPercent: 'must be at most 100', 'unlocksTicketTypeIds[1]': 'is not a hidden type', x: 'odd' }),
    ).toEqual({
      fields: { percent: 'Must be at most 100.', unlocksTicketTypeIds: 'Is not a hidden type.' },
      other: ['x: odd.'],
    });
  });
});

import { describe, expect, it } from 'vitest';
import type { Question } from '../../api/types';
import { ticketType } from '../../test/fixtures';
import {
  answerError,
  emptyForm,
  holderSlots,
  isDate,
  isEmailAddress,
  isPhoneNumber,
  orderQuestions,
  orderServerErrors,
  resizeForm,
  toAnswers,
  toOrderRequest,
  validateOrder,
} from './orderForm';
import { orderPath, parseItems } from './orderLink';

const q = (over: Partial<Question>): Question => ({
  questionId: 'q',
  eventId: 'e1',
  label: 'Question',
  type: 'text',
  options: [],
  required: false,
  scope: 'ticket',
  ticketTypeIds: [],
  position: 0,
  ...over,
});

const vip = ticketType({ ticketTypeId: 'vip', name: 'VIP' });
const regular = ticketType({ ticketTypeId: 'regular', name: 'Regular' });
const diet = q({ questionId: 'diet', label: 'Diet', type: 'select', options: ['None', 'Vegan'], required: true, position: 1 });
const workshop = q({
  questionId: 'ws',
  label: 'Workshops',
  type: 'multiselect',
  options: ['A', 'B', 'C'],
  ticketTypeIds: ['vip'],
});
const company = q({ questionId: 'co', label: 'Company', scope: 'order', required: true });
const vipOnlyOrder = q({ questionId: 'lounge', label: 'Lounge', scope: 'order', type: 'checkbox', ticketTypeIds: ['vip'] });
const items = [
  { ticketTypeId: 'vip', quantity: 1 },
  { ticketTypeId: 'regular', quantity: 2 },
];

describe('the order’s tickets and questions', () => {
  it('lists one slot per ticket in the order of items, each with the per-ticket questions of its type, by position', () => {
    const slots = holderSlots([vip, regular], items, [diet, workshop, company]);
    expect(slots.map((s) => [s.typeName, s.questions.map((x) => x.questionId)])).toEqual([
      ['VIP', ['ws', 'diet']],
      ['Regular', ['diet']],
      ['Regular', ['diet']],
    ]);
  });
  it('asks a per-order question when any type of the order is asked it', () => {
    expect(orderQuestions(items, [company, vipOnlyOrder, diet]).map((x) => x.questionId)).toEqual(['co', 'lounge']);
    expect(orderQuestions([{ ticketTypeId: 'regular', quantity: 1 }], [company, vipOnlyOrder]).map((x) => x.questionId)).toEqual([
      'co',
    ]);
  });
  it('keeps what was typed for each ticket when the number of tickets changes', () => {
    const two = holderSlots([regular], [{ ticketTypeId: 'regular', quantity: 2 }], []);
    const form = emptyForm(two, 'Ada');
    form.holders[1]!.name = 'Bob';
    const three = holderSlots([regular], [{ ticketTypeId: 'regular', quantity: 3 }], []);
    expect(resizeForm(form, three, 'Ada').holders.map((h) => h.name)).toEqual(['Ada', 'Bob', '']);
  });
});

describe('answers are checked as the server checks them', () => {
  it('requires what is required, and a required checkbox must be ticked', () => {
    expect(answerError(diet, undefined)).toBe('Please answer this question.');
    expect(answerError(diet, '  ')).toBe('Please answer this question.');
    expect(answerError(q({ type: 'checkbox', required: true }), false)).toBe('Tick this box to continue.');
    expect(answerError(q({ type: 'checkbox', required: true }), true)).toBeNull();
    expect(answerError(q({ required: false }), '')).toBeNull();
  });
  it('takes only the options, numbers, addresses, phone numbers and dates, and text within its length', () => {
    expect(answerError(diet, 'Meat')).toBe('Choose one of the options.');
    expect(answerError(diet, 'Vegan')).toBeNull();
    expect(answerError(workshop, ['A', 'D'])).toBe('Choose only from the options.');
    expect(answerError(q({ type: 'number' }), '12.5')).toBeNull();
    expect(answerError(q({ type: 'number' }), '1e16')).toBe('Enter a number.');
    expect(answerError(q({ type: 'email' }), 'not-an-address')).not.toBeNull();
    expect(answerError(q({ type: 'text' }), 'x'.repeat(500))).toBeNull();
    expect(answerError(q({ type: 'text' }), 'x'.repeat(501))).toBe('Use at most 500 characters.');
    expect(answerError(q({ type: 'multiline' }), 'x'.repeat(5001))).not.toBeNull();
    expect(isEmailAddress('Ada@Example.org')).toBe(true);
    expect(isEmailAddress('ada@example')).toBe(false);
    expect(isEmailAddress('a b@example.org')).toBe(false);
    expect(isPhoneNumber('+44 (0)20 7946-0958')).toBe(true);
    expect(isPhoneNumber('1234')).toBe(false);
    expect(isPhoneNumber('12+345678')).toBe(false);
    expect(isDate('2027-02-29')).toBe(false);
    expect(isDate('2028-02-29')).toBe(true);
  });
  it('sends numbers as numbers, choices in the options’ order, and leaves out what was not answered', () => {
    const number = q({ questionId: 'n', type: 'number' });
    const box = q({ questionId: 'b', type: 'checkbox' });
    expect(toAnswers([number, workshop, box, diet], { n: ' 12.5 ', ws: ['C', 'A'], b: false, diet: '' })).toEqual({
      n: 12.5,
      ws: ['A', 'C'],
    });
  });
});

describe('the order as sent', () => {
  const slots = holderSlots([vip, regular], items, [diet, workshop]);
  const perOrder = orderQuestions(items, [company]);

  it('names each field in error by the path the server uses', () => {
    const form = emptyForm(slots, 'Ada');
    form.holders[1]!.email = 'bob@';
    const errors = validateOrder(form, slots, perOrder, { guest: true });
    expect(Object.keys(errors).sort()).toEqual(
      [
        'buyer.name',
        'buyer.email',
        'attendees[0].answers.diet',
        'attendees[1].name',
        'attendees[1].email',
        'attendees[1].answers.diet',
        'attendees[2].name',
        'attendees[2].answers.diet',
        'answers.co',
      ].sort(),
    );
    expect(validateOrder(form, slots, perOrder, { guest: false })['buyer.email']).toBeUndefined();
  });

  it('sends one attendee per ticket with their answers, the order’s answers and, for a guest, the buyer', () => {
    const form = emptyForm(slots, '');
    form.buyer = { name: ' Grace ', email: 'grace@example.org' };
    form.holders = [
      { name: ' Ada ', email: 'ada@example.org', answers: { diet: 'Vegan', ws: ['B'] } },
      { name: 'Bob', email: '', answers: { diet: 'None' } },
      { name: 'Cyd', email: ' ', answers: { diet: 'None' } },
    ];
    form.answers = { co: 'ACME' };
    expect(validateOrder(form, slots, perOrder, { guest: true })).toEqual({});
    expect(toOrderRequest('e1', items, form, slots, perOrder, { guest: true })).toEqual({
      eventId: 'e1',
      items,
      attendees: [
        { name: 'Ada', email: 'ada@example.org', answers: { diet: 'Vegan', ws: ['B'] } },
        { name: 'Bob', answers: { diet: 'None' } },
        { name: 'Cyd', answers: { diet: 'None' } },
      ],
      answers: { co: 'ACME' },
      buyer: { name: 'Grace', email: 'grace@example.org' },
    });
    expect(toOrderRequest('e1', items, form, slots, perOrder, { guest: false }).buyer).toBeUndefined();
  });

  it('puts the server’s field errors beside the fields, and the rest in sentences', () => {
    const { fields, other } = orderServerErrors({
      'attendees[1].answers.diet': "must be one of the question's options",
      'answers.co': 'is required ("Company")',
      'items[0].quantity': 'must be between 2 and 4',
      'buyer.email': 'must be a valid email address',
      attendees: 'must have one entry per ticket',
    });
    expect(fields).toEqual({
      'attendees[1].answers.diet': "The answer must be one of the question's options.",
      'answers.co': 'The answer is required ("Company").',
      'items[0].quantity': 'The number of tickets must be between 2 and 4.',
      'buyer.email': 'The email address must be a valid email address.',
    });
    expect(other).toEqual(['attendees: must have one entry per ticket.']);
  });
});

describe('the checkout address', () => {
  it('carries the chosen quantities and reads them back', () => {
    const path = orderPath('e 1', items);
    expect(path).toBe(`/events/e%201/order?items=${encodeURIComponent('vip:1,regular:2')}`);
    expect(parseItems(new URL(path, 'http://x').searchParams.get('items'))).toEqual({ vip: 1, regular: 2 });
    expect(parseItems('a:0,b:x,:3,c:2')).toEqual({ c: 2 });
  });
});

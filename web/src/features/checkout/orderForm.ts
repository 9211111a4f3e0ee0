import type { Answers, AnswerValue, OrderItem, OrderRequest, Question, TicketType } from '../../api/types';

/// An answer as the form holds it: typed text (numbers and dates too), the options ticked of a
/// multiselect, or a consent checkbox.
export type AnswerDraft = string | string[] | boolean;
export type AnswerDrafts = Record<string, AnswerDraft>;

export interface HolderValues {
  name: string;
  email: string;
  answers: AnswerDrafts;
}

/// The checkout form: who pays (a guest only), who each ticket is for, and the order's answers.
export interface OrderFormValues {
  buyer: { name: string; email: string };
  holders: HolderValues[];
  answers: AnswerDrafts;
}

/// Messages keyed by the field's path as the server names it: `attendees[1].name`,
/// `attendees[0].answers.<questionId>`, `answers.<questionId>`, `buyer.email`, `items[0].quantity`.
export type OrderErrors = Record<string, string>;

/// One ticket of the order, with the per-ticket questions asked of its type.
export interface HolderSlot {
  ticketTypeId: string;
  typeName: string;
  questions: Question[];
}

export const byPosition = (questions: readonly Question[]) =>
  [...questions].sort(
    (a, b) => a.position - b.position || (a.questionId < b.questionId ? -1 : a.questionId > b.questionId ? 1 : 0),
  );

/// Whether a question is asked of a ticket type (an empty list: of every type).
export const asksType = (q: Question, ticketTypeId: string) =>
  q.ticketTypeIds.length === 0 || q.ticketTypeIds.includes(ticketTypeId);

/// The order's tickets in the order the server reads `attendees`: the items in turn, each item's
/// tickets one after another.
export function holderSlots(
  types: readonly TicketType[],
  items: readonly OrderItem[],
  questions: readonly Question[],
): HolderSlot[] {
  const perTicket = byPosition(questions.filter((q) => q.scope === 'ticket'));
  const slots: HolderSlot[] = [];
  for (const item of items) {
    const typeName = types.find((t) => t.ticketTypeId === item.ticketTypeId)?.name ?? 'Ticket';
    const asked = perTicket.filter((q) => asksType(q, item.ticketTypeId));
    for (let i = 0; i < item.quantity; i++) slots.push({ ticketTypeId: item.ticketTypeId, typeName, questions: asked });
  }
  return slots;
}

/// The per-order questions this order is asked: those asked of any of its types.
export function orderQuestions(items: readonly OrderItem[], questions: readonly Question[]): Question[] {
  return byPosition(questions.filter((q) => q.scope === 'order' && items.some((item) => asksType(q, item.ticketTypeId))));
}

export function emptyForm(slots: readonly HolderSlot[], firstHolderName = ''): OrderFormValues {
  return {
    buyer: { name: '', email: '' },
    holders: slots.map((_, i) => ({ name: i === 0 ? firstHolderName : '', email: '', answers: {} })),
    answers: {},
  };
}

/// The same form for other tickets: what was typed for a ticket stays with the ticket at the same
/// place, so changing nothing keeps everything.
export function resizeForm(values: OrderFormValues, slots: readonly HolderSlot[], firstHolderName = ''): OrderFormValues {
  if (values.holders.length === slots.length) return values;
  const fresh = emptyForm(slots, firstHolderName);
  return { ...values, holders: fresh.holders.map((h, i) => values.holders[i] ?? h) };
}

const kMaxText = 500;
const kMaxMultiline = 5000;
const kMaxName = 200;
const kMaxNumber = 1e15;

/// Characters as the server counts them (code points, not UTF-16 units).
const length = (s: string) => [...s].length;

/// The server's test of an address: one @, something before it, a dot inside the domain, no spaces
/// or list separators.
export function isEmailAddress(s: string): boolean {
  const v = s.trim();
  if (v.length < 3 || v.length > 254) return false;
  const at = v.indexOf('@');
  if (at <= 0 || at !== v.lastIndexOf('@') || at + 1 >= v.length) return false;
  const domain = v.slice(at + 1);
  if (!domain.includes('.') || domain.startsWith('.') || domain.endsWith('.')) return false;
  // eslint-disable-next-line no-control-regex
  return !/[\u0000-\u0020<>,;]/.test(v);
}

/// 5 to 15 digits, a leading +, and spaces, dashes, dots or parentheses between.
export function isPhoneNumber(s: string): boolean {
  if (!/^\+?[0-9 ().-]*$/.test(s)) return false;
  const digits = s.replace(/\D/g, '').length;
  return digits >= 5 && digits <= 15;
}

/// A calendar date written YYYY-MM-DD.
export function isDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/// Whether an answer was given at all (an unticked box and an empty text are not).
export function isAnswered(draft: AnswerDraft | undefined): boolean {
  if (draft === undefined) return false;
  if (typeof draft === 'boolean') return draft;
  if (Array.isArray(draft)) return draft.length > 0;
  return draft.trim() !== '';
}

/// Why an answer breaks the question's rules (the server's, checked first here), or null.
export function answerError(q: Question, draft: AnswerDraft | undefined): string | null {
  if (!isAnswered(draft)) {
    if (!q.required) return null;
    return q.type === 'checkbox' ? 'Tick this box to continue.' : 'Please answer this question.';
  }
  if (q.type === 'checkbox') return null;
  if (q.type === 'multiselect') {
    const chosen = draft as string[];
    return chosen.every((c) => q.options.includes(c)) ? null : 'Choose only from the options.';
  }
  const text = (draft as string).trim();
  switch (q.type) {
    case 'number': {
      const n = Number(text);
      return Number.isFinite(n) && Math.abs(n) <= kMaxNumber ? null : 'Enter a number.';
    }
    case 'email':
      return isEmailAddress(text) ? null : 'Enter an email address, like name@example.org.';
    case 'phone':
      return isPhoneNumber(text) ? null : 'Enter a phone number: 5 to 15 digits, optionally starting with +.';
    case 'date':
      return isDate(text) ? null : 'Enter a date.';
    case 'select':
      return q.options.includes(text) ? null : 'Choose one of the options.';
    case 'multiline':
      return length(text) > kMaxMultiline ? `Use at most ${kMaxMultiline.toLocaleString('en')} characters.` : null;
    default:
      return length(text) > kMaxText ? `Use at most ${kMaxText} characters.` : null;
  }
}

/// The answers as the API takes them: numbers as numbers, text trimmed, unanswered questions left out.
export function toAnswers(questions: readonly Question[], drafts: AnswerDrafts): Answers {
  const out: Answers = {};
  for (const q of questions) {
    const draft = drafts[q.questionId];
    if (!isAnswered(draft)) continue;
    let value: AnswerValue;
    if (q.type === 'checkbox') value = true;
    else if (q.type === 'multiselect') value = q.options.filter((o) => (draft as string[]).includes(o));
    else if (q.type === 'number') value = Number((draft as string).trim());
    else value = (draft as string).trim();
    out[q.questionId] = value;
  }
  return out;
}

function nameError(name: string): string | null {
  const v = name.trim();
  if (!v) return 'Enter a name.';
  return length(v) > kMaxName ? `Use at most ${kMaxName} characters.` : null;
}

/// The checks the server makes, made first so each message shows beside its field before anything
/// is sent. The server still decides.
export function validateOrder(
  values: OrderFormValues,
  slots: readonly HolderSlot[],
  perOrder: readonly Question[],
  { guest }: { guest: boolean },
): OrderErrors {
  const errors: OrderErrors = {};
  const put = (field: string, message: string | null) => {
    if (message) errors[field] = message;
  };
  if (guest) {
    put('buyer.name', nameError(values.buyer.name));
    put('buyer.email', isEmailAddress(values.buyer.email) ? null : 'Enter your email address: your tickets are sent there.');
  }
  slots.forEach((slot, i) => {
    const h = values.holders[i] ?? { name: '', email: '', answers: {} };
    put(`attendees[${i}].name`, nameError(h.name));
    if (h.email.trim())
      put(`attendees[${i}].email`, isEmailAddress(h.email) ? null : 'Enter an email address, or leave it empty.');
    for (const q of slot.questions) put(`attendees[${i}].answers.${q.questionId}`, answerError(q, h.answers[q.questionId]));
  });
  for (const q of perOrder) put(`answers.${q.questionId}`, answerError(q, values.answers[q.questionId]));
  return errors;
}

/// The order as POST /api/registrations takes it: one attendee per ticket, in the order of `items`.
export function toOrderRequest(
  eventId: string,
  items: OrderItem[],
  values: OrderFormValues,
  slots: readonly HolderSlot[],
  perOrder: readonly Question[],
  { guest }: { guest: boolean },
): OrderRequest {
  const body: OrderRequest = {
    eventId,
    items,
    attendees: slots.map((slot, i) => {
      const h = values.holders[i]!;
      const answers = toAnswers(slot.questions, h.answers);
      return {
        name: h.name.trim(),
        ...(h.email.trim() ? { email: h.email.trim() } : {}),
        ...(Object.keys(answers).length ? { answers } : {}),
      };
    }),
  };
  const answers = toAnswers(perOrder, values.answers);
  if (Object.keys(answers).length) body.answers = answers;
  if (guest) body.buyer = { name: values.buyer.name.trim(), email: values.buyer.email.trim() };
  return body;
}

const kFieldRe =
  /^(?:attendees\[\d+\]\.(?:name|email|answers\..+)|answers\..+|buyer\.(?:name|email)|items\[\d+\]\.(?:quantity|ticketTypeId))$/;

/// What the field is, to start the server's message with.
function subject(field: string): string {
  if (/\.answers\.|^answers\./.test(field)) return 'The answer';
  if (field.endsWith('.name')) return 'The name';
  if (field.endsWith('.email')) return 'The email address';
  if (field.endsWith('.quantity')) return 'The number of tickets';
  return 'This';
}

/// The server's field errors beside the fields the form shows (by their paths); those of fields
/// it does not show (`attendees` when the count is off, anything unforeseen) as sentences.
export function orderServerErrors(fieldErrors: Record<string, string>): { fields: OrderErrors; other: string[] } {
  const fields: OrderErrors = {};
  const other: string[] = [];
  for (const [field, message] of Object.entries(fieldErrors)) {
    const sentence = `${subject(field)} ${message}`.replace(/\.?$/, '.');
    if (kFieldRe.test(field)) fields[field] = sentence;
    else other.push(`${field}: ${message}`.replace(/\.?$/, '.'));
  }
  return { fields, other };
}

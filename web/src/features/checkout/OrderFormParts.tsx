import { Link, useLocation } from 'react-router';
import type { Event, OrderItem, Question, TicketType } from '../../api/types';
import { Field } from '../../components/Field';
import { formatMoney, formatPrice } from '../../lib/format';
import { orderTotal } from '../events/ticketChoice';
import { orderDiscount } from '../promo/discount';
import { TotalLines } from '../promo/TotalLines';
import type { EventPromo } from '../promo/types';
import type { AnswerDraft, HolderSlot, HolderValues, OrderErrors, OrderFormValues } from './orderForm';
import { QuestionField, RequiredMark } from './QuestionField';

/// Who pays: the signed-in person; or, for a visitor, a choice between logging in and going on
/// as a guest, who then gives a name and the address the tickets go to.
export function BuyerSection({
  session,
  guest,
  onGuest,
  buyer,
  errors,
  onChange,
}: {
  session: { user: { name: string; email: string } } | null;
  guest: boolean;
  onGuest: () => void;
  buyer: OrderFormValues['buyer'];
  errors: OrderErrors;
  onChange: (key: 'name' | 'email', value: string) => void;
}) {
  const location = useLocation();
  const next = encodeURIComponent(`${location.pathname}${location.search}`);
  if (session) {
    return (
      <p className="muted">
        Ordering as <strong>{session.user.name}</strong> ({session.user.email}).
      </p>
    );
  }
  if (!guest) {
    return (
      <div className="stack">
        <p>
          Log in to keep your tickets in your account, or order without one: we email you the tickets and a link to your order.
        </p>
        <div className="row">
          <Link className="btn btn-primary" to={`/login?next=${next}`}>
            Log in
          </Link>
          <button type="button" className="btn" onClick={onGuest}>
            Continue without an account
          </button>
        </div>
      </div>
    );
  }
  return (
    <fieldset className="stack order-fieldset">
      <legend>Your details</legend>
      <div className="grid-2">
        <Field
          label={
            <>
              Your name
              <RequiredMark required />
            </>
          }
          error={errors['buyer.name']}
        >
          <input
            value={buyer.name}
            onChange={(e) => onChange('name', e.target.value)}
            autoComplete="name"
            maxLength={200}
            aria-required
          />
        </Field>
        <Field
          label={
            <>
              Your email
              <RequiredMark required />
            </>
          }
          error={errors['buyer.email']}
          hint="Your tickets and the link to your order are sent here."
        >
          <input
            type="email"
            value={buyer.email}
            onChange={(e) => onChange('email', e.target.value)}
            autoComplete="email"
            maxLength={254}
            aria-required
          />
        </Field>
      </div>
      <p className="small muted">
        Have an account? <Link to={`/login?next=${next}`}>Log in instead</Link>.
      </p>
    </fieldset>
  );
}

/// Who one ticket is for, and the per-ticket questions asked of its type.
export function HolderFieldset({
  slot,
  index,
  count,
  holder,
  errors,
  onChange,
  onAnswer,
}: {
  slot: HolderSlot;
  index: number;
  count: number;
  holder: HolderValues;
  errors: OrderErrors;
  onChange: (key: 'name' | 'email', value: string) => void;
  onAnswer: (questionId: string, value: AnswerDraft) => void;
}) {
  const path = `attendees[${index}]`;
  return (
    <fieldset className="stack order-fieldset">
      <legend>
        Ticket {index + 1} of {count} · {slot.typeName}
      </legend>
      <div className="grid-2">
        <Field
          label={
            <>
              Name on the ticket
              <RequiredMark required />
            </>
          }
          error={errors[`${path}.name`]}
        >
          <input value={holder.name} onChange={(e) => onChange('name', e.target.value)} maxLength={200} aria-required />
        </Field>
        <Field label="Email of the ticket holder" error={errors[`${path}.email`]} hint="Optional.">
          <input
            type="email"
            value={holder.email}
            onChange={(e) => onChange('email', e.target.value)}
            autoComplete="off"
            maxLength={254}
          />
        </Field>
      </div>
      {slot.questions.map((q) => (
        <QuestionField
          key={q.questionId}
          question={q}
          value={holder.answers[q.questionId]}
          error={errors[`${path}.answers.${q.questionId}`]}
          onChange={(v) => onAnswer(q.questionId, v)}
        />
      ))}
    </fieldset>
  );
}

/// The questions asked once for the whole order.
export function OrderQuestions({
  questions,
  answers,
  errors,
  onAnswer,
}: {
  questions: Question[];
  answers: OrderFormValues['answers'];
  errors: OrderErrors;
  onAnswer: (questionId: string, value: AnswerDraft) => void;
}) {
  if (questions.length === 0) return null;
  return (
    <fieldset className="stack order-fieldset">
      <legend>About your order</legend>
      {questions.map((q) => (
        <QuestionField
          key={q.questionId}
          question={q}
          value={answers[q.questionId]}
          error={errors[`answers.${q.questionId}`]}
          onChange={(v) => onAnswer(q.questionId, v)}
        />
      ))}
    </fieldset>
  );
}

/// The tickets being ordered, each type's line with the server's word on its quantity, and the total.
export function ChoiceSummary({
  event: e,
  types,
  items,
  quantities,
  total,
  errors,
  promo,
  code,
}: {
  event: Event;
  types: TicketType[];
  items: OrderItem[];
  quantities: Record<string, number>;
  total: number;
  errors: OrderErrors;
  /// The applied code: the total shows what it takes off (the server prices the order by the same
  /// rule, and the payment page shows its figures before anything is paid).
  promo?: EventPromo | null;
  /// The applied promo code, kept when going back to change the tickets.
  code?: string | null;
}) {
  return (
    <aside className="card card-pad" aria-labelledby="choice-title">
      <h2 id="choice-title" className="card-title">
        Your order
      </h2>
      <p className="small muted">{e.name}</p>
      {items.map((item, i) => {
        const t = types.find((x) => x.ticketTypeId === item.ticketTypeId)!;
        const error = errors[`items[${i}].quantity`] ?? errors[`items[${i}].ticketTypeId`];
        return (
          <div key={item.ticketTypeId}>
            <div className="summary-line">
              <span>
                {item.quantity} × {t.name} ({formatPrice(t.price, e.currency)})
              </span>
              <span>{formatMoney(orderTotal([t], quantities, e.currency), e.currency)}</span>
            </div>
            {error && (
              <p className="small error-text" role="alert">
                {error}
              </p>
            )}
          </div>
        );
      })}
      <TotalLines
        total={total}
        discount={orderDiscount(types, quantities, promo, e.currency)}
        code={promo?.code}
        currency={e.currency}
      />
      <p className="small mt-8 mb-0">
        <Link to={`/events/${e.eventId}${code ? `?code=${encodeURIComponent(code)}` : ''}`}>Change tickets</Link>
      </p>
    </aside>
  );
}

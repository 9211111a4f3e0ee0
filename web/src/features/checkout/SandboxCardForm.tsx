import { useRef, useState, type ChangeEvent, type FormEvent, type ReactNode, type Ref } from 'react';
import type { Registration } from '../../api/types';
import { Field } from '../../components/Field';
import { formatMoney } from '../../lib/format';
import { formatCardNumber, formatExpiry, kTestCards, validateCard, type CardForm } from './card';
import type { Phase } from './useCheckout';

interface Props {
  registration: Registration;
  phase: Phase;
  /// Shown between the test cards and the form (the outcome of the last attempt).
  alerts: ReactNode;
  /// Called with the card number's digits once the form is valid.
  onPay: (cardNumber: string) => void;
  /// The buyer picked another card.
  onEditCard: () => void;
}

/// The sandbox's card form, with its test cards one click away.
export function SandboxCardForm({ registration: r, phase, alerts, onPay, onEditCard }: Props) {
  const [card, setCard] = useState<CardForm>({ number: '', expiry: '', cvc: '', name: '' });
  const [errors, setErrors] = useState<Partial<Record<keyof CardForm, string>>>({});
  const numberRef = useRef<HTMLInputElement>(null);
  const busy = phase.kind === 'submitting' || phase.kind === 'confirming';

  const set = (key: keyof CardForm) => (ev: ChangeEvent<HTMLInputElement>) => {
    let value = ev.target.value;
    if (key === 'number') value = formatCardNumber(value);
    if (key === 'expiry') value = formatExpiry(value);
    if (key === 'cvc') value = value.replace(/\D/g, '').slice(0, 4);
    setCard((c) => ({ ...c, [key]: value }));
    if (errors[key]) setErrors((er) => ({ ...er, [key]: undefined }));
  };

  const fillTestCard = (number: string) => {
    setCard({ number: formatCardNumber(number), expiry: '12 / 34', cvc: '123', name: card.name || 'Test Buyer' });
    setErrors({});
    onEditCard();
    numberRef.current?.focus();
  };

  const pay = (ev: FormEvent) => {
    ev.preventDefault();
    const errs = validateCard(card);
    setErrors(errs);
    if (Object.keys(errs).length) return;
    onPay(card.number.replace(/\s/g, ''));
  };

  // The card form's numeric inputs differ only in field, autofill hint and placeholder.
  const digits = (key: 'number' | 'expiry' | 'cvc', autoComplete: string, placeholder: string, ref?: Ref<HTMLInputElement>) => (
    <input
      ref={ref}
      inputMode="numeric"
      autoComplete={autoComplete}
      placeholder={placeholder}
      value={card[key]}
      onChange={set(key)}
      disabled={busy}
    />
  );

  return (
    <>
      <div className="test-cards">
        <h3>Test mode — no real money moves. Use one of these cards:</h3>
        <ul>
          {kTestCards.map((c) => (
            <li key={c.number}>
              <span>
                <code>{formatCardNumber(c.number)}</code> · {c.outcome}
              </span>
              <button type="button" className="btn btn-sm" onClick={() => fillTestCard(c.number)} disabled={busy}>
                Use this card
              </button>
            </li>
          ))}
        </ul>
        <p className="small muted mt-8 mb-0">Any future expiry date and any 3-digit security code work.</p>
      </div>

      {alerts}

      <form onSubmit={pay} noValidate className="stack mt-16">
        <Field label="Card number" error={errors.number}>
          {digits('number', 'cc-number', '1234 1234 1234 1234', numberRef)}
        </Field>
        <div className="grid-2">
          <Field label="Expiry (MM / YY)" error={errors.expiry}>
            {digits('expiry', 'cc-exp', 'MM / YY')}
          </Field>
          <Field label="Security code" error={errors.cvc}>
            {digits('cvc', 'cc-csc', 'CVC')}
          </Field>
        </div>
        <Field label="Name on card" error={errors.name}>
          <input autoComplete="cc-name" value={card.name} onChange={set('name')} disabled={busy} />
        </Field>
        <button type="submit" className="btn btn-primary btn-lg btn-block" disabled={busy || phase.kind === 'unavailable'}>
          {busy && <span className="spinner" aria-hidden="true" />}
          {phase.kind === 'confirming'
            ? 'Confirming payment…'
            : phase.kind === 'submitting'
              ? 'Processing…'
              : `Pay ${formatMoney(r.amount, r.currency)}`}
        </button>
      </form>
    </>
  );
}

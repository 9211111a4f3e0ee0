import { useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useRef, useState, type ChangeEvent, type FormEvent, type ReactNode, type Ref } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { api, ApiError } from '../../api';
import type { PaymentIntent, Registration } from '../../api/types';
import { DateBadge } from '../../components/EventBits';
import { Field } from '../../components/Field';
import { Icon } from '../../components/Icon';
import { Alert, errorMessage, ErrorState, Loading } from '../../components/States';
import { newIdempotencyKey } from '../../lib/download';
import { formatEventDate, formatMoney, pluralize } from '../../lib/format';
import { useTitle } from '../../lib/useTitle';
import { formatCardNumber, formatExpiry, interpretConfirm, kTestCards, validateCard, type CardForm } from './card';
import type { StripeOutcome } from './StripePayment';

// Stripe.js and the Payment Element only load when the server takes payments through Stripe.
const StripePayment = lazy(() => import('./StripePayment'));

type Phase =
  | { kind: 'form' }
  | { kind: 'submitting' }
  | { kind: 'confirming'; since: number }
  | { kind: 'declined'; message: string }
  | { kind: 'unavailable'; message: string }
  | { kind: 'error'; message: string };

function useCountdown(until: string | null | undefined): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!until) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [until]);
  return until ? Math.max(0, Date.parse(until) - now) : null;
}

function mmss(ms: number): string {
  const s = Math.ceil(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export default function CheckoutPage() {
  const { registrationId = '' } = useParams();
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  // Back from a payment method that redirects (3-D Secure, bank pages): Stripe says how it went.
  const redirectStatus = params.get('redirect_status');
  const [phase, setPhase] = useState<Phase>(() =>
    redirectStatus === 'succeeded' || redirectStatus === 'processing'
      ? { kind: 'confirming', since: Date.now() }
      : redirectStatus === 'failed'
        ? { kind: 'declined', message: 'The payment was not completed.' }
        : { kind: 'form' },
  );
  // Which provider takes the card; an older server without this route is the sandbox.
  const setup = useQuery({ queryKey: ['checkoutSetup'], queryFn: api.checkoutSetup, staleTime: 300_000, retry: 1 });
  const provider = setup.isError ? 'sandbox' : setup.data?.provider;
  const polling = phase.kind === 'confirming';
  const registration = useQuery({
    queryKey: ['registration', registrationId],
    queryFn: () => api.registration(registrationId),
    refetchInterval: (q) => (polling && q.state.data?.status === 'pending_payment' ? 1000 : false),
  });
  const reg = registration.data;
  const event = useQuery({ queryKey: ['event', reg?.eventId], queryFn: () => api.event(reg!.eventId), enabled: !!reg });
  const left = useCountdown(reg?.status === 'pending_payment' ? reg.holdExpiresAt : null);
  const [card, setCard] = useState<CardForm>({ number: '', expiry: '', cvc: '', name: '' });
  const [errors, setErrors] = useState<Partial<Record<keyof CardForm, string>>>({});
  const intent = useRef<PaymentIntent | null>(null);
  const intentKey = useRef(newIdempotencyKey());
  const numberRef = useRef<HTMLInputElement>(null);
  useTitle('Checkout');

  // The hold ran out: ask the server what became of the registration.
  useEffect(() => {
    if (left === 0) registration.refetch();
  }, [left, registration]);

  // A payment that goes through shows up as the registration turning confirmed.
  useEffect(() => {
    if (!reg) return;
    if (reg.status === 'confirmed') {
      queryClient.invalidateQueries({ queryKey: ['registrations'] });
      queryClient.invalidateQueries({ queryKey: ['event', reg.eventId] });
    }
    if (polling && reg.status !== 'pending_payment') setPhase({ kind: 'form' });
  }, [reg, polling, queryClient]);

  useEffect(() => {
    if (phase.kind !== 'confirming') return;
    const t = setTimeout(
      () => setPhase({ kind: 'error', message: 'The payment is taking longer than usual. Check “My tickets” in a minute.' }),
      30_000,
    );
    return () => clearTimeout(t);
  }, [phase]);

  if (registration.isPending) return <Loading label="Loading your order…" />;
  if (registration.isError) {
    return (
      <div className="container">
        <ErrorState error={registration.error} retry={() => registration.refetch()} title="We could not load this order" />
      </div>
    );
  }

  const r = registration.data as Registration;
  const e = event.data;
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
    if (phase.kind === 'declined') setPhase({ kind: 'form' });
    numberRef.current?.focus();
  };

  const pay = async (ev: FormEvent) => {
    ev.preventDefault();
    const errs = validateCard(card);
    setErrors(errs);
    if (Object.keys(errs).length) return;
    setPhase({ kind: 'submitting' });
    try {
      if (!intent.current) {
        try {
          intent.current = await api.createPaymentIntent(r.registrationId, intentKey.current);
        } catch (err) {
          if (
            err instanceof ApiError &&
            (err.status === 404 || err.status === 405) &&
            !err.message.toLowerCase().includes('registration')
          ) {
            setPhase({
              kind: 'unavailable',
              message: 'Online payment is not available on this server yet. Your seats stay held until the hold expires.',
            });
            return;
          }
          throw err;
        }
      }
      if (intent.current.provider !== 'sandbox') {
        setPhase({
          kind: 'unavailable',
          message:
            'This server takes payments through Stripe, and its card form is not set up for this site yet. Please contact the organizer.',
        });
        return;
      }
      const number = card.number.replace(/\s/g, '');
      let result;
      try {
        result = interpretConfirm({ body: await api.confirmSandboxPayment(intent.current.paymentIntentId, number) });
      } catch (err) {
        if (err instanceof ApiError && err.status === 409 && err.kind === 'conflict') {
          // The intent is spent (an earlier decline ended it): start a fresh one for this card.
          intentKey.current = newIdempotencyKey();
          intent.current = await api.createPaymentIntent(r.registrationId, intentKey.current);
          try {
            result = interpretConfirm({ body: await api.confirmSandboxPayment(intent.current.paymentIntentId, number) });
          } catch (again) {
            result = interpretConfirm({ error: again });
          }
        } else {
          result = interpretConfirm({ error: err });
        }
      }
      if (result.outcome === 'declined') {
        setPhase({ kind: 'declined', message: result.message });
        registration.refetch();
        return;
      }
      setPhase({ kind: 'confirming', since: Date.now() });
      registration.refetch();
    } catch (err) {
      setPhase({ kind: 'error', message: errorMessage(err) });
    }
  };

  const summary = (
    <aside className="card card-pad" aria-labelledby="order-title">
      <h2 id="order-title" style={{ fontSize: '1.05rem' }}>
        Your order
      </h2>
      {e ? (
        <div className="row" style={{ alignItems: 'flex-start', flexWrap: 'nowrap', marginBottom: 14 }}>
          <DateBadge iso={e.date} timeZone={e.timezone} />
          <div>
            <strong>{e.name}</strong>
            <div className="small muted">{formatEventDate(e.date, e.timezone)}</div>
            <div className="small muted">{e.location}</div>
          </div>
        </div>
      ) : (
        <div className="skeleton" style={{ height: 56, marginBottom: 14 }} />
      )}
      <div className="summary-line">
        <span>{pluralize(r.quantity, 'ticket', 'tickets')}</span>
        <span>{e ? formatMoney(e.price, r.currency) + ' each' : ''}</span>
      </div>
      <div className="summary-line total">
        <span>Total</span>
        <span>{formatMoney(r.amount, r.currency)}</span>
      </div>
    </aside>
  );

  if (r.status === 'confirmed') {
    return (
      <div className="container" style={{ maxWidth: 640 }}>
        <div className="card card-pad" style={{ textAlign: 'center' }} role="status">
          <div className="success-mark">
            <Icon name="check" size={38} />
          </div>
          <h1>You’re going!</h1>
          <p className="muted">
            {r.amount > 0 ? `Payment of ${formatMoney(r.amount, r.currency)} received. ` : ''}
            {pluralize(r.tickets.length || r.quantity, 'ticket is', 'tickets are')} ready{e ? ` for ${e.name}` : ''}.
          </p>
          <Link to={`/tickets?registration=${r.registrationId}`} className="btn btn-primary btn-lg">
            <Icon name="ticket" /> View my tickets
          </Link>
        </div>
      </div>
    );
  }

  if (r.status !== 'pending_payment') {
    const text: Record<string, string> = {
      expired: 'The hold on your seats ran out before payment arrived, so they were released.',
      cancelled: 'This registration was cancelled.',
      refunded: 'This registration was refunded.',
      refund_pending:
        'This registration is being refunded. If you just paid, the payment arrived after the hold on your seats ran out and they were gone; the money goes back to your card.',
    };
    return (
      <div className="container" style={{ maxWidth: 640 }}>
        <div className="card card-pad">
          <h1>Nothing to pay</h1>
          <Alert tone="warn">{text[r.status] ?? `This registration is ${r.status}.`}</Alert>
          <p style={{ marginTop: 16 }}>
            <Link to={`/events/${r.eventId}`} className="btn btn-primary">
              Back to the event
            </Link>
          </p>
        </div>
      </div>
    );
  }

  const busy = phase.kind === 'submitting' || phase.kind === 'confirming';
  const onStripeOutcome = (outcome: StripeOutcome) => {
    if (outcome.kind === 'declined') {
      setPhase({ kind: 'declined', message: outcome.message });
      registration.refetch();
      return;
    }
    setPhase({ kind: 'confirming', since: Date.now() });
    registration.refetch();
  };
  const alerts = (
    <div aria-live="assertive">
      {phase.kind === 'declined' && (
        <Alert tone="bad" title="Payment declined">
          <p>{phase.message} No money was taken. Try another card — your seats are still held.</p>
        </Alert>
      )}
      {phase.kind === 'unavailable' && (
        <Alert tone="warn" title="Payment unavailable">
          {phase.message}
        </Alert>
      )}
      {phase.kind === 'error' && (
        <Alert tone="bad" title="Payment not completed">
          {phase.message}
        </Alert>
      )}
    </div>
  );

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

  // The page around either card form: the hold's countdown, the form's card, the order.
  const frame = (payment: ReactNode) => (
    <div className="container">
      <div className="page-head">
        <div>
          <h1>Checkout</h1>
          <p>
            {left !== null && left > 0 ? (
              <>
                Your seats are held for{' '}
                <span className="countdown" aria-live="off">
                  {mmss(left)}
                </span>
                .
              </>
            ) : (
              'Your seats are held while you pay.'
            )}
          </p>
        </div>
      </div>
      <div className="checkout">
        <section className="card card-pad" aria-labelledby="pay-title">
          <h2 id="pay-title">
            <Icon name="lock" size={18} /> Pay by card
          </h2>
          {payment}
        </section>
        {summary}
      </div>
    </div>
  );

  if (provider !== 'sandbox') {
    const key = setup.data?.publishableKey;
    return frame(
      <>
        {alerts}
        {setup.isPending ? (
          <Loading label="Preparing the payment form…" />
        ) : !key ? (
          <Alert tone="warn" title="Payment unavailable">
            This server takes payments through Stripe, but no publishable key is configured for the card form. Please contact the
            organizer; your seats stay held until the hold expires.
          </Alert>
        ) : (
          <Suspense fallback={<Loading label="Loading the secure card form…" />}>
            <StripePayment registration={r} publishableKey={key} onOutcome={onStripeOutcome} busy={phase.kind === 'confirming'} />
          </Suspense>
        )}
      </>,
    );
  }

  return frame(
    <>
      <div className="test-cards" style={{ margin: '14px 0 20px' }}>
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
        <p className="small muted" style={{ margin: '8px 0 0' }}>
          Any future expiry date and any 3-digit security code work.
        </p>
      </div>

      {alerts}

      <form onSubmit={pay} noValidate className="stack" style={{ marginTop: 16 }}>
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
    </>,
  );
}

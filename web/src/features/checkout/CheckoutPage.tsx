import { lazy, Suspense, type ReactNode } from 'react';
import { useParams } from 'react-router';
import type { Registration } from '../../api/types';
import { Icon } from '../../components/Icon';
import { Alert, ErrorState, Loading } from '../../components/States';
import { useTitle } from '../../lib/useTitle';
import { CheckoutConfirmed, NothingToPay } from './CheckoutOutcome';
import { OrderSummary } from './OrderSummary';
import { SandboxCardForm } from './SandboxCardForm';
import { useCheckout, type Phase } from './useCheckout';

// Stripe.js and the Payment Element only load when the server takes payments through Stripe.
const StripePayment = lazy(() => import('./StripePayment'));

function mmss(ms: number): string {
  const s = Math.ceil(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/// How the last payment attempt ended, announced as soon as it changes.
function PaymentAlerts({ phase }: { phase: Phase }) {
  return (
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
}

/// The page around either card form: the hold's countdown, the form's card, the order.
function CheckoutFrame({ left, summary, children }: { left: number | null; summary: ReactNode; children: ReactNode }) {
  return (
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
          {children}
        </section>
        {summary}
      </div>
    </div>
  );
}

/// Paying an order that holds seats: the provider's card form beside the order. `orderToken` pays a
/// guest's order; `returnPath` is where a redirecting payment method comes back to.
export function PendingCheckout({
  checkout,
  registration: r,
  orderToken,
  returnPath,
}: {
  checkout: ReturnType<typeof useCheckout>;
  registration: Registration;
  orderToken?: string | null;
  returnPath?: string;
}) {
  const { setup, event, left, phase, payWithTestCard, onStripeOutcome, editCard } = checkout;
  const frame = (payment: ReactNode) => (
    <CheckoutFrame left={left} summary={<OrderSummary registration={r} event={event} />}>
      {payment}
    </CheckoutFrame>
  );
  const alerts = <PaymentAlerts phase={phase} />;

  if (setup.data?.provider === 'sandbox') {
    return frame(
      <SandboxCardForm registration={r} phase={phase} alerts={alerts} onPay={payWithTestCard} onEditCard={editCard} />,
    );
  }
  const key = setup.data?.publishableKey;
  return frame(
    <>
      {alerts}
      {setup.isPending ? (
        <Loading label="Preparing the payment form…" />
      ) : setup.isError ? (
        <ErrorState error={setup.error} retry={() => setup.refetch()} title="The payment form could not load" />
      ) : !key ? (
        <Alert tone="warn" title="Payment unavailable">
          This server takes payments through Stripe, but no publishable key is configured for the card form. Please contact the
          organizer; your seats stay held until the hold expires.
        </Alert>
      ) : (
        <Suspense fallback={<Loading label="Loading the secure card form…" />}>
          <StripePayment
            registration={r}
            publishableKey={key}
            onOutcome={onStripeOutcome}
            busy={phase.kind === 'confirming'}
            orderToken={orderToken}
            returnPath={returnPath}
          />
        </Suspense>
      )}
    </>,
  );
}

export default function CheckoutPage() {
  const { registrationId = '' } = useParams();
  const checkout = useCheckout(registrationId);
  const { registration, event } = checkout;
  useTitle('Checkout');

  if (registration.isPending) return <Loading label="Loading your order…" />;
  if (registration.isError) {
    return (
      <div className="container">
        <ErrorState error={registration.error} retry={() => registration.refetch()} title="We could not load this order" />
      </div>
    );
  }

  const r = registration.data;
  if (r.status === 'confirmed') return <CheckoutConfirmed registration={r} event={event} />;
  if (r.status !== 'pending_payment') return <NothingToPay registration={r} />;
  return <PendingCheckout checkout={checkout} registration={r} />;
}

import type { Stripe, StripeElements } from '@stripe/stripe-js';
import { loadStripe } from '@stripe/stripe-js/pure';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api } from '../../api';
import type { Registration } from '../../api/types';
import { Icon } from '../../components/Icon';
import { Alert, errorMessage } from '../../components/States';
import { newIdempotencyKey } from '../../lib/download';
import { formatMoney } from '../../lib/format';

/// What a payment attempt came to, for the checkout page.
export type StripeOutcome =
  | { kind: 'submitted' } // Stripe accepted it; the webhook confirms the registration
  | { kind: 'declined'; message: string };

interface Props {
  registration: Registration;
  publishableKey: string;
  onOutcome: (outcome: StripeOutcome) => void;
  busy: boolean;
  /// A guest's order token (sent instead of a session).
  orderToken?: string | null;
  /// Where a payment method that redirects comes back to (default: the checkout page).
  returnPath?: string;
}

type Load = { state: 'loading' } | { state: 'ready' } | { state: 'failed'; message: string };

/// Stripe.js is fetched only when this page needs it: a separate chunk, and the script from
/// js.stripe.com only once loadStripe is called (the /pure entry injects nothing on import).
let stripePromise: { key: string; promise: Promise<Stripe | null> } | null = null;
function stripeFor(key: string): Promise<Stripe | null> {
  if (!stripePromise || stripePromise.key !== key) stripePromise = { key, promise: loadStripe(key) };
  return stripePromise.promise;
}

/// Stripe.js could not be fetched or did not start.
class StripeLoadError extends Error {}

/// Card entry through Stripe's Payment Element, confirmed with the intent's client secret.
export default function StripePayment({ registration, publishableKey, onOutcome, busy, orderToken, returnPath }: Props) {
  const mountRef = useRef<HTMLDivElement>(null);
  const stripe = useRef<Stripe | null>(null);
  const elements = useRef<StripeElements | null>(null);
  const intentKey = useRef(newIdempotencyKey());
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [paying, setPaying] = useState(false);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let live = true;
    let unmount: (() => void) | null = null;
    (async () => {
      try {
        // The same key every time: a remount or a retry gets the same intent back.
        const intent = await api.createPaymentIntent(registration.registrationId, intentKey.current, orderToken);
        const s = await stripeFor(publishableKey).catch(() => null);
        if (!live) return;
        if (!s) throw new StripeLoadError('Stripe.js did not start in this browser.');
        const els = s.elements({
          clientSecret: intent.clientSecret,
          appearance: {
            theme: 'stripe',
            variables: { colorPrimary: '#4338ca', borderRadius: '10px', fontFamily: 'system-ui, sans-serif' },
          },
        });
        const element = els.create('payment', { layout: 'tabs' });
        element.on('ready', () => live && setLoad({ state: 'ready' }));
        element.on(
          'loaderror',
          (e) => live && setLoad({ state: 'failed', message: e.error.message ?? 'The card form failed to load.' }),
        );
        if (mountRef.current) element.mount(mountRef.current);
        stripe.current = s;
        elements.current = els;
        unmount = () => element.destroy();
      } catch (err) {
        if (!live) return;
        const message =
          err instanceof StripeLoadError
            ? 'The card form could not be loaded from Stripe. Check your connection and try again.'
            : errorMessage(err);
        setLoad({ state: 'failed', message });
      }
    })();
    return () => {
      live = false;
      unmount?.();
      stripe.current = null;
      elements.current = null;
    };
  }, [registration.registrationId, publishableKey, attempt, orderToken]);

  const pay = async (ev: FormEvent) => {
    ev.preventDefault();
    const s = stripe.current;
    const els = elements.current;
    if (!s || !els) return;
    setPaying(true);
    try {
      const submitted = await els.submit();
      if (submitted.error) return; // the Payment Element shows the problem beside its fields
      const result = await s.confirmPayment({
        elements: els,
        confirmParams: { return_url: `${window.location.origin}${returnPath ?? `/checkout/${registration.registrationId}`}` },
        redirect: 'if_required',
      });
      if (result.error) {
        const e = result.error;
        if (e.type === 'validation_error') return;
        onOutcome({
          kind: 'declined',
          message: e.message ?? (e.decline_code ? `The card was declined (${e.decline_code}).` : 'The card was declined.'),
        });
        return;
      }
      onOutcome({ kind: 'submitted' });
    } catch (err) {
      onOutcome({ kind: 'declined', message: errorMessage(err) });
    } finally {
      setPaying(false);
    }
  };

  const disabled = busy || paying || load.state !== 'ready';
  return (
    <form onSubmit={pay} noValidate className="stack mt-8" aria-busy={load.state === 'loading'}>
      {load.state === 'failed' && (
        <Alert tone="bad" title="Card form unavailable">
          <p>{load.message}</p>
          <button
            type="button"
            className="btn btn-sm"
            onClick={() => {
              setLoad({ state: 'loading' });
              setAttempt((n) => n + 1);
            }}
          >
            Try again
          </button>
        </Alert>
      )}
      <div ref={mountRef} className="stripe-element" data-testid="stripe-payment-element">
        {load.state === 'loading' && (
          <div className="loading" role="status">
            <span className="spinner" aria-hidden="true" /> Loading the secure card form…
          </div>
        )}
      </div>
      <p className="small muted m-0">
        <Icon name="lock" size={13} /> Card details go straight to Stripe; Admit never sees them.
      </p>
      <button type="submit" className="btn btn-primary btn-lg btn-block" disabled={disabled}>
        {(paying || busy) && <span className="spinner" aria-hidden="true" />}
        {busy ? 'Confirming payment…' : paying ? 'Processing…' : `Pay ${formatMoney(registration.amount, registration.currency)}`}
      </button>
    </form>
  );
}

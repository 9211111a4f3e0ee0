import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { errorMessage } from '../../components/States';
import { useEvent } from '../events/api';
import { useCheckoutSetup, useRefreshAfterPayment, useRegistration, useSandboxPayment } from './api';
import type { StripeOutcome } from './StripePayment';

/// Where a payment attempt stands.
export type Phase =
  | { kind: 'form' }
  | { kind: 'submitting' }
  | { kind: 'confirming'; since: number }
  | { kind: 'declined'; message: string }
  | { kind: 'unavailable'; message: string }
  | { kind: 'error'; message: string };

/// Milliseconds left until `until`, ticking each second; null without a time.
function useCountdown(until: string | null | undefined): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!until) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [until]);
  return until ? Math.max(0, Date.parse(until) - now) : null;
}

/// The checkout's state: the provider, the registration (polled while a payment confirms), its
/// event, the hold's countdown and the payment attempt's phase. With `orderToken` it is a guest's
/// order, read and paid with its token; `enabled` false waits (no token yet).
export function useCheckout(registrationId: string, orderToken?: string | null, enabled = true) {
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
  const setup = useCheckoutSetup();
  const polling = phase.kind === 'confirming';
  const registration = useRegistration(registrationId, polling, orderToken, enabled);
  const reg = registration.data;
  const event = useEvent(reg?.eventId ?? '', !!reg);
  const left = useCountdown(reg?.status === 'pending_payment' ? reg.holdExpiresAt : null);
  const refreshAfterPayment = useRefreshAfterPayment();
  const paySandbox = useSandboxPayment(registrationId, orderToken);

  // The hold ran out: ask the server what became of the registration.
  useEffect(() => {
    if (left === 0 && enabled) registration.refetch();
  }, [left, registration, enabled]);

  // A payment that goes through shows up as the registration turning confirmed.
  useEffect(() => {
    if (!reg) return;
    if (reg.status === 'confirmed') refreshAfterPayment(reg);
    if (polling && reg.status !== 'pending_payment') setPhase({ kind: 'form' });
  }, [reg, polling, refreshAfterPayment]);

  useEffect(() => {
    if (phase.kind !== 'confirming') return;
    const t = setTimeout(
      () => setPhase({ kind: 'error', message: 'The payment is taking longer than usual. Check “My tickets” in a minute.' }),
      30_000,
    );
    return () => clearTimeout(t);
  }, [phase]);

  /// A card was refused, or the payment was handed over: the registration tells what followed.
  const settle = (outcome: { kind: 'declined'; message: string } | { kind: 'submitted' }) => {
    setPhase(outcome.kind === 'declined' ? outcome : { kind: 'confirming', since: Date.now() });
    registration.refetch();
  };

  const payWithTestCard = async (cardNumber: string) => {
    setPhase({ kind: 'submitting' });
    try {
      const result = await paySandbox(cardNumber);
      if (result.outcome === 'wrong-provider') {
        setPhase({
          kind: 'unavailable',
          message:
            'This server takes payments through Stripe, and its card form is not set up for this site yet. Please contact the organizer.',
        });
        return;
      }
      settle(result.outcome === 'declined' ? { kind: 'declined', message: result.message } : { kind: 'submitted' });
    } catch (err) {
      setPhase({ kind: 'error', message: errorMessage(err) });
    }
  };

  const onStripeOutcome = (outcome: StripeOutcome) => settle(outcome);

  /// A new card after a decline starts over.
  const editCard = () => {
    if (phase.kind === 'declined') setPhase({ kind: 'form' });
  };

  return { setup, registration, event: event.data, left, phase, payWithTestCard, onStripeOutcome, editCard };
}

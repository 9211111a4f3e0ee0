import { queryOptions, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useRef } from 'react';
import { api } from '../../api';
import { isProblem } from '../../api/errors';
import { queryKeys } from '../../api/queryKeys';
import type { PaymentIntent, Registration } from '../../api/types';
import { newIdempotencyKey } from '../../lib/download';
import { interpretConfirm, type PaymentOutcome } from './card';

/// Which provider takes the card (GET /api/payments/config).
export const checkoutSetupQuery = () =>
  queryOptions({ queryKey: queryKeys.checkout.setup, queryFn: api.checkoutSetup, staleTime: 300_000, retry: 1 });

export const useCheckoutSetup = () => useQuery(checkoutSetupQuery());

/// One registration; while `polling`, asked again every second as long as it awaits payment
/// (the payment's webhook confirms it).
export const registrationQuery = (registrationId: string, polling: boolean) =>
  queryOptions({
    queryKey: queryKeys.registrations.detail(registrationId),
    queryFn: () => api.registration(registrationId),
    refetchInterval: (q) => (polling && q.state.data?.status === 'pending_payment' ? 1000 : false),
  });

export const useRegistration = (registrationId: string, polling: boolean) => useQuery(registrationQuery(registrationId, polling));

/// A paid registration changes the attendee's lists and the event's seats.
export function useRefreshAfterPayment() {
  const queryClient = useQueryClient();
  return useCallback(
    (registration: Registration) => {
      queryClient.invalidateQueries({ queryKey: queryKeys.registrations.all });
      queryClient.invalidateQueries({ queryKey: queryKeys.events.detail(registration.eventId) });
    },
    [queryClient],
  );
}

export type SandboxResult = PaymentOutcome | { outcome: 'wrong-provider' };

/// Pays a registration with a sandbox test card: creates the payment intent once (one
/// idempotency key per intent) and confirms it with the card number.
export function useSandboxPayment(registrationId: string) {
  const intent = useRef<PaymentIntent | null>(null);
  const intentKey = useRef(newIdempotencyKey());
  return useCallback(
    async (cardNumber: string): Promise<SandboxResult> => {
      intent.current ??= await api.createPaymentIntent(registrationId, intentKey.current);
      if (intent.current.provider !== 'sandbox') return { outcome: 'wrong-provider' };
      try {
        return interpretConfirm({ body: await api.confirmSandboxPayment(intent.current.paymentIntentId, cardNumber) });
      } catch (err) {
        if (!isProblem(err, 'conflict')) return interpretConfirm({ error: err });
        // The intent is spent (an earlier decline ended it): start a fresh one for this card.
        intentKey.current = newIdempotencyKey();
        intent.current = await api.createPaymentIntent(registrationId, intentKey.current);
        try {
          return interpretConfirm({ body: await api.confirmSandboxPayment(intent.current.paymentIntentId, cardNumber) });
        } catch (again) {
          return interpretConfirm({ error: again });
        }
      }
    },
    [registrationId],
  );
}

import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useRef } from 'react';
import { api, ApiError } from '../../api';
import { isProblem } from '../../api/errors';
import { queryKeys } from '../../api/queryKeys';
import type { OrderRequest, PaymentIntent, Registration } from '../../api/types';
import { newIdempotencyKey } from '../../lib/download';
import { interpretConfirm, type PaymentOutcome } from './card';

/// Which provider takes the card (GET /api/payments/config).
export const checkoutSetupQuery = () =>
  queryOptions({ queryKey: queryKeys.checkout.setup, queryFn: api.checkoutSetup, staleTime: 300_000, retry: 1 });

export const useCheckoutSetup = () => useQuery(checkoutSetupQuery());

/// One registration; while `polling`, asked again every second as long as it awaits payment
/// (the payment's webhook confirms it). With `orderToken` it is a guest's order, read with its token.
export const registrationQuery = (registrationId: string, polling: boolean, orderToken?: string | null) =>
  queryOptions({
    queryKey: orderToken ? queryKeys.registrations.guest(registrationId) : queryKeys.registrations.detail(registrationId),
    queryFn: () => api.registration(registrationId, orderToken),
    refetchInterval: (q) => (polling && q.state.data?.status === 'pending_payment' ? 1000 : false),
  });

export const useRegistration = (registrationId: string, polling: boolean, orderToken?: string | null, enabled = true) =>
  useQuery({ ...registrationQuery(registrationId, polling, orderToken), enabled });

/// Places an order with its holders and answers (a guest's when it has `buyer`). One attempt keeps
/// its idempotency key until the server answers, so a retry after a lost connection cannot order
/// twice; a retry with an edited form is another request (the key promises the body), so it gets
/// a key of its own instead of a 409 idempotency-mismatch.
export function usePlaceOrder(eventId: string) {
  const queryClient = useQueryClient();
  const attemptKey = useRef<{ key: string; body: string } | null>(null);
  return useMutation({
    mutationFn: (body: OrderRequest) => {
      const sent = JSON.stringify(body);
      if (attemptKey.current?.body !== sent) attemptKey.current = { key: newIdempotencyKey(), body: sent };
      return api.placeOrder(body, attemptKey.current.key);
    },
    onSuccess: (registration, body) => {
      attemptKey.current = null;
      queryClient.invalidateQueries({ queryKey: queryKeys.events.detail(eventId) });
      queryClient.invalidateQueries({ queryKey: queryKeys.events.all });
      if (body.buyer) {
        queryClient.setQueryData(queryKeys.registrations.guest(registration.registrationId), registration);
      } else {
        queryClient.setQueryData(queryKeys.registrations.detail(registration.registrationId), registration);
        queryClient.invalidateQueries({ queryKey: queryKeys.registrations.all });
      }
    },
    onError: (error) => {
      if (!(error instanceof ApiError && error.isNetwork)) attemptKey.current = null;
      queryClient.invalidateQueries({ queryKey: queryKeys.events.detail(eventId) });
      if (isProblem(error, 'unpaid-order-open')) queryClient.invalidateQueries({ queryKey: queryKeys.registrations.all });
    },
  });
}

/// A paid registration changes the attendee's lists and the event's seats.
export function useRefreshAfterPayment() {
  const queryClient = useQueryClient();
  return useCallback(
    (registration: Registration) => {
      queryClient.invalidateQueries({ queryKey: queryKeys.registrations.all });
      queryClient.invalidateQueries({ queryKey: queryKeys.registrations.guest(registration.registrationId) });
      queryClient.invalidateQueries({ queryKey: queryKeys.events.detail(registration.eventId) });
    },
    [queryClient],
  );
}

export type SandboxResult = PaymentOutcome | { outcome: 'wrong-provider' };

/// Pays a registration with a sandbox test card: creates the payment intent once (one
/// idempotency key per intent) and confirms it with the card number.
export function useSandboxPayment(registrationId: string, orderToken?: string | null) {
  const intent = useRef<PaymentIntent | null>(null);
  const intentKey = useRef(newIdempotencyKey());
  return useCallback(
    async (cardNumber: string): Promise<SandboxResult> => {
      intent.current ??= await api.createPaymentIntent(registrationId, intentKey.current, orderToken);
      if (intent.current.provider !== 'sandbox') return { outcome: 'wrong-provider' };
      try {
        return interpretConfirm({
          body: await api.confirmSandboxPayment(intent.current.paymentIntentId, cardNumber, orderToken),
        });
      } catch (err) {
        if (!isProblem(err, 'conflict')) return interpretConfirm({ error: err });
        // The intent is spent (an earlier decline ended it): start a fresh one for this card.
        intentKey.current = newIdempotencyKey();
        intent.current = await api.createPaymentIntent(registrationId, intentKey.current, orderToken);
        try {
          return interpretConfirm({
            body: await api.confirmSandboxPayment(intent.current.paymentIntentId, cardNumber, orderToken),
          });
        } catch (again) {
          return interpretConfirm({ error: again });
        }
      }
    },
    [registrationId, orderToken],
  );
}

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { api } from '../../api';
import { classifyError } from '../../api/errors';
import { queryKeys } from '../../api/queryKeys';
import type { Registration } from '../../api/types';
import { useQuestions } from '../events/api';
import { useCheckout } from '../checkout/useCheckout';
import { useCancelTickets } from '../tickets/api';
import { forgetOrderToken, storedOrderToken, storeOrderToken, tokenFromLocation } from './orderToken';

/// The token a guest's order page works with: from the link (then taken out of the address, so it
/// stays out of the history, bookmarks and screen shares) or kept from earlier in this tab.
function useOrderToken(registrationId: string) {
  const location = useLocation();
  const navigate = useNavigate();
  const [token, setToken] = useState<string | null>(
    () => tokenFromLocation(location.hash, location.search) ?? storedOrderToken(registrationId),
  );
  useEffect(() => {
    const fromLink = tokenFromLocation(location.hash, location.search);
    if (!fromLink) return;
    storeOrderToken(registrationId, fromLink);
    setToken(fromLink);
    navigate({ pathname: location.pathname, search: '', hash: '' }, { replace: true });
  }, [registrationId, location.hash, location.search, location.pathname, navigate]);
  const replace = (next: string | null) => {
    if (next) storeOrderToken(registrationId, next);
    else forgetOrderToken(registrationId);
    setToken(next);
  };
  return [token, replace] as const;
}

/// A guest's order page: the order read with its token, paid, cancelled or sent again by email.
/// Sending it again issues a new link and retires this one, so the page then forgets its token.
export function useGuestOrder(registrationId: string) {
  const [token, setToken] = useOrderToken(registrationId);
  const queryClient = useQueryClient();
  const checkout = useCheckout(registrationId, token, !!token);
  const reg = checkout.registration.data;
  const questions = useQuestions(reg?.eventId ?? '', !!reg);
  const [resent, setResent] = useState(false);
  const [zoom, setZoom] = useState<Registration['tickets'][number] | null>(null);
  const [cancelling, setCancelling] = useState<Registration | null>(null);
  const [cancellingTickets, setCancellingTickets] = useState<Registration | null>(null);
  const cancelTickets = useCancelTickets(() => setCancellingTickets(null), token);

  // A token that no longer opens the order (replaced by a newer email, or never this order's).
  const refused = ['unauthenticated', 'forbidden', 'not-found'].includes(classifyError(checkout.registration.error));
  useEffect(() => {
    if (refused) forgetOrderToken(registrationId);
  }, [refused, registrationId]);

  const cancel = useMutation({
    mutationFn: (r: Registration) => api.cancelRegistration(r.registrationId, undefined, token),
    onSuccess: (r) => {
      setCancelling(null);
      queryClient.setQueryData(queryKeys.registrations.guest(registrationId), r);
      queryClient.invalidateQueries({ queryKey: queryKeys.events.detail(r.eventId) });
      queryClient.invalidateQueries({ queryKey: queryKeys.events.all });
    },
    onError: () => queryClient.invalidateQueries({ queryKey: queryKeys.registrations.guest(registrationId) }),
  });

  // The fresh token is only in the new email (the 202 carries none), so this tab's one is dropped.
  const resend = useMutation({
    mutationFn: () => api.resendRegistration(registrationId, token),
    onSuccess: () => {
      setResent(true);
      setToken(null);
    },
  });

  const closeCancel = () => {
    setCancelling(null);
    cancel.reset();
  };
  const closeCancelTickets = () => {
    setCancellingTickets(null);
    cancelTickets.reset();
  };

  return {
    token,
    checkout,
    questions: questions.data ?? [],
    refused,
    resent,
    resend,
    cancel,
    cancelling,
    setCancelling,
    closeCancel,
    cancellingTickets,
    setCancellingTickets,
    cancelTickets,
    closeCancelTickets,
    zoom,
    setZoom,
  };
}

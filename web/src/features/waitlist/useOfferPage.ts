import { useState } from 'react';
import { useNavigate } from 'react-router';
import { ApiError } from '../../api';
import type { OrderItem, PlacedOrder } from '../../api/types';
import { useTitle } from '../../lib/useTitle';
import { useSession } from '../auth/session';
import {
  emptyForm,
  holderSlots,
  orderQuestions,
  orderServerErrors,
  resizeForm,
  toOrderRequest,
  validateOrder,
  type OrderErrors,
  type OrderFormValues,
} from '../checkout/orderForm';
import { orderFormEdits } from '../checkout/orderFormEdits';
import { useEvent, useQuestions } from '../events/api';
import { guestOrderPath, storeOrderToken } from '../orders/orderToken';
import { useClaimOffer, useLeaveWaitlist, useOffer } from './api';
import { useOfferToken } from './offerToken';

/// The offer page's state: the offer (read with its link's token, or by its signed-in owner), the
/// event's questions, who each held ticket is for, and claiming (the order is placed on the held
/// seats, then paid as any order) or letting the seats go to the next in line.
export function useOfferPage(entryId: string) {
  const session = useSession();
  const navigate = useNavigate();
  const token = useOfferToken(entryId);
  const offer = useOffer(entryId, token, !!token || !!session);
  const o = offer.data;
  const event = useEvent(o?.eventId ?? '', !!o);
  const questions = useQuestions(o?.eventId ?? '', !!o);
  const claim = useClaimOffer(entryId, o?.eventId ?? '');
  const decline = useLeaveWaitlist(token);
  const [values, setValues] = useState<OrderFormValues | null>(null);
  const [errors, setErrors] = useState<OrderErrors>({});
  const [otherErrors, setOtherErrors] = useState<string[]>([]);
  const [declining, setDeclining] = useState(false);
  useTitle(o ? `Your offer · ${o.eventName}` : 'Your offer');

  const items: OrderItem[] = o ? [{ ticketTypeId: o.ticketTypeId ?? '', quantity: o.quantity }] : [];
  const types = event.data?.ticketTypes ?? [];
  const asked = questions.data ?? [];
  const slots = holderSlots(types, items, asked).map((s) => ({ ...s, typeName: o?.ticketTypeName ?? s.typeName }));
  const perOrder = orderQuestions(items, asked);
  const firstName = session?.user.name ?? '';
  const form = resizeForm(values ?? emptyForm(slots, firstName), slots, firstName);
  // A guest's entry is claimed without a session; the buyer is the entry's name and address.
  const guest = !session;

  const { setHolder, setHolderAnswer, setOrderAnswer } = orderFormEdits(form, setValues, errors, setErrors);

  const claimed = (r: PlacedOrder) => {
    if (guest) {
      if (r.orderToken) storeOrderToken(r.registrationId, r.orderToken);
      navigate(r.orderToken ? guestOrderPath(r.registrationId, r.orderToken) : `/orders/${r.registrationId}`);
    } else if (r.status === 'pending_payment') navigate(`/checkout/${r.registrationId}`);
    else navigate(`/tickets?registration=${r.registrationId}`);
  };

  const submit = (ev: { preventDefault: () => void }) => {
    ev.preventDefault();
    if (!o || !token) return;
    setOtherErrors([]);
    const found = validateOrder(form, slots, perOrder, { guest: false });
    setErrors(found);
    if (Object.keys(found).length) return;
    const { attendees, answers } = toOrderRequest(o.eventId, items, form, slots, perOrder, { guest: false });
    claim.mutate(
      { body: { eventId: o.eventId, waitlistOfferToken: token, attendees, ...(answers ? { answers } : {}) }, guest },
      {
        onSuccess: claimed,
        onError: (error) => {
          if (!(error instanceof ApiError) || Object.keys(error.fieldErrors).length === 0) return;
          const { fields, other } = orderServerErrors(error.fieldErrors);
          setErrors(fields);
          setOtherErrors(other);
        },
      },
    );
  };

  /// A refusal the fields do not show (the offer expired or was claimed, a session needed…).
  const problem =
    claim.isError && !(claim.error instanceof ApiError && Object.keys(claim.error.fieldErrors).length > 0) ? claim.error : null;

  return {
    session,
    token,
    offer,
    event,
    questions,
    slots,
    perOrder,
    form,
    errors,
    otherErrors,
    problem,
    setHolder,
    setHolderAnswer,
    setOrderAnswer,
    submit,
    claiming: claim.isPending,
    decline,
    declining,
    setDeclining,
  };
}

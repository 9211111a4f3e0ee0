import { useEffect, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { ApiError } from '../../api';
import type { OrderItem, PlacedOrder } from '../../api/types';
import { useTitle } from '../../lib/useTitle';
import { useSession } from '../auth/session';
import { useEvent, useMyRegistrations, useQuestions } from '../events/api';
import { orderItems, orderTotal, saleState, visibleTypes } from '../events/ticketChoice';
import { ticketLimits, withinLimits } from '../events/useEventPage';
import { guestOrderPath, storeOrderToken } from '../orders/orderToken';
import { orderCodeError } from '../promo/codeErrors';
import { useAppliedCode } from '../promo/useAppliedCode';
import { usePlaceOrder } from './api';
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
} from './orderForm';
import { orderFormEdits } from './orderFormEdits';
import { parseItems } from './orderLink';

const sameItems = (a: OrderItem[], b: Record<string, number>) =>
  a.length === Object.keys(b).length && a.every((i) => b[i.ticketTypeId] === i.quantity);

/// The checkout form's state: the tickets chosen (from the address, kept within what may be ordered
/// now), who pays (the signed-in person, or a guest who gives a name and an address), who each
/// ticket is for, the answers, the promo code (from the address, `&code=`), the errors beside the
/// fields, and the order once placed.
export function useOrderForm(eventId: string) {
  const session = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const event = useEvent(eventId);
  const questions = useQuestions(eventId);
  const mine = useMyRegistrations(!!session);
  const place = usePlaceOrder(eventId);
  const code = useAppliedCode(eventId, event.data);
  const [guest, setGuest] = useState(false);
  const [values, setValues] = useState<OrderFormValues | null>(null);
  const [errors, setErrors] = useState<OrderErrors>({});
  const [otherErrors, setOtherErrors] = useState<string[]>([]);
  // Bumped when errors are shown, so the first field in error takes the focus once rendered.
  const [focusTick, setFocusTick] = useState(0);
  useTitle(event.data ? `Your details · ${event.data.name}` : 'Your details');

  const e = code.event ?? event.data;
  const myRegs = e ? (mine.data ?? []).filter((r) => r.eventId === e.eventId) : [];
  const limits = e ? ticketLimits(e, myRegs) : null;
  const types = e ? visibleTypes(e, code.unlocked).filter((t) => saleState(t) === 'on-sale') : [];
  const wanted = parseItems(params.get('items'));
  const quantities = withinLimits(types, wanted, limits?.maxQty ?? 0);
  const items = orderItems(types, quantities);
  const adjusted = !!e && items.length > 0 && !sameItems(items, wanted);
  const total = e ? orderTotal(types, quantities, e.currency) : 0;
  const asked = questions.data ?? [];
  const slots = holderSlots(types, items, asked);
  const perOrder = orderQuestions(items, asked);
  const firstName = session?.user.name ?? '';
  const form = resizeForm(values ?? emptyForm(slots, firstName), slots, firstName);
  const asGuest = !session;

  useEffect(() => {
    if (focusTick) document.querySelector<HTMLElement>('.order-form [aria-invalid="true"]')?.focus();
  }, [focusTick]);

  const { clear, update, setHolder, setHolderAnswer, setOrderAnswer } = orderFormEdits(form, setValues, errors, setErrors);
  /// The buyer's name also names the first ticket while that one is empty or followed it.
  const setBuyer = (key: 'name' | 'email', value: string) => {
    update((v) => {
      const follows = key === 'name' && v.holders[0] && (v.holders[0].name === '' || v.holders[0].name === v.buyer.name);
      const holders = follows ? v.holders.map((h, j) => (j === 0 ? { ...h, name: value } : h)) : v.holders;
      return { ...v, buyer: { ...v.buyer, [key]: value }, holders };
    });
    clear(`buyer.${key}`);
  };

  const placed = (r: PlacedOrder) => {
    if (asGuest) {
      if (r.orderToken) storeOrderToken(r.registrationId, r.orderToken);
      navigate(r.orderToken ? guestOrderPath(r.registrationId, r.orderToken) : `/orders/${r.registrationId}`);
    } else if (r.status === 'pending_payment') navigate(`/checkout/${r.registrationId}`);
    else navigate(`/tickets?registration=${r.registrationId}`);
  };

  const submit = (ev: { preventDefault: () => void }) => {
    ev.preventDefault();
    // A code still being checked would otherwise be left out of the order.
    if (!e || items.length === 0 || (asGuest && !guest) || code.checking) return;
    setOtherErrors([]);
    const found = validateOrder(form, slots, perOrder, { guest: asGuest });
    setErrors(found);
    if (Object.keys(found).length) {
      setFocusTick((n) => n + 1);
      return;
    }
    const body = toOrderRequest(e.eventId, items, form, slots, perOrder, { guest: asGuest });
    if (code.applied) body.promoCode = code.applied;
    place.mutate(body, {
      onSuccess: placed,
      onError: (error) => {
        if (!(error instanceof ApiError)) return;
        // The code's refusal shows beside the code field.
        const { promoCode: _, ...rest } = error.fieldErrors;
        if (Object.keys(rest).length === 0) return;
        const { fields, other } = orderServerErrors(rest);
        setErrors(fields);
        setOtherErrors(other);
        setFocusTick((n) => n + 1);
      },
    });
  };

  /// Why the last order's code was refused, for beside the code field.
  const codeError = place.isError ? orderCodeError(place.error) : null;
  /// A refusal the fields do not show (sold out, sales closed, an unpaid order open…).
  const problem =
    place.isError && !codeError && !(place.error instanceof ApiError && Object.keys(place.error.fieldErrors).length > 0)
      ? place.error
      : null;

  return {
    session,
    event,
    code,
    codeError,
    questions,
    limits,
    myRegs,
    types,
    quantities,
    items,
    adjusted,
    total,
    slots,
    perOrder,
    form,
    errors,
    otherErrors,
    problem,
    guest,
    setGuest,
    asGuest,
    setHolder,
    setHolderAnswer,
    setOrderAnswer,
    setBuyer,
    submit,
    placing: place.isPending,
  };
}

export type OrderFormState = ReturnType<typeof useOrderForm>;

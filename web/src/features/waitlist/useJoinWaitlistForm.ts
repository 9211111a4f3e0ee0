import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api';
import { isProblem } from '../../api/errors';
import type { Event, TicketType } from '../../api/types';
import { fieldSentence } from '../../components/Field';
import { isEmailAddress } from '../checkout/orderForm';
import { useJoinWaitlist, useLeaveWaitlist, useMyWaitlist } from './api';

export interface JoinValues {
  /// '' for any type of the event.
  ticketTypeId: string;
  quantity: string;
  name: string;
  email: string;
}

export type JoinErrors = Partial<Record<keyof JoinValues, string>>;

/// The checks the server makes, made first so each message shows beside its field.
export function validateJoin(v: JoinValues, { guest, most }: { guest: boolean; most: number }): JoinErrors {
  const e: JoinErrors = {};
  const q = Number(v.quantity);
  if (!/^\d+$/.test(v.quantity.trim()) || q < 1 || q > most) e.quantity = `Choose from 1 to ${most} tickets.`;
  if (guest) {
    if (!v.name.trim()) e.name = 'Enter your name.';
    if (!isEmailAddress(v.email)) e.email = 'Enter your email address: the offer is sent there.';
  }
  return e;
}

/// "Join the waiting list" on a sold-out event or type: the type (or any) and how many, and for a
/// visitor a name and an address; the signed-in person's entry on this event once they have one.
export function useJoinWaitlistForm(event: Event, soldOut: TicketType[], signedIn: boolean) {
  const mine = useMyWaitlist(signedIn);
  const join = useJoinWaitlist(event.eventId);
  const leave = useLeaveWaitlist();
  const [open, setOpen] = useState(false);
  const everything = event.seatsLeft <= 0;
  const [values, setValues] = useState<JoinValues>({
    ticketTypeId: everything || soldOut.length !== 1 ? '' : soldOut[0]!.ticketTypeId,
    quantity: '1',
    name: '',
    email: '',
  });
  const [errors, setErrors] = useState<JoinErrors>({});
  // What one person may hold of this event (the server's per-attendee limit).
  const most = Math.max(1, event.maxPerAttendee);
  const entry = (mine.data ?? []).find((w) => w.eventId === event.eventId && (w.status === 'waiting' || w.status === 'offered'));

  const set = (key: keyof JoinValues, value: string) => {
    setValues((v) => ({ ...v, [key]: value }));
    if (errors[key]) setErrors(({ [key]: _, ...rest }) => rest);
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found = validateJoin(values, { guest: !signedIn, most });
    setErrors(found);
    if (Object.keys(found).length) return;
    join.mutate(
      {
        ...(values.ticketTypeId ? { ticketTypeId: values.ticketTypeId } : {}),
        quantity: Number(values.quantity),
        ...(signedIn ? {} : { name: values.name.trim(), email: values.email.trim() }),
      },
      {
        onError: (error) => {
          if (!(error instanceof ApiError)) return;
          const fields: JoinErrors = {};
          for (const [field, message] of Object.entries(error.fieldErrors)) {
            if (field in values) fields[field as keyof JoinValues] = fieldSentence('This', message);
          }
          setErrors(fields);
        },
      },
    );
  };

  /// Why joining was refused, when no field shows it.
  const refusal = !join.isError
    ? null
    : isProblem(join.error, 'not-sold-out')
      ? 'Tickets are available again: order them above instead.'
      : isProblem(join.error, 'already-waiting')
        ? 'You are on this waiting list already. We email you as soon as seats are offered to you.'
        : join.error instanceof ApiError && Object.keys(join.error.fieldErrors).length
          ? null
          : join.error;

  return { open, setOpen, values, set, errors, submit, join, refusal, entry, leave, most, everything };
}

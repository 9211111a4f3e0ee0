import { useState, type ChangeEvent, type FormEvent } from 'react';
import { ApiError } from '../../api';
import type { Event, TicketType } from '../../api/types';
import { errorMessage } from '../../components/States';
import { useCreateTicketType, useUpdateTicketType } from './api';
import {
  emptyTypeForm,
  formFromType,
  toTypeInput,
  toTypeUpdate,
  typeServerErrors,
  validateTypeForm,
  type TicketTypeErrors,
  type TicketTypeField,
  type TicketTypeFormValues,
} from './ticketTypeForm';

/// One ticket type's form: a new type when `original` is absent, else changes to it (only what
/// changed is sent). `onDone` runs once the server saved it.
export function useTicketTypeForm(event: Event, original: TicketType | undefined, onDone: () => void) {
  const [values, setValues] = useState<TicketTypeFormValues>(() =>
    original ? formFromType(original, event.timezone) : emptyTypeForm(),
  );
  const [errors, setErrors] = useState<TicketTypeErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const create = useCreateTicketType(event.eventId);
  const update = useUpdateTicketType(event.eventId);

  const set = (key: TicketTypeField) => (e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => {
    const value = key === 'hidden' ? (e.target as HTMLInputElement).checked : e.target.value;
    setValues((v) => ({ ...v, [key]: value }));
  };

  const onError = (error: unknown) => {
    if (error instanceof ApiError && Object.keys(error.fieldErrors).length) {
      const { fields, other } = typeServerErrors(error.fieldErrors);
      setErrors(fields);
      setFormError(other.length ? other.join(' ') : null);
    } else setFormError(errorMessage(error));
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    const errs = validateTypeForm(values, { currency: event.currency, timezone: event.timezone, sold: original?.sold });
    setErrors(errs);
    if (Object.keys(errs).length) return;
    if (!original) {
      create.mutate(toTypeInput(values, event.timezone), { onSuccess: onDone, onError });
      return;
    }
    const changes = toTypeUpdate(values, original, event.timezone);
    if (Object.keys(changes).length === 0) return onDone();
    update.mutate({ typeId: original.ticketTypeId, update: changes }, { onSuccess: onDone, onError });
  };

  return { values, errors, formError, set, submit, saving: create.isPending || update.isPending };
}

import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api';
import type { Event } from '../../api/types';
import { errorMessage } from '../../components/States';
import { useSavePromoCode } from './api';
import {
  emptyPromoForm,
  formFromCode,
  promoServerErrors,
  toPromoInput,
  validatePromoForm,
  type PromoErrors,
  type PromoField,
  type PromoFormValues,
} from './promoForm';
import type { PromoCode } from './types';

/// One code's form: a new code when `original` is absent, else its whole replacement. `onDone`
/// runs once the server saved it.
export function usePromoCodeForm(event: Event, original: PromoCode | undefined, onDone: () => void) {
  const [values, setValues] = useState<PromoFormValues>(() =>
    original ? formFromCode(original, event.timezone) : emptyPromoForm(),
  );
  const [errors, setErrors] = useState<PromoErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const save = useSavePromoCode(event.eventId);

  const set = <K extends PromoField>(key: K, value: PromoFormValues[K]) => {
    setValues((v) => ({ ...v, [key]: value }));
    if (errors[key]) setErrors(({ [key]: _, ...rest }) => rest);
  };
  /// Ticks or unticks one type in a list of types.
  const toggle = (key: 'ticketTypeIds' | 'unlocksTicketTypeIds', typeId: string) =>
    set(key, values[key].includes(typeId) ? values[key].filter((id) => id !== typeId) : [...values[key], typeId]);

  const onError = (error: unknown) => {
    if (error instanceof ApiError && Object.keys(error.fieldErrors).length) {
      const { fields, other } = promoServerErrors(error.fieldErrors);
      setErrors(fields);
      setFormError(other.length ? other.join(' ') : null);
    } else if (error instanceof ApiError && error.status === 409) {
      setFormError(
        error.problem?.detail ?? 'This code clashes with what the event has now (the code exists already, or is used more).',
      );
    } else setFormError(errorMessage(error));
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    const found = validatePromoForm(values, { currency: event.currency, timezone: event.timezone, uses: original?.uses });
    setErrors(found);
    if (Object.keys(found).length) return;
    save.mutate(
      { promoCodeId: original?.promoCodeId, input: toPromoInput(values, event.timezone) },
      { onSuccess: onDone, onError },
    );
  };

  return { values, errors, formError, set, toggle, submit, saving: save.isPending };
}

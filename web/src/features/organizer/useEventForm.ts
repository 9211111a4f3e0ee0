import { useEffect, useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { ApiError } from '../../api';
import type { Event } from '../../api/types';
import { errorMessage } from '../../components/States';
import { browserTimeZone, zonedWallTimeToUtc } from '../../lib/format';
import { useSaveEvent } from './api';
import {
  emptyForm,
  formFromEvent,
  serverErrorsToForm,
  validateEventForm,
  type EventErrors,
  type EventField,
  type EventFormValues,
} from './eventForm';

/// The event as the listing would show it with the form's values (placeholders for what is
/// still empty).
export function previewEvent(values: EventFormValues, original?: Event): Event {
  const capacity = Number(values.capacity) || 100;
  return {
    eventId: original?.eventId ?? 'preview',
    name: values.name.trim() || 'Your event name',
    description: values.description,
    date: zonedWallTimeToUtc(values.date, values.timezone) ?? new Date(Date.now() + 7 * 86_400_000).toISOString(),
    timezone: values.timezone,
    location: values.location.trim() || 'The venue',
    capacity,
    registeredCount: original?.registeredCount ?? 0,
    seatsLeft: Math.max(0, capacity - (original?.registeredCount ?? 0)),
    maxPerAttendee: Number(values.maxPerAttendee) || 10,
    organizerId: '',
    price: Number(values.price) || 0,
    currency: values.currency,
    status: original?.status ?? 'published',
    createdAt: '',
    updatedAt: '',
    cancellationDeadline: zonedWallTimeToUtc(values.cancellationDeadline, values.timezone),
    holdSeconds: null,
    endDate: zonedWallTimeToUtc(values.endDate, values.timezone),
    ticketTypes: original?.ticketTypes ?? [],
  };
}

/// The event form's state: its values, the messages beside fields and above the form (checked
/// here first, then the server's), and saving, which goes on to the event's page.
export function useEventForm(original?: Event) {
  const navigate = useNavigate();
  const isNew = !original;
  const [values, setValues] = useState<EventFormValues>(() =>
    original ? formFromEvent(original) : emptyForm(browserTimeZone()),
  );
  const [errors, setErrors] = useState<EventErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [submitted, setSubmitted] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const save = useSaveEvent(original);

  // After a failed submit, re-check as the person fixes things so messages disappear when fixed.
  useEffect(() => {
    if (!submitted) return;
    const errs = validateEventForm(values, { isNew });
    setErrors(errs);
    if (Object.keys(errs).length === 0) setFormError(null);
  }, [values, submitted, isNew]);

  const set = (key: EventField) => (e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>) =>
    setValues((v) => ({ ...v, [key]: e.target.value }));

  const showServerError = (error: unknown) => {
    const kind = error instanceof ApiError ? error.kind : null;
    if (error instanceof ApiError && kind === 'validation-error' && Object.keys(error.fieldErrors).length) {
      const { fields, other } = serverErrorsToForm(error.fieldErrors);
      setErrors(fields);
      setFormError(other.length ? other.join(' ') : 'Some fields need a fix — see the messages beside them.');
    } else if (kind === 'capacity-below-sold') {
      setErrors({
        capacity: `Capacity cannot drop below the ${original?.registeredCount ?? ''} seats already taken.`.replace('  ', ' '),
      });
      setFormError(null);
    } else {
      setFormError(errorMessage(error));
    }
  };

  /// Submits the form; a new event is saved as a draft when `draft` (the "Save as draft" button).
  const submit = (e: FormEvent, { draft = false }: { draft?: boolean } = {}) => {
    e.preventDefault();
    setSubmitted(true);
    setFormError(null);
    const errs = validateEventForm(values, { isNew });
    setErrors(errs);
    if (Object.keys(errs).length) {
      const n = Object.keys(errs).length;
      setFormError(
        `${n === 1 ? 'One field needs' : `${n} fields need`} attention — see the messages beside ${n === 1 ? 'it' : 'them'}.`,
      );
      // Take the person to the first field that needs attention.
      requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    save.mutate(
      { values, draft },
      {
        onSuccess: (event) =>
          navigate(`/organizer/events/${event.eventId}${isNew ? (draft ? '?drafted=1' : '?created=1') : '?saved=1'}`),
        onError: showServerError,
      },
    );
  };

  return { values, errors, formError, set, submit, formRef, saving: save.isPending };
}

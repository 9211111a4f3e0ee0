import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, ApiError } from '../../api';
import type { Currency, Event } from '../../api/types';
import { Field } from '../../components/Field';
import { Icon } from '../../components/Icon';
import { Alert, errorMessage, ErrorState, Loading } from '../../components/States';
import { browserTimeZone, currencyDecimals, zonedWallTimeToUtc } from '../../lib/format';
import { useTitle } from '../../lib/useTitle';
import { EventCard } from '../events/EventCard';
import {
  emptyForm,
  formFromEvent,
  kCurrencies,
  serverErrorsToForm,
  toEventInput,
  toEventUpdate,
  validateEventForm,
  type EventErrors,
  type EventField,
  type EventFormValues,
} from './eventForm';
import { PolicyFields } from './PolicyFields';

function timeZones(): string[] {
  try {
    const zones = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
    return zones.includes('UTC') ? zones : ['UTC', ...zones];
  } catch {
    return ['UTC'];
  }
}

function EventForm({ original }: { original?: Event }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const zones = useMemo(timeZones, []);
  const [values, setValues] = useState<EventFormValues>(() =>
    original ? formFromEvent(original) : emptyForm(browserTimeZone()),
  );
  const [errors, setErrors] = useState<EventErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [submitted, setSubmitted] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const isNew = !original;

  const save = useMutation({
    mutationFn: async (v: EventFormValues) => {
      if (original) {
        const update = toEventUpdate(v, original);
        if (Object.keys(update).length === 0) return original;
        return api.updateEvent(original.eventId, update);
      }
      return api.createEvent(toEventInput(v));
    },
    onSuccess: (event) => {
      queryClient.setQueryData(['event', event.eventId], event);
      queryClient.invalidateQueries({ queryKey: ['myEvents'] });
      queryClient.invalidateQueries({ queryKey: ['events'] });
      navigate(`/organizer/events/${event.eventId}${isNew ? '?created=1' : '?saved=1'}`);
    },
    onError: (error) => {
      if (error instanceof ApiError && error.status === 400 && Object.keys(error.fieldErrors).length) {
        const { fields, other } = serverErrorsToForm(error.fieldErrors);
        setErrors(fields);
        setFormError(other.length ? other.join(' ') : 'Some fields need a fix — see the messages beside them.');
      } else if (error instanceof ApiError && error.kind === 'capacity-below-sold') {
        setErrors({
          capacity: `Capacity cannot drop below the ${original?.registeredCount ?? ''} seats already taken.`.replace('  ', ' '),
        });
        setFormError(null);
      } else if (error instanceof ApiError && error.status === 409) {
        setFormError(error.message);
      } else {
        setFormError(errorMessage(error));
      }
    },
  });

  // After a failed submit, re-check as the person fixes things so messages disappear when fixed.
  useEffect(() => {
    if (!submitted) return;
    const errs = validateEventForm(values, { isNew });
    setErrors(errs);
    if (Object.keys(errs).length === 0) setFormError(null);
  }, [values, submitted, isNew]);

  const set = (key: EventField) => (e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>) =>
    setValues((v) => ({ ...v, [key]: e.target.value }));

  const submit = (e: FormEvent) => {
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
    save.mutate(values);
  };

  const decimals = currencyDecimals(values.currency);
  const previewDate = zonedWallTimeToUtc(values.date, values.timezone) ?? new Date(Date.now() + 7 * 86_400_000).toISOString();
  const preview: Event = {
    eventId: original?.eventId ?? 'preview',
    name: values.name.trim() || 'Your event name',
    description: values.description,
    date: previewDate,
    timezone: values.timezone,
    location: values.location.trim() || 'The venue',
    capacity: Number(values.capacity) || 100,
    registeredCount: original?.registeredCount ?? 0,
    seatsLeft: Math.max(0, (Number(values.capacity) || 100) - (original?.registeredCount ?? 0)),
    maxPerAttendee: Number(values.maxPerAttendee) || 10,
    organizerId: '',
    price: Number(values.price) || 0,
    currency: values.currency,
    status: 'published',
    createdAt: '',
    updatedAt: '',
    cancellationDeadline: zonedWallTimeToUtc(values.cancellationDeadline, values.timezone),
    holdSeconds: null,
  };

  return (
    <div className="form-layout">
      <form ref={formRef} onSubmit={submit} noValidate aria-describedby={formError ? 'form-error' : undefined}>
        {formError && (
          <div id="form-error" style={{ marginBottom: 18 }}>
            <Alert tone="bad">{formError}</Alert>
          </div>
        )}
        <section className="card card-pad form-section">
          <h2>The basics</h2>
          <div className="fields">
            <Field label="Event name" error={errors.name}>
              <input value={values.name} onChange={set('name')} maxLength={200} placeholder="Jazz on the roof" />
            </Field>
            <Field label="Description" error={errors.description} hint="What people get, who it is for, what to bring.">
              <textarea value={values.description} onChange={set('description')} rows={5} />
            </Field>
          </div>
        </section>

        <section className="card card-pad form-section">
          <h2>When and where</h2>
          <div className="fields">
            <div className="grid-2">
              <Field label="Starts" error={errors.date} hint="Local time at the venue.">
                <input type="datetime-local" value={values.date} onChange={set('date')} />
              </Field>
              <Field label="Time zone" error={errors.timezone}>
                <select value={values.timezone} onChange={set('timezone')}>
                  {!zones.includes(values.timezone) && <option value={values.timezone}>{values.timezone}</option>}
                  {zones.map((z) => (
                    <option key={z} value={z}>
                      {z.replace(/_/g, ' ')}
                    </option>
                  ))}
                </select>
              </Field>
            </div>
            <Field label="Location" error={errors.location} hint="Venue and address, or a link for online events.">
              <input
                value={values.location}
                onChange={set('location')}
                maxLength={500}
                placeholder="Blue Room, 12 Harbour St, Bristol"
              />
            </Field>
          </div>
        </section>

        <section className="card card-pad form-section">
          <h2>Tickets</h2>
          <div className="fields">
            <div className="grid-2">
              <Field
                label="Capacity"
                error={errors.capacity}
                hint={original ? `${original.registeredCount} taken so far.` : 'How many seats in total.'}
              >
                <input type="number" inputMode="numeric" min={1} value={values.capacity} onChange={set('capacity')} />
              </Field>
              <Field label="Limit per person" error={errors.maxPerAttendee} hint="Optional. Defaults to 10.">
                <input
                  type="number"
                  inputMode="numeric"
                  min={1}
                  value={values.maxPerAttendee}
                  onChange={set('maxPerAttendee')}
                  placeholder="10"
                />
              </Field>
            </div>
            <div className="field">
              <label htmlFor="event-price">Price per ticket</label>
              <div className="input-affix">
                <input
                  id="event-price"
                  className="input"
                  type="number"
                  inputMode="decimal"
                  min={0}
                  step={decimals === 0 ? 1 : 1 / 10 ** decimals}
                  value={values.price}
                  onChange={set('price')}
                  aria-invalid={errors.price ? true : undefined}
                  aria-describedby={errors.price || errors.currency ? 'event-price-error' : 'event-price-hint'}
                />
                <select
                  className="input"
                  value={values.currency}
                  onChange={set('currency')}
                  aria-label="Currency"
                  aria-invalid={errors.currency ? true : undefined}
                  aria-describedby={errors.currency ? 'event-price-error' : undefined}
                >
                  {kCurrencies.map((c: Currency) => (
                    <option key={c}>{c}</option>
                  ))}
                </select>
              </div>
              {errors.price || errors.currency ? (
                <span className="error" id="event-price-error">
                  <Icon name="alert" size={15} />
                  {errors.price ?? errors.currency}
                </span>
              ) : (
                <span className="hint" id="event-price-hint">
                  {original && original.registeredCount > 0
                    ? 'The currency cannot change once seats are taken. 0 makes it free.'
                    : '0 makes the event free.'}
                </span>
              )}
            </div>
          </div>
        </section>

        <PolicyFields values={values} errors={errors} set={set} />

        <div className="form-actions" style={{ marginTop: 20 }}>
          <Link to={original ? `/organizer/events/${original.eventId}` : '/organizer'} className="btn">
            Cancel
          </Link>
          <button type="submit" className="btn btn-primary btn-lg" disabled={save.isPending}>
            {save.isPending && <span className="spinner" aria-hidden="true" />}
            {original ? (save.isPending ? 'Saving…' : 'Save changes') : save.isPending ? 'Publishing…' : 'Publish event'}
          </button>
        </div>
      </form>
      <aside className="preview" aria-label="Preview">
        <p className="label" style={{ marginBottom: 10 }}>
          Preview
        </p>
        <div aria-hidden="true">
          <EventCard event={preview} preview />
        </div>
        <p className="small muted" style={{ marginTop: 12 }}>
          This is how attendees see your event in the listing.
        </p>
      </aside>
    </div>
  );
}

export default function EventFormPage() {
  const { eventId } = useParams();
  const event = useQuery({ queryKey: ['event', eventId], queryFn: () => api.event(eventId!), enabled: !!eventId });
  useTitle(eventId ? 'Edit event' : 'New event');

  if (eventId && event.isPending) return <Loading label="Loading event…" />;
  if (eventId && event.isError)
    return (
      <div className="container">
        <ErrorState error={event.error} retry={() => event.refetch()} />
      </div>
    );

  return (
    <div className="container">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to={eventId ? `/organizer/events/${eventId}` : '/organizer'}>
          <Icon name="arrowLeft" size={14} /> {eventId ? event.data?.name : 'Your events'}
        </Link>
      </nav>
      <div className="page-head">
        <div>
          <h1>{eventId ? 'Edit event' : 'Create an event'}</h1>
          <p>{eventId ? 'Changes show to attendees straight away.' : 'It goes on sale as soon as you publish.'}</p>
        </div>
      </div>
      {eventId && event.data?.status === 'cancelled' ? (
        <Alert tone="warn">This event was cancelled and can no longer be changed.</Alert>
      ) : (
        <EventForm key={eventId ?? 'new'} original={eventId ? event.data : undefined} />
      )}
    </div>
  );
}

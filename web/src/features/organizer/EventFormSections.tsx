import { useMemo, type ChangeEvent } from 'react';
import type { Event } from '../../api/types';
import { Field } from '../../components/Field';
import { EventCard } from '../events/EventCard';
import type { EventErrors, EventField, EventFormValues } from './eventForm';

type Change = ChangeEvent<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>;

/// What each section of the event form gets: the values, the messages, and a change handler per field.
export interface SectionProps {
  values: EventFormValues;
  errors: EventErrors;
  set: (key: EventField) => (e: Change) => void;
}

function timeZones(): string[] {
  try {
    const zones = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
    return zones.includes('UTC') ? zones : ['UTC', ...zones];
  } catch {
    return ['UTC'];
  }
}

export function BasicsFields({ values, errors, set }: SectionProps) {
  return (
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
  );
}

export function WhenWhereFields({ values, errors, set }: SectionProps) {
  const zones = useMemo(timeZones, []);
  return (
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
        <Field
          label="Ends"
          error={errors.endDate}
          hint="Optional. Local time at the venue; calendar entries and tickets show it (empty: two hours after the start)."
        >
          <input type="datetime-local" value={values.endDate} onChange={set('endDate')} />
        </Field>
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
  );
}

/// The event as attendees will see it in the listing, beside the form.
export function EventPreview({ event }: { event: Event }) {
  return (
    <aside className="preview" aria-label="Preview">
      <p className="label preview-label">Preview</p>
      <div aria-hidden="true">
        <EventCard event={event} preview />
      </div>
      <p className="small muted preview-note">This is how attendees see your event in the listing.</p>
    </aside>
  );
}

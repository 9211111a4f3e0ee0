import type { ChangeEvent } from 'react';
import { Field } from '../../components/Field';
import type { EventErrors, EventField, EventFormValues } from './eventForm';

/// The event form's section on cancellations and unpaid holds: both optional, both empty by
/// default (until the start; the instance's hold length).
export function PolicyFields({
  values,
  errors,
  set,
}: {
  values: EventFormValues;
  errors: EventErrors;
  set: (key: EventField) => (e: ChangeEvent<HTMLInputElement>) => void;
}) {
  return (
    <section className="card card-pad form-section">
      <h2>Cancellations and holds</h2>
      <div className="fields">
        <div className="grid-2">
          <Field
            label="Cancellation deadline"
            error={errors.cancellationDeadline}
            hint={`Optional. Local time at the venue (${values.timezone.replace(/_/g, ' ')}). Attendees can cancel and get a refund until then; empty means until the event starts.`}
          >
            <input type="datetime-local" value={values.cancellationDeadline} onChange={set('cancellationDeadline')} />
          </Field>
          <Field
            label="Hold seats for unpaid orders (minutes)"
            error={errors.holdMinutes}
            hint="Optional. How long seats wait for payment, 1 to 1,440 minutes; empty uses this site’s default."
          >
            <input
              type="number"
              inputMode="numeric"
              min={1}
              max={1440}
              value={values.holdMinutes}
              onChange={set('holdMinutes')}
            />
          </Field>
        </div>
      </div>
    </section>
  );
}

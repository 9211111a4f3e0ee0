import type { Event, TicketType } from '../../api/types';
import { Field } from '../../components/Field';
import { Alert } from '../../components/States';
import { currencyDecimals } from '../../lib/format';
import { useTicketTypeForm } from './useTicketTypeForm';

/// Adding or changing one ticket type, in place in the list. Sales times are taken in the
/// event's time zone.
export function TicketTypeForm({ event, original, onDone }: { event: Event; original?: TicketType; onDone: () => void }) {
  const { values, errors, formError, set, submit, saving } = useTicketTypeForm(event, original, onDone);
  const decimals = currencyDecimals(event.currency);
  const zone = event.timezone.replace(/_/g, ' ');
  const title = original ? `Change “${original.name}”` : 'New ticket type';
  return (
    <form className="type-form" onSubmit={submit} noValidate aria-label={title}>
      <h3>{title}</h3>
      {formError && <Alert tone="bad">{formError}</Alert>}
      <div className="fields">
        <div className="grid-2">
          <Field label="Name" error={errors.name}>
            <input value={values.name} onChange={set('name')} maxLength={200} placeholder="Early bird" />
          </Field>
          <Field
            label={`Price (${event.currency})`}
            error={errors.price}
            hint="0 makes it free. A change applies to new orders only."
          >
            <input
              type="number"
              inputMode="decimal"
              min={0}
              step={decimals === 0 ? 1 : 1 / 10 ** decimals}
              value={values.price}
              onChange={set('price')}
            />
          </Field>
        </div>
        <Field label="Description" error={errors.description} hint="Optional. Shown to buyers with the type.">
          <textarea value={values.description} onChange={set('description')} rows={2} />
        </Field>
        <div className="grid-2">
          <Field
            label="Capacity of this type"
            error={errors.capacity}
            hint="Optional. Empty: only the event’s capacity, shared by all types, limits it."
          >
            <input type="number" inputMode="numeric" min={1} value={values.capacity} onChange={set('capacity')} />
          </Field>
          <Field label="Hidden" hint="Hidden types are not shown to buyers.">
            <input type="checkbox" checked={values.hidden} onChange={set('hidden')} />
          </Field>
        </div>
        <div className="grid-2">
          <Field label="Sales start" error={errors.salesStart} hint={`Optional. Local time at the venue (${zone}).`}>
            <input type="datetime-local" value={values.salesStart} onChange={set('salesStart')} />
          </Field>
          <Field
            label="Sales end"
            error={errors.salesEnd}
            hint={`Optional. Local time at the venue (${zone}); empty: until the event starts.`}
          >
            <input type="datetime-local" value={values.salesEnd} onChange={set('salesEnd')} />
          </Field>
        </div>
        <div className="grid-2">
          <Field label="Minimum per order" error={errors.minPerOrder}>
            <input type="number" inputMode="numeric" min={1} max={100} value={values.minPerOrder} onChange={set('minPerOrder')} />
          </Field>
          <Field
            label="Maximum per order"
            error={errors.maxPerOrder}
            hint="Optional. Empty: up to 100; the limit per person still applies."
          >
            <input type="number" inputMode="numeric" min={1} max={100} value={values.maxPerOrder} onChange={set('maxPerOrder')} />
          </Field>
        </div>
      </div>
      <div className="form-actions">
        <button type="button" className="btn" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={saving}>
          {saving && <span className="spinner" aria-hidden="true" />}
          {original ? 'Save ticket type' : 'Add ticket type'}
        </button>
      </div>
    </form>
  );
}

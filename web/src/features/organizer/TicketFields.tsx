import type { Currency, Event } from '../../api/types';
import { Field } from '../../components/Field';
import { Icon } from '../../components/Icon';
import { currencyDecimals } from '../../lib/format';
import { kCurrencies } from './eventForm';
import type { SectionProps } from './EventFormSections';

/// The price with its currency: one field with two controls, so its message and hint are written here.
function PriceField({ values, errors, set, original }: SectionProps & { original?: Event }) {
  const decimals = currencyDecimals(values.currency);
  // With several ticket types each has its own price (admit refuses the event's `price` then).
  const perType = (original?.ticketTypes?.length ?? 0) > 1;
  return (
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
          disabled={perType}
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
          {perType
            ? 'Each ticket type has its own price: change them under Ticket types on the event’s page.'
            : original && original.registeredCount > 0
              ? 'The currency cannot change once seats are taken. 0 makes it free.'
              : '0 makes the event free.'}
        </span>
      )}
    </div>
  );
}

export function TicketFields(props: SectionProps & { original?: Event }) {
  const { values, errors, set, original } = props;
  return (
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
        <PriceField {...props} />
      </div>
    </section>
  );
}

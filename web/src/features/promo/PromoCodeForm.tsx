import type { Event, TicketType } from '../../api/types';
import { Field } from '../../components/Field';
import { Alert } from '../../components/States';
import { currencyDecimals } from '../../lib/format';
import type { PromoCode } from './types';
import { usePromoCodeForm } from './usePromoCodeForm';

/// Ticked types of the event, as a group of checkboxes with one error for the group.
function TypeChecks({
  legend,
  hint,
  types,
  checked,
  error,
  onToggle,
}: {
  legend: string;
  hint: string;
  types: TicketType[];
  checked: string[];
  error?: string;
  onToggle: (typeId: string) => void;
}) {
  const id = legend.replace(/\W+/g, '-').toLowerCase();
  return (
    <fieldset className="stack order-fieldset" aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}>
      <legend>{legend}</legend>
      <span className="hint" id={`${id}-hint`}>
        {hint}
      </span>
      {types.map((t) => (
        <label key={t.ticketTypeId} className="check">
          <input type="checkbox" checked={checked.includes(t.ticketTypeId)} onChange={() => onToggle(t.ticketTypeId)} /> {t.name}
        </label>
      ))}
      {error && (
        <span className="error" id={`${id}-error`}>
          {error}
        </span>
      )}
    </fieldset>
  );
}

/// Adding or changing one promo or access code, in place in the list. The validity window is
/// taken in the event's time zone.
export function PromoCodeForm({ event, original, onDone }: { event: Event; original?: PromoCode; onDone: () => void }) {
  const { values: v, errors, formError, set, toggle, submit, saving } = usePromoCodeForm(event, original, onDone);
  const types = [...(event.ticketTypes ?? [])].sort((a, b) => a.position - b.position);
  const hidden = types.filter((t) => t.hidden);
  const decimals = currencyDecimals(event.currency);
  const zone = event.timezone.replace(/_/g, ' ');
  const title = original ? `Change code ${original.code}` : 'New promo code';
  return (
    <form className="type-form" onSubmit={submit} noValidate aria-label={title}>
      <h3>{title}</h3>
      {formError && <Alert tone="bad">{formError}</Alert>}
      <div className="fields">
        <Field label="Code" error={errors.code} hint="What buyers type at checkout; upper or lower case does not matter.">
          <input value={v.code} onChange={(e) => set('code', e.target.value)} maxLength={64} placeholder="EARLYBIRD" />
        </Field>
        <fieldset className="stack order-fieldset">
          <legend>Discount</legend>
          <div className="row">
            {(
              [
                ['percent', 'Percentage off each ticket'],
                ['amount', 'Amount off each ticket'],
                ['none', 'No discount (access code)'],
              ] as const
            ).map(([kind, label]) => (
              <label key={kind} className="check">
                <input type="radio" name="discount-kind" checked={v.kind === kind} onChange={() => set('kind', kind)} /> {label}
              </label>
            ))}
          </div>
          {v.kind === 'percent' && (
            <Field label="Percent off" error={errors.percent} hint="Rounded half-up to the cent, per ticket.">
              <input
                type="number"
                inputMode="decimal"
                min={0.01}
                max={100}
                step={0.01}
                value={v.percent}
                onChange={(e) => set('percent', e.target.value)}
              />
            </Field>
          )}
          {v.kind === 'amount' && (
            <Field label={`Amount off (${event.currency})`} error={errors.amount} hint="A ticket never costs less than 0.">
              <input
                type="number"
                inputMode="decimal"
                min={0}
                step={decimals === 0 ? 1 : 1 / 10 ** decimals}
                value={v.amount}
                onChange={(e) => set('amount', e.target.value)}
              />
            </Field>
          )}
        </fieldset>
        {v.kind !== 'none' && (
          <TypeChecks
            legend="Applies to"
            hint="None ticked: every ticket type."
            types={types}
            checked={v.ticketTypeIds}
            error={errors.ticketTypeIds}
            onToggle={(id) => toggle('ticketTypeIds', id)}
          />
        )}
        {hidden.length > 0 ? (
          <TypeChecks
            legend="Unlocks hidden types"
            hint="Buyers with the code see these types and may order them."
            types={hidden}
            checked={v.unlocksTicketTypeIds}
            error={errors.unlocksTicketTypeIds}
            onToggle={(id) => toggle('unlocksTicketTypeIds', id)}
          />
        ) : (
          <p className={`small ${errors.unlocksTicketTypeIds ? 'error-text' : 'muted'}`}>
            {errors.unlocksTicketTypeIds ? `${errors.unlocksTicketTypeIds} ` : ''}
            To make an access code, add a hidden ticket type first.
          </p>
        )}
        <div className="grid-2">
          <Field label="Uses in all" error={errors.maxUses} hint="Optional. One order is one use; empty: no limit.">
            <input type="number" inputMode="numeric" min={1} value={v.maxUses} onChange={(e) => set('maxUses', e.target.value)} />
          </Field>
          <Field label="Uses per buyer" error={errors.maxUsesPerBuyer} hint="Optional. Empty: no limit.">
            <input
              type="number"
              inputMode="numeric"
              min={1}
              value={v.maxUsesPerBuyer}
              onChange={(e) => set('maxUsesPerBuyer', e.target.value)}
            />
          </Field>
        </div>
        <div className="grid-2">
          <Field label="Valid from" error={errors.validFrom} hint={`Optional. Local time at the venue (${zone}).`}>
            <input type="datetime-local" value={v.validFrom} onChange={(e) => set('validFrom', e.target.value)} />
          </Field>
          <Field label="Valid until" error={errors.validUntil} hint={`Optional. Local time at the venue (${zone}).`}>
            <input type="datetime-local" value={v.validUntil} onChange={(e) => set('validUntil', e.target.value)} />
          </Field>
        </div>
      </div>
      <div className="form-actions">
        <button type="button" className="btn" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={saving}>
          {saving && <span className="spinner" aria-hidden="true" />}
          {original ? 'Save code' : 'Add code'}
        </button>
      </div>
    </form>
  );
}

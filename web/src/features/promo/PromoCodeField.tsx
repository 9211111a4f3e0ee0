import { useState } from 'react';
import type { TicketType } from '../../api/types';
import { Field } from '../../components/Field';
import { discountLabel } from './promoForm';
import type { AppliedCode } from './useAppliedCode';

/// What the applied code does, in the server's terms (the running total under the types shows
/// what it takes off the tickets chosen).
function AppliedNote({ c, types, currency }: { c: AppliedCode; types: TicketType[]; currency: string }) {
  const promo = c.promo;
  const off = promo ? discountLabel(promo, currency) : null;
  const name = (id: string) => types.find((t) => t.ticketTypeId === id)?.name;
  const limited = (promo?.ticketTypeIds ?? []).map(name).filter(Boolean);
  const unlocked = [...c.unlocked].map(name).filter(Boolean);
  return (
    <p className="small promo-note" role="status">
      <strong>{c.applied}</strong> applied
      {off && `: ${off} ${limited.length ? `each ${limited.join(', ')} ticket` : 'each ticket'}`}
      {unlocked.length > 0 && `${off ? ';' : ':'} unlocks ${unlocked.join(', ')}`}.
    </p>
  );
}

/// The checkout's code field: type a code and apply it (Enter works too; it is no form of its
/// own, as it sits inside the order form), see what it does or why it was refused, remove it.
/// `orderError` is the refusal of the last order because of its code.
export function PromoCodeField({
  code: c,
  types,
  currency,
  orderError,
}: {
  code: AppliedCode;
  types: TicketType[];
  currency: string;
  orderError?: string | null;
}) {
  const error = orderError ?? c.error;
  return (
    <div className="stack promo-field">
      <div className="row row-tight promo-row">
        <Field label="Promo code" error={error} className="promo-input">
          <input
            value={c.draft}
            onChange={(e) => c.setDraft(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                c.apply();
              }
            }}
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            maxLength={64}
          />
        </Field>
        <button type="button" className="btn" onClick={c.apply} disabled={c.checking || !c.draft.trim()}>
          {c.checking && <span className="spinner" aria-hidden="true" />}
          {c.checking ? 'Checking…' : 'Apply'}
        </button>
        {(c.applied || c.error) && (
          <button type="button" className="btn btn-ghost" onClick={c.remove}>
            Remove code
          </button>
        )}
      </div>
      {c.applied && !orderError && <AppliedNote c={c} types={types} currency={currency} />}
    </div>
  );
}

/// The code field behind a "Have a promo code?" button on the event page, open from the start when
/// the address brings a code or the last order's code was refused.
export function PromoCodeDisclosure(props: Parameters<typeof PromoCodeField>[0]) {
  const [open, setOpen] = useState(() => !!props.code.draft);
  const shown = open || !!props.code.applied || !!props.code.error || !!props.orderError;
  if (shown) return <PromoCodeField {...props} />;
  return (
    <button type="button" className="btn btn-ghost btn-sm promo-open" aria-expanded={false} onClick={() => setOpen(true)}>
      Have a promo code?
    </button>
  );
}

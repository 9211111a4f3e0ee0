import { useState } from 'react';
import type { Event } from '../../api/types';
import { isProblem } from '../../api/errors';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Alert, ErrorState, Loading, errorMessage } from '../../components/States';
import { formatEventDate } from '../../lib/format';
import { useDeletePromoCode, usePromoCodes } from './api';
import { PromoCodeForm } from './PromoCodeForm';
import { discountLabel } from './promoForm';
import type { PromoCode } from './types';

/// What a code does, in one line: its discount, the types it is limited to and those it unlocks.
export function codeSummary(c: PromoCode, e: Event): string {
  const name = (id: string) => e.ticketTypes?.find((t) => t.ticketTypeId === id)?.name ?? 'a removed type';
  const parts: string[] = [];
  const off = discountLabel(c, e.currency);
  if (off) parts.push(c.ticketTypeIds.length ? `${off} ${c.ticketTypeIds.map(name).join(', ')}` : `${off} every ticket`);
  if (c.unlocksTicketTypeIds.length) parts.push(`unlocks ${c.unlocksTicketTypeIds.map(name).join(', ')}`);
  return parts.join(' · ');
}

function limitsLine(c: PromoCode, e: Event): string {
  const uses =
    c.maxUses != null ? `${c.uses.toLocaleString()} of ${c.maxUses.toLocaleString()} used` : `${c.uses.toLocaleString()} used`;
  const perBuyer = c.maxUsesPerBuyer != null ? ` · ${c.maxUsesPerBuyer} per buyer` : '';
  const from = c.validFrom ? ` · from ${formatEventDate(c.validFrom, e.timezone)}` : '';
  const until = c.validUntil ? ` · until ${formatEventDate(c.validUntil, e.timezone)}` : '';
  return `${uses}${perBuyer}${from}${until}`;
}

function CodeRow({
  code: c,
  event,
  onEdit,
  onDelete,
}: {
  code: PromoCode;
  event: Event;
  onEdit: () => void;
  onDelete: () => void;
}) {
  return (
    <li className="type-row">
      <div className="type-row-main">
        <strong className="mono">{c.code}</strong>
        <span>{codeSummary(c, event)}</span>
        <span className="small muted">{limitsLine(c, event)}</span>
      </div>
      <div className="type-row-actions">
        <button type="button" className="btn btn-sm" aria-label={`Edit code ${c.code}`} onClick={onEdit}>
          Edit
        </button>
        <button type="button" className="btn btn-sm btn-danger" aria-label={`Delete code ${c.code}`} onClick={onDelete}>
          Delete
        </button>
      </div>
    </li>
  );
}

/// The organizer's promo and access codes of one event: each with what it does and how often it
/// was used, changed or deleted in place, and new ones added.
export function PromoCodesSection({ event: e }: { event: Event }) {
  const codes = usePromoCodes(e.eventId);
  const [editing, setEditing] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<PromoCode | null>(null);
  const remove = useDeletePromoCode(e.eventId);
  const closeDelete = () => {
    setDeleting(null);
    remove.reset();
  };
  return (
    <section className="section card card-pad" aria-labelledby="codes-title">
      <h2 id="codes-title">Promo and access codes</h2>
      <p className="muted small">
        Buyers enter a code at checkout, or open the event page with <span className="mono">?code=…</span>. A code takes money off
        each ticket, unlocks hidden types, or both.
      </p>
      {codes.isPending ? (
        <Loading label="Loading codes…" />
      ) : codes.isError ? (
        <ErrorState error={codes.error} retry={() => codes.refetch()} title="We could not load the codes" />
      ) : (
        <ul className="type-list" aria-label="Codes">
          {codes.data.length === 0 && <li className="muted">No codes yet.</li>}
          {codes.data.map((c) =>
            editing === c.promoCodeId ? (
              <li key={c.promoCodeId}>
                <PromoCodeForm event={e} original={c} onDone={() => setEditing(null)} />
              </li>
            ) : (
              <CodeRow
                key={c.promoCodeId}
                code={c}
                event={e}
                onEdit={() => setEditing(c.promoCodeId)}
                onDelete={() => setDeleting(c)}
              />
            ),
          )}
        </ul>
      )}
      {editing === 'new' ? (
        <PromoCodeForm event={e} onDone={() => setEditing(null)} />
      ) : (
        <button type="button" className="btn" onClick={() => setEditing('new')}>
          Add code
        </button>
      )}
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete code ${deleting?.code ?? ''}?`}
        confirmLabel={remove.isPending ? 'Deleting…' : 'Delete the code'}
        danger
        busy={remove.isPending}
        onConfirm={() => deleting && remove.mutate(deleting.promoCodeId, { onSuccess: closeDelete })}
        onClose={closeDelete}
      >
        <p>Buyers can no longer use it. A code that was used is kept for the books and cannot be deleted.</p>
        {remove.isError && (
          <Alert tone="bad">
            {isProblem(remove.error, 'promo-code-used')
              ? `${deleting?.code ?? 'This code'} was used, so it stays for the books. To stop it, set its uses in all to what it has now, or end its validity.`
              : errorMessage(remove.error)}
          </Alert>
        )}
      </ConfirmDialog>
    </section>
  );
}

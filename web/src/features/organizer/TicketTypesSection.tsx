import type { Event, TicketType } from '../../api/types';
import { classifyError } from '../../api/errors';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Alert, errorMessage } from '../../components/States';
import { formatEventDate, formatPrice } from '../../lib/format';
import { TicketTypeForm } from './TicketTypeForm';
import { useTicketTypeEditor } from './useTicketTypeEditor';
import { RowActions } from './RowActions';

/// What is sold of a type and what limits it.
function soldLine(t: TicketType): string {
  const left = `${t.available.toLocaleString()} can still be ordered`;
  return t.capacity == null
    ? `${t.sold.toLocaleString()} sold · shares the event’s capacity · ${left}`
    : `${t.sold.toLocaleString()} of ${t.capacity.toLocaleString()} sold · ${left}`;
}

/// When a type is on sale, in the event's time zone.
function windowLine(t: TicketType, timezone: string): string {
  const from = t.salesStart ? `from ${formatEventDate(t.salesStart, timezone)}` : 'from now';
  const until = t.salesEnd ? `until ${formatEventDate(t.salesEnd, timezone)}` : 'until the event starts';
  return `On sale ${from} ${until} · ${t.minPerOrder} to ${t.maxPerOrder} per order`;
}

function TypeRow({
  event: e,
  type: t,
  first,
  last,
  busy,
  onMove,
  onEdit,
  onDelete,
  onlyType,
}: {
  event: Event;
  type: TicketType;
  first: boolean;
  last: boolean;
  busy: boolean;
  onMove: (step: -1 | 1) => void;
  onEdit: () => void;
  onDelete: () => void;
  /// An event keeps at least one type, so its only one cannot be deleted.
  onlyType: boolean;
}) {
  return (
    <li className="type-row">
      <div className="type-row-main">
        <strong>
          {t.name} {t.hidden && <span className="badge">Hidden</span>}
        </strong>
        <span>{formatPrice(t.price, e.currency)}</span>
        <span className="small muted">{soldLine(t)}</span>
        <span className="small muted">{windowLine(t, e.timezone)}</span>
      </div>
      <RowActions
        name={t.name}
        first={first}
        last={last}
        busy={busy}
        deleteDisabled={onlyType}
        onMove={onMove}
        onEdit={onEdit}
        onDelete={onDelete}
      />
    </li>
  );
}

/// The organizer's ticket types of one event: each with its price, sales and window, moved up
/// or down, changed or deleted in place, and new ones added. The event's capacity is shared by all.
export function TicketTypesSection({ event: e }: { event: Event }) {
  const editor = useTicketTypeEditor(e);
  const { types, editing, setEditing, deleting } = editor;
  return (
    <section className="section card card-pad" aria-labelledby="types-title">
      <h2 id="types-title">Ticket types</h2>
      <p className="muted small">
        The event’s capacity ({e.capacity.toLocaleString()} seats) is shared by all types; a type’s own capacity limits that type.
      </p>
      {editor.moveError != null && <Alert tone="bad">{errorMessage(editor.moveError)}</Alert>}
      <ul className="type-list">
        {types.map((t, i) =>
          editing === t.ticketTypeId ? (
            <li key={t.ticketTypeId}>
              <TicketTypeForm event={e} original={t} onDone={() => setEditing(null)} />
            </li>
          ) : (
            <TypeRow
              key={t.ticketTypeId}
              event={e}
              type={t}
              first={i === 0}
              last={i === types.length - 1}
              busy={editor.moving}
              onMove={(step) => void editor.move(t, step)}
              onEdit={() => setEditing(t.ticketTypeId)}
              onDelete={() => editor.setDeleting(t)}
              onlyType={types.length === 1}
            />
          ),
        )}
      </ul>
      {editing === 'new' ? (
        <TicketTypeForm event={e} onDone={() => setEditing(null)} />
      ) : (
        <button type="button" className="btn" onClick={() => setEditing('new')}>
          Add ticket type
        </button>
      )}
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete “${deleting?.name ?? ''}”?`}
        confirmLabel={editor.remove.isPending ? 'Deleting…' : 'Delete the type'}
        cancelLabel="Keep it"
        danger
        busy={editor.remove.isPending}
        onConfirm={editor.confirmDelete}
        onClose={editor.closeDelete}
      >
        <p>Buyers will no longer see it. A type that has sales cannot be deleted.</p>
        {editor.remove.isError && (
          <Alert tone="bad">
            {classifyError(editor.remove.error) === 'conflict'
              ? `“${deleting?.name ?? ''}” has been ordered, so it cannot be deleted. Hide it instead: buyers will no longer see it.`
              : errorMessage(editor.remove.error)}
          </Alert>
        )}
      </ConfirmDialog>
    </section>
  );
}

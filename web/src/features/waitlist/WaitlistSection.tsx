import { useState } from 'react';
import type { Event } from '../../api/types';
import { StatusBadge } from '../../components/EventBits';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { PersonCell, ResponsiveTable, type Column } from '../../components/ResponsiveTable';
import { Alert, ErrorState, Loading, errorMessage } from '../../components/States';
import { formatEventDate, formatTimestamp } from '../../lib/format';
import { useEventWaitlist, useManageWaitlist } from './api';
import type { WaitlistEntry } from './types';

const kColumns: Column[] = [
  { label: 'Position', numeric: true },
  { label: 'Person' },
  { label: 'Type' },
  { label: 'Tickets', numeric: true },
  { label: 'State' },
  { label: 'Joined' },
  {},
];

function EntryRow({ entry: w, event: e, onRemove }: { entry: WaitlistEntry; event: Event; onRemove: () => void }) {
  const typeName = w.ticketTypeId
    ? (e.ticketTypes?.find((t) => t.ticketTypeId === w.ticketTypeId)?.name ?? 'A removed type')
    : 'Any';
  const live = w.status === 'waiting' || w.status === 'offered';
  return (
    <tr>
      <td data-label="Position" className="num">
        {live && w.position ? w.position : '–'}
      </td>
      <td data-label="Person">
        <PersonCell name={w.name} email={w.email} note={w.confirmed ? undefined : 'address not confirmed yet'} />
      </td>
      <td data-label="Type">{typeName}</td>
      <td data-label="Tickets" className="num">
        {w.quantity}
      </td>
      <td data-label="State">
        <StatusBadge status={w.status} />
        {w.status === 'offered' && w.offerExpiresAt && (
          <div className="small muted">until {formatEventDate(w.offerExpiresAt, e.timezone)}</div>
        )}
      </td>
      <td data-label="Joined" className="small">
        {formatTimestamp(w.createdAt)}
      </td>
      <td data-label="">
        {live && (
          <button
            type="button"
            className="btn btn-sm btn-ghost"
            onClick={onRemove}
            aria-label={`Remove ${w.name} from the waiting list`}
          >
            Remove
          </button>
        )}
      </td>
    </tr>
  );
}

/// The organizer's view of an event's waiting list: who waits in which order for how many, whose
/// seats are offered until when; pausing offers, and removing someone (a live offer's seats go to
/// the next in line).
export function WaitlistSection({ event: e }: { event: Event }) {
  const list = useEventWaitlist(e.eventId);
  const { remove, setPaused } = useManageWaitlist(e.eventId);
  const [removing, setRemoving] = useState<WaitlistEntry | null>(null);
  const [showAll, setShowAll] = useState(false);
  const close = () => {
    setRemoving(null);
    remove.reset();
  };
  const items = list.data?.items ?? [];
  const shown = showAll ? items : items.filter((w) => w.status === 'waiting' || w.status === 'offered');
  const paused = list.data?.paused ?? false;
  return (
    <section className="section card" aria-labelledby="waitlist-title">
      <div className="card-pad">
        <div className="section-head">
          <h2 id="waitlist-title">Waiting list</h2>
          {list.data && (
            <button
              type="button"
              className="btn btn-sm"
              onClick={() => setPaused.mutate(!paused)}
              disabled={setPaused.isPending}
              aria-pressed={paused}
            >
              {paused ? 'Resume offers' : 'Pause offers'}
            </button>
          )}
        </div>
        <p className="muted small">
          {paused
            ? 'Paused: nobody is offered seats until you resume.'
            : 'Freed seats are offered in order of joining, held for each person until their offer expires.'}
        </p>
        {setPaused.isError && <Alert tone="bad">{errorMessage(setPaused.error)}</Alert>}
        <label className="check">
          <input type="checkbox" checked={showAll} onChange={(ev) => setShowAll(ev.target.checked)} /> Show claimed, expired and
          removed entries too
        </label>
      </div>
      {list.isPending ? (
        <Loading label="Loading the waiting list…" />
      ) : list.isError ? (
        <ErrorState error={list.error} retry={() => list.refetch()} title="We could not load the waiting list" />
      ) : shown.length === 0 ? (
        <p className="muted card-pad">Nobody is waiting.</p>
      ) : (
        <ResponsiveTable columns={kColumns}>
          {shown.map((w) => (
            <EntryRow key={w.waitlistEntryId} entry={w} event={e} onRemove={() => setRemoving(w)} />
          ))}
        </ResponsiveTable>
      )}
      <ConfirmDialog
        open={removing !== null}
        title={`Remove ${removing?.name ?? ''} from the waiting list?`}
        confirmLabel={remove.isPending ? 'Removing…' : 'Remove'}
        danger
        busy={remove.isPending}
        onConfirm={() => removing && remove.mutate(removing.waitlistEntryId, { onSuccess: close })}
        onClose={close}
      >
        <p>
          They lose their place
          {removing?.status === 'offered' ? ', and the seats held for them go to the next person in line' : ''}.
        </p>
        {remove.isError && <Alert tone="bad">{errorMessage(remove.error)}</Alert>}
      </ConfirmDialog>
    </section>
  );
}

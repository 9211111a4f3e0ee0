import type { Event, TicketType } from '../../api/types';
import { Field } from '../../components/Field';
import { Alert, errorMessage } from '../../components/States';
import { formatEventDate, pluralize } from '../../lib/format';
import type { WaitlistEntry } from './types';
import { useJoinWaitlistForm } from './useJoinWaitlistForm';

/// The signed-in person's place on this event's list, with a way to leave it.
function YourEntry({
  entry,
  timeZone,
  onLeave,
  leaving,
}: {
  entry: WaitlistEntry;
  /// The event's: offers end at a time said in the event's zone, as in the offer's email.
  timeZone: string;
  onLeave: () => void;
  leaving: boolean;
}) {
  return (
    <Alert tone="info" title="You are on the waiting list">
      <p>
        {entry.status === 'offered'
          ? `Seats are held for you${entry.offerExpiresAt ? ` until ${formatEventDate(entry.offerExpiresAt, timeZone)}` : ''}: claim them from the email we sent, or from My tickets.`
          : `${pluralize(entry.quantity, 'ticket', 'tickets')}, number ${entry.position ?? '–'} in line. We email you when seats are offered to you.`}
      </p>
      <p className="alert-actions">
        <button type="button" className="btn btn-sm" onClick={onLeave} disabled={leaving}>
          Leave the waiting list
        </button>
      </p>
    </Alert>
  );
}

/// "Join the waiting list" for a sold-out event, or for its sold-out types: signed in, or as a
/// guest with a name and an address (whose place counts once the emailed link confirms it).
export function JoinWaitlist({ event: e, soldOut, signedIn }: { event: Event; soldOut: TicketType[]; signedIn: boolean }) {
  const f = useJoinWaitlistForm(e, soldOut, signedIn);
  if (f.entry)
    return (
      <YourEntry entry={f.entry} timeZone={e.timezone} onLeave={() => f.leave.mutate(f.entry!)} leaving={f.leave.isPending} />
    );
  if (f.join.isSuccess) {
    const w = f.join.data;
    return w.confirmed ? (
      <Alert tone="ok" title="You are on the waiting list">
        Number {w.position ?? '–'} in line. When seats come free they are held for you, and we email you a link to claim them.
      </Alert>
    ) : (
      <Alert tone="ok" title="Check your email to confirm">
        We sent a link to {w.email}. Your place counts once you follow it.
      </Alert>
    );
  }
  if (!f.open) {
    return (
      <button type="button" className="btn btn-block" onClick={() => f.setOpen(true)}>
        Join the waiting list
      </button>
    );
  }
  return (
    <form className="stack" onSubmit={f.submit} noValidate aria-labelledby="join-waitlist-title">
      <h3 id="join-waitlist-title">Join the waiting list</h3>
      <p className="small muted">
        When seats come free they go to the first in line whose number fits: held for you, with an email saying until when.
      </p>
      {!f.everything && soldOut.length > 1 && (
        <Field label="Ticket type">
          <select value={f.values.ticketTypeId} onChange={(ev) => f.set('ticketTypeId', ev.target.value)}>
            {soldOut.map((t) => (
              <option key={t.ticketTypeId} value={t.ticketTypeId}>
                {t.name}
              </option>
            ))}
          </select>
        </Field>
      )}
      {f.everything && (e.ticketTypes?.filter((t) => !t.hidden).length ?? 0) > 1 && (
        <Field label="Ticket type">
          <select value={f.values.ticketTypeId} onChange={(ev) => f.set('ticketTypeId', ev.target.value)}>
            <option value="">Any type</option>
            {soldOut.map((t) => (
              <option key={t.ticketTypeId} value={t.ticketTypeId}>
                {t.name}
              </option>
            ))}
          </select>
        </Field>
      )}
      <Field label="Tickets wanted" error={f.errors.quantity}>
        <input
          type="number"
          inputMode="numeric"
          min={1}
          max={f.most}
          value={f.values.quantity}
          onChange={(ev) => f.set('quantity', ev.target.value)}
        />
      </Field>
      {!signedIn && (
        <>
          <Field label="Your name" error={f.errors.name}>
            <input value={f.values.name} onChange={(ev) => f.set('name', ev.target.value)} autoComplete="name" maxLength={200} />
          </Field>
          <Field label="Your email" error={f.errors.email} hint="We send the link to confirm, and any offer, here.">
            <input
              type="email"
              value={f.values.email}
              onChange={(ev) => f.set('email', ev.target.value)}
              autoComplete="email"
              maxLength={254}
            />
          </Field>
        </>
      )}
      {f.refusal != null && <Alert tone="warn">{typeof f.refusal === 'string' ? f.refusal : errorMessage(f.refusal)}</Alert>}
      <button type="submit" className="btn btn-primary btn-block" disabled={f.join.isPending}>
        {f.join.isPending && <span className="spinner" aria-hidden="true" />}
        Join the waiting list
      </button>
    </form>
  );
}

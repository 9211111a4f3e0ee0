import { queryKeys } from '../../api/queryKeys';
import type { RegistrationRow } from '../../api/types';
import { StatusBadge } from '../../components/EventBits';
import { formatMoney, formatTimestamp, pluralize } from '../../lib/format';
import { SendTicketsButton } from '../tickets/SendTicketsButton';
import { EmailStatus } from './EmailStatus';

/// How many registrations are shown, and what they match while searching (read out as it changes).
export function RegistrationCount({
  count,
  more,
  q,
  searching,
}: {
  count: number;
  /// More pages wait to be loaded.
  more: boolean;
  q: string;
  searching: boolean;
}) {
  const soFar = more ? ' so far' : '';
  return (
    <p id="reg-count" className="small muted reg-count" aria-live="polite" aria-busy={searching}>
      {searching
        ? 'Searching…'
        : q
          ? count === 0
            ? `No registrations match “${q}”`
            : `${pluralize(count, 'registration', 'registrations')}${soFar} ${count === 1 && !more ? 'matches' : 'match'} “${q}”`
          : `${pluralize(count, 'registration', 'registrations')}${soFar}`}
    </p>
  );
}

function RegistrationTableRow({ row: r, onCancel }: { row: RegistrationRow; onCancel: () => void }) {
  const refund = r.amount > 0 && r.status === 'confirmed';
  return (
    <tr>
      <td data-label="Attendee">
        <div>
          <div className="primary">{r.attendee.name}</div>
          <div className="small muted">{r.attendee.email}</div>
        </div>
      </td>
      <td data-label="Status">
        <StatusBadge status={r.status} />
      </td>
      <td data-label="Tickets" className="num">
        {r.quantity}
      </td>
      <td data-label="Checked in" className="num">
        {r.checkedIn}/{r.quantity}
      </td>
      <td data-label="Amount" className="num">
        {r.amount > 0 ? formatMoney(r.amount, r.currency) : 'Free'}
      </td>
      <td data-label="Registered" className="small">
        {formatTimestamp(r.registeredAt)}
      </td>
      <td data-label="Email">
        <div className="email-cell">
          <EmailStatus email={r.email} />
          {r.status === 'confirmed' && (
            <SendTicketsButton
              registrationId={r.registrationId}
              label="Resend tickets"
              accessibleName={`Resend tickets to ${r.attendee.name}`}
              doneText="Queued"
              invalidate={queryKeys.organizer.registrations(r.eventId)}
            />
          )}
        </div>
      </td>
      <td data-label="">
        {(r.status === 'confirmed' || r.status === 'pending_payment') && (
          <button
            type="button"
            className="btn btn-sm btn-ghost"
            onClick={onCancel}
            aria-label={`${refund ? 'Cancel & refund' : 'Cancel'} the registration of ${r.attendee.name}`}
          >
            {refund ? 'Cancel & refund' : 'Cancel'}
          </button>
        )}
      </td>
    </tr>
  );
}

/// The event's registrations as a table (cards on a phone): each with where its confirmation email
/// stands, a resend once it is confirmed, and its cancel button while it holds seats.
export function RegistrationsTable({ rows, onCancel }: { rows: RegistrationRow[]; onCancel: (row: RegistrationRow) => void }) {
  return (
    <div className="table-wrap">
      <table className="table responsive">
        <thead>
          <tr>
            <th scope="col">Attendee</th>
            <th scope="col">Status</th>
            <th scope="col" className="num">
              Tickets
            </th>
            <th scope="col" className="num">
              Checked in
            </th>
            <th scope="col" className="num">
              Amount
            </th>
            <th scope="col">Registered</th>
            <th scope="col">Email</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <RegistrationTableRow key={r.registrationId} row={r} onCancel={() => onCancel(r)} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

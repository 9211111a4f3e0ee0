import { Fragment, useState } from 'react';
import { queryKeys } from '../../api/queryKeys';
import type { Question, RegistrationRow } from '../../api/types';
import { AnswerList } from '../../components/AnswerList';
import { PersonCell, ResponsiveTable, type Column } from '../../components/ResponsiveTable';
import { StatusBadge } from '../../components/EventBits';
import { formatMoney, formatTimestamp, pluralize } from '../../lib/format';
import { SendTicketsButton } from '../tickets/SendTicketsButton';
import { EmailStatus } from './EmailStatus';
import { RegistrationDetails } from './RegistrationDetails';

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

const kColumns: Column[] = [
  { label: 'Attendee' },
  { label: 'Status' },
  { label: 'Tickets', numeric: true },
  { label: 'Checked in', numeric: true },
  { label: 'Amount', numeric: true },
  { label: 'Registered' },
  { label: 'Email' },
  {},
];

/// What the order cost, and how it came about: a comp, a code's discount, money refunded since.
function AmountCell({ row: r }: { row: RegistrationRow }) {
  return (
    <div>
      {r.source === 'comp' ? (
        <span className="badge badge-brand">Comp</span>
      ) : (
        <div>{r.amount > 0 ? formatMoney(r.amount, r.currency) : 'Free'}</div>
      )}
      {!!r.discount && r.discount > 0 && (
        <div className="small muted">
          −{formatMoney(r.discount, r.currency)}
          {r.promoCode ? ` with ${r.promoCode}` : ' discount'}
        </div>
      )}
      {!!r.refundedAmount && r.refundedAmount > 0 && (
        <div className="small muted">{formatMoney(r.refundedAmount, r.currency)} refunded</div>
      )}
    </div>
  );
}

function RegistrationTableRow({
  row: r,
  questions,
  onCancel,
}: {
  row: RegistrationRow;
  questions: Question[];
  onCancel: () => void;
}) {
  const refund = r.amount > (r.refundedAmount ?? 0) && r.status === 'confirmed' && r.source !== 'comp';
  const [open, setOpen] = useState(false);
  const detailsId = `reg-details-${r.registrationId}`;
  return (
    <Fragment>
      <tr>
        <td data-label="Attendee">
          <PersonCell name={r.attendee.name} email={r.attendee.email}>
            <AnswerList questions={questions} answers={r.answers} className="small" />
            <button
              type="button"
              className="btn btn-sm btn-ghost"
              aria-expanded={open}
              aria-controls={open ? detailsId : undefined}
              aria-label={`${open ? 'Hide holders' : 'Holders'} of ${r.attendee.name}’s registration`}
              onClick={() => setOpen((o) => !o)}
            >
              {open ? 'Hide holders' : 'Holders'}
            </button>
          </PersonCell>
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
          <AmountCell row={r} />
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
      {open && (
        <tr id={detailsId} className="reg-details-row">
          <td colSpan={kColumns.length}>
            <RegistrationDetails row={r} questions={questions} />
          </td>
        </tr>
      )}
    </Fragment>
  );
}

/// The event's registrations as a table (cards on a phone): each with the order's answers, its
/// ticket holders on demand, where its confirmation email stands, a resend once it is confirmed,
/// and its cancel button while it holds seats.
export function RegistrationsTable({
  rows,
  questions = [],
  onCancel,
}: {
  rows: RegistrationRow[];
  /// The event's questions, to show answers by their labels.
  questions?: Question[];
  onCancel: (row: RegistrationRow) => void;
}) {
  return (
    <ResponsiveTable columns={kColumns}>
      {rows.map((r) => (
        <RegistrationTableRow key={r.registrationId} row={r} questions={questions} onCancel={() => onCancel(r)} />
      ))}
    </ResponsiveTable>
  );
}

import type { QueryKey } from '@tanstack/react-query';
import { classifyError } from '../../api/errors';
import { Icon } from '../../components/Icon';
import { errorMessage } from '../../components/States';
import { useResendTickets } from './api';

interface Props {
  registrationId: string;
  /// The button's text, and its accessible name when several such buttons share a page.
  label: string;
  accessibleName?: string;
  /// Said once the server accepted (202).
  doneText: string;
  /// The query that shows the registration, reloaded afterwards.
  invalidate: QueryKey;
}

/// Sends a confirmed registration's tickets by email again, and says what became of the request
/// (in a live region beside the button, so the button keeps its place and focus).
export function SendTicketsButton({ registrationId, label, accessibleName, doneText, invalidate }: Props) {
  const send = useResendTickets(invalidate);
  const kind = classifyError(send.error);
  const outcome = send.isSuccess
    ? doneText
    : kind === 'rate-limited'
      ? 'Sent a moment ago. Please try again later.'
      : kind === 'conflict'
        ? 'This registration has no tickets to send any more.'
        : send.isError
          ? errorMessage(send.error)
          : '';
  return (
    <span className="row row-tight send-tickets">
      <button
        type="button"
        className="btn btn-sm"
        onClick={() => send.mutate(registrationId)}
        disabled={send.isPending}
        aria-label={accessibleName}
      >
        {send.isPending ? <span className="spinner" aria-hidden="true" /> : <Icon name="mail" size={15} />}
        {label}
      </button>
      <span role="status" className="small">
        {outcome}
      </span>
    </span>
  );
}

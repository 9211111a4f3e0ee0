import { isProblem } from '../../api/errors';
import type { Event } from '../../api/types';
import { Icon } from '../../components/Icon';
import { Alert, errorMessage } from '../../components/States';
import type { HolderCancel } from '../../lib/cancellation';
import { formatEventDate } from '../../lib/format';

export const kCancellationClosed = 'Cancellation closed — contact the organizer';

/// One line under a registration saying until when it can be cancelled, or why it no longer can.
export function CancelPolicyNote({ policy, event }: { policy: HolderCancel; event?: Event }) {
  if (policy.kind === 'open' && event) {
    return (
      <p className="small muted policy-note">
        <Icon name="clock" size={14} /> Cancellable until {formatEventDate(policy.until, event.timezone)}
      </p>
    );
  }
  if (policy.kind === 'closed' && event) {
    return (
      <p className="small policy-note policy-closed">
        <Icon name="info" size={14} />
        <span>
          <strong>{kCancellationClosed}</strong>
          {policy.why === 'used'
            ? ' — a ticket of this registration was used at the door.'
            : ` — the deadline was ${formatEventDate(policy.deadline, event.timezone)}.`}
        </span>
      </p>
    );
  }
  return null;
}

/// Why a cancel failed, told apart by the problem's type: the policy's refusal gets its own words.
export function CancelError({ error }: { error: unknown }) {
  if (isProblem(error, 'cancellation-closed')) {
    return (
      <Alert tone="bad" title={kCancellationClosed}>
        {error.problem?.detail}
      </Alert>
    );
  }
  return <Alert tone="bad">{errorMessage(error)}</Alert>;
}

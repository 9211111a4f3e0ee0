import type { RegistrationEmail } from '../../api/types';

const kBadges: Record<RegistrationEmail['status'], [tone: string, text: string]> = {
  queued: ['badge-brand', 'Queued'],
  sent: ['badge-ok', 'Sent'],
  retrying: ['badge-warn', 'Retrying'],
  failed: ['badge-bad', 'Failed'],
};

/// Where a registration's confirmation email stands, for its organizer: a badge, and the mail
/// server's reason while it is retried or after it failed. A dash while no email is due (an unpaid
/// order).
export function EmailStatus({ email }: { email: RegistrationEmail | null | undefined }) {
  if (!email) {
    return (
      <span>
        <span aria-hidden="true">—</span>
        <span className="visually-hidden">No email due</span>
      </span>
    );
  }
  const [tone, text] = kBadges[email.status];
  const reason = email.status === 'failed' || email.status === 'retrying' ? email.lastError : undefined;
  return (
    <span className="email-status">
      <span className={`badge ${tone}`}>{text}</span>
      {reason && <span className="small muted email-reason">{reason}</span>}
    </span>
  );
}

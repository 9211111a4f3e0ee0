import type { AdminUser } from '../../api/types';
import { ConfirmDialog } from '../../components/ConfirmDialog';

/// What erasing a person does, said before it is done (it cannot be undone); `self` when the
/// person erases their own account.
export function ErasureExplained({ self = false }: { self?: boolean }) {
  const [their, they] = self ? ['Your', 'you'] : ['Their', 'they'];
  return (
    <ul className="erasure-facts">
      <li>
        {their} name and email are replaced, {their.toLowerCase()} password and open links deleted, and {they} can never sign in
        again.
      </li>
      <li>{their} registrations for events that have not started are cancelled; paid ones are refunded.</li>
      <li>
        Answers and ticket holder names in {their.toLowerCase()} orders, {their.toLowerCase()} address in sent mail and{' '}
        {their.toLowerCase()} name in the audit log are erased.
      </li>
      <li>Counts and money of past events stay, for the books. The erasure itself is audited.</li>
    </ul>
  );
}

export function EraseUserDialog({
  user,
  busy,
  onConfirm,
  onClose,
}: {
  user: AdminUser | null;
  busy: boolean;
  onConfirm: () => void;
  onClose: () => void;
}) {
  return (
    <ConfirmDialog
      open={!!user}
      title={user ? `Erase ${user.name}’s data?` : ''}
      confirmLabel="Erase for good"
      cancelLabel="Keep the account"
      danger
      busy={busy}
      onConfirm={onConfirm}
      onClose={onClose}
    >
      {user && (
        <>
          <p>
            Erasing <strong>{user.email}</strong> answers a request to delete a person’s data. It cannot be undone:
          </p>
          <ErasureExplained />
        </>
      )}
    </ConfirmDialog>
  );
}

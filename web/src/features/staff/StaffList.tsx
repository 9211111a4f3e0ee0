import { useState } from 'react';
import type { StaffListItem } from '../../api/types';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Icon } from '../../components/Icon';
import { Alert, errorMessage } from '../../components/States';
import { formatTimestamp } from '../../lib/format';
import { useRemoveStaff } from './api';

function initials(text: string): string {
  const parts = text
    .trim()
    .split(/[\s@.]+/)
    .filter(Boolean);
  return ((parts[0]?.[0] ?? '?') + (parts.length > 1 ? (parts[1]?.[0] ?? '') : '')).toUpperCase();
}

function StaffRow({ item, onRemove }: { item: StaffListItem; onRemove: () => void }) {
  const active = item.status === 'active';
  return (
    <li>
      <span className="avatar" aria-hidden="true">
        {initials(active && item.name ? item.name : item.email)}
      </span>
      <span className="who">
        {active && item.name ? <strong>{item.name}</strong> : <strong>{item.email}</strong>}
        {active && item.name && <span className="small muted">{item.email}</span>}
      </span>
      <span className="small muted when">
        {active ? (
          <span className="badge badge-ok">Active</span>
        ) : (
          <>
            <span className="badge badge-warn">Invited</span> {item.expiresAt && <>until {formatTimestamp(item.expiresAt)}</>}
          </>
        )}
      </span>
      <button
        type="button"
        className="btn btn-sm"
        onClick={onRemove}
        aria-label={`${active ? 'Remove' : 'Withdraw'} ${item.email}`}
      >
        <Icon name="x" size={14} /> {active ? 'Remove' : 'Withdraw'}
      </button>
    </li>
  );
}

/// Who is on the event's door staff or invited to it, each removable after asking.
export function StaffList({ eventId, items }: { eventId: string; items: StaffListItem[] }) {
  const remove = useRemoveStaff(eventId);
  const [removing, setRemoving] = useState<StaffListItem | null>(null);
  return (
    <>
      <ul className="staff-list" aria-label="Door staff">
        {items.map((item) => (
          <StaffRow key={item.invitationId} item={item} onRemove={() => setRemoving(item)} />
        ))}
      </ul>
      <ConfirmDialog
        open={removing !== null}
        title={removing?.status === 'active' ? 'Remove from the door staff?' : 'Withdraw the invitation?'}
        confirmLabel={removing?.status === 'active' ? 'Remove' : 'Withdraw'}
        danger
        busy={remove.isPending}
        onClose={() => {
          setRemoving(null);
          remove.reset();
        }}
        onConfirm={() => {
          if (!removing) return;
          remove.mutate(removing.invitationId, { onSuccess: () => setRemoving(null) });
        }}
      >
        {removing && (
          <>
            <p>
              {removing.status === 'active'
                ? `${removing.name ?? removing.email} can no longer scan this event’s tickets.`
                : `${removing.email} can no longer accept this invitation.`}
            </p>
            {remove.isError && <Alert tone="bad">{errorMessage(remove.error)}</Alert>}
          </>
        )}
      </ConfirmDialog>
    </>
  );
}

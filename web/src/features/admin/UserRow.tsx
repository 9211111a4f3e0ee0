import { useState } from 'react';
import type { AdminUser, Role } from '../../api/types';
import { Alert } from '../../components/States';
import { formatTimestamp } from '../../lib/format';
import { useChangeRole, useEraseUser, useSetDisabled } from './api';
import { EraseUserDialog } from './EraseUserDialog';
import { accountChangeError } from './messages';

const kRoles: Role[] = ['attendee', 'organizer', 'admin'];

/// One account: its roles (each granted or revoked on its own), disabling or enabling it, and
/// erasing its data; a refusal is shown beside the account.
export function UserRow({ user }: { user: AdminUser }) {
  const role = useChangeRole(user.userId);
  const disabled = useSetDisabled(user.userId);
  const erase = useEraseUser(user.userId);
  const [confirming, setConfirming] = useState(false);
  const busy = role.isPending || disabled.isPending || erase.isPending;
  const error = role.error ?? disabled.error ?? erase.error;
  const erased = user.email.endsWith('@erased.invalid');
  const reset = () => [role, disabled, erase].forEach((m) => m.reset());

  return (
    <li className="admin-user">
      <div className="who">
        <strong>{user.name}</strong>
        <span className="small muted">{user.email}</span>
        <span className="small muted">
          Joined {formatTimestamp(user.createdAt)}
          {user.disabled && (
            <>
              {' · '}
              <span className="badge badge-bad">Disabled</span>
              {user.disabledAt && <> since {formatTimestamp(user.disabledAt)}</>}
            </>
          )}
        </span>
      </div>
      <fieldset className="admin-roles" disabled={busy || erased}>
        <legend className="visually-hidden">Roles of {user.name}</legend>
        {kRoles.map((r) => (
          <label key={r} className="check">
            <input
              type="checkbox"
              checked={user.roles.includes(r)}
              aria-label={`${r} role for ${user.name}`}
              onChange={(e) => {
                reset();
                role.mutate({ role: r, grant: e.target.checked });
              }}
            />
            {r}
          </label>
        ))}
      </fieldset>
      {!erased && (
        <div className="row row-tight">
          <button
            type="button"
            className="btn btn-sm"
            disabled={busy}
            aria-label={`${user.disabled ? 'Enable' : 'Disable'} ${user.name}`}
            onClick={() => {
              reset();
              disabled.mutate(!user.disabled);
            }}
          >
            {user.disabled ? 'Enable' : 'Disable'}
          </button>
          <button
            type="button"
            className="btn btn-sm btn-danger"
            disabled={busy}
            aria-label={`Erase data of ${user.name}`}
            onClick={() => {
              reset();
              setConfirming(true);
            }}
          >
            Erase data
          </button>
        </div>
      )}
      {error && <Alert tone="bad">{accountChangeError(error)}</Alert>}
      {erase.data && (
        <Alert tone="ok">
          Erased. Registrations cancelled: {erase.data.cancelledRegistrations.length}; of them refunded:{' '}
          {erase.data.refundedRegistrations.length}.
        </Alert>
      )}
      <EraseUserDialog
        user={confirming ? user : null}
        busy={erase.isPending}
        onClose={() => setConfirming(false)}
        onConfirm={() => erase.mutate(undefined, { onSettled: () => setConfirming(false) })}
      />
    </li>
  );
}

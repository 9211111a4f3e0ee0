import type { FormEvent } from 'react';
import { Link, Navigate } from 'react-router';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Field } from '../../components/Field';
import { Alert, EmptyState, Loading } from '../../components/States';
import { useTitle } from '../../lib/useTitle';
import { ErasureExplained } from '../admin/EraseUserDialog';
import { useMe } from '../auth/api';
import { oidcConfigQuery } from '../auth/ExternalSignIn';
import { useSession } from '../auth/session';
import { useQuery } from '@tanstack/react-query';
import { useDeleteAccount } from './useDeleteAccount';

/// The signed-in person's account: who they are, and deleting the account with all their data.
/// It stays on screen after the deletion (which ends the session) to say that it is done.
export default function AccountPage() {
  useTitle('Your account');
  const session = useSession();
  const del = useDeleteAccount();
  const me = useMe(session?.user.userId);
  const oidc = useQuery(oidcConfigQuery);
  // Until the server says otherwise, ask for the password as before.
  const hasPassword = me.data?.hasPassword ?? true;
  if (del.erase.isSuccess)
    return (
      <div className="container container-md">
        <EmptyState icon="check" title="Your account was deleted">
          <p>
            Your data was erased and you were signed out. <Link to="/">Back to events</Link>
          </p>
        </EmptyState>
      </div>
    );
  // The deletion forgets the session just before its success is reported.
  if (!session && del.erase.isPending) return <Loading label="Deleting your account…" />;
  if (!session) return <Navigate to={`/login?next=${encodeURIComponent('/account')}`} replace />;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    del.ask();
  };
  return (
    <div className="container container-md">
      <div className="page-head">
        <div>
          <h1>Your account</h1>
          <p>
            {session.user.name} · {session.user.email}
          </p>
        </div>
      </div>
      <section className="section card card-pad delete-account" aria-labelledby="delete-account-title">
        <h2 id="delete-account-title">Delete my account</h2>
        <ErasureExplained self />
        <form onSubmit={submit} aria-label="Delete my account">
          {hasPassword ? (
            <Field label="Your password" error={del.passwordError} hint="To confirm it is you.">
              <input
                className="input"
                type="password"
                autoComplete="current-password"
                value={del.password}
                onChange={(e) => del.setPassword(e.target.value)}
              />
            </Field>
          ) : (
            <p className="small muted">
              You sign in through {oidc.data?.displayName ?? 'your organisation’s sign-in'}, so there is no password to confirm
              with: you can delete the account within 10 minutes of signing in.
            </p>
          )}
          {del.otherError && <Alert tone="bad">{del.otherError}</Alert>}
          {del.signInAgain && (
            <p>
              <a className="btn btn-ghost" href={`/api/auth/oidc/start?returnTo=${encodeURIComponent('/account')}`}>
                Sign in again with {oidc.data?.displayName ?? 'single sign-on'}
              </a>
            </p>
          )}
          <button type="submit" className="btn btn-danger">
            Delete my account
          </button>
        </form>
      </section>
      <ConfirmDialog
        open={del.confirming}
        title="Delete your account for good?"
        confirmLabel="Delete my account and data"
        cancelLabel="Keep my account"
        danger
        busy={del.erase.isPending}
        onConfirm={() => del.erase.mutate()}
        onClose={() => del.setConfirming(false)}
      >
        <p>This cannot be undone. Your tickets for events still to come are cancelled, and paid ones refunded.</p>
      </ConfirmDialog>
    </div>
  );
}

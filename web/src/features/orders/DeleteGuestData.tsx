import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api';
import { classifyError } from '../../api/errors';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Alert, errorMessage } from '../../components/States';

/// "Delete my data" on a guest's order page (GDPR Art. 17): after a confirmation, the server
/// erases the guest's name, address and answers on every order of theirs, cancels those still to
/// come (refunding the paid ones) and retires their links. `onErased` then replaces the page.
export function DeleteGuestData({ token, onErased }: { token: string; onErased: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const erase = useMutation({
    mutationFn: () => api.eraseMyGuestData(token),
    onSuccess: () => onErased(),
    onSettled: () => setConfirming(false),
  });
  const refusal =
    erase.error && classifyError(erase.error) === 'conflict'
      ? 'An account with your address holds these orders: log in and delete your account instead.'
      : erase.error
        ? errorMessage(erase.error)
        : null;
  return (
    <section className="section card card-pad" aria-labelledby="delete-guest-data-title">
      <h2 id="delete-guest-data-title">Delete my data</h2>
      <p className="small muted">
        Erases your name, email address and answers from all your orders made with this address. Orders for events still to come
        are cancelled, and paid ones refunded. This page’s link stops working.
      </p>
      {refusal && <Alert tone="bad">{refusal}</Alert>}
      <button
        type="button"
        className="btn btn-sm btn-danger"
        onClick={() => {
          erase.reset();
          setConfirming(true);
        }}
      >
        Delete my data
      </button>
      <ConfirmDialog
        open={confirming}
        title="Delete your data for good?"
        confirmLabel="Delete my data and cancel my orders"
        cancelLabel="Keep my orders"
        danger
        busy={erase.isPending}
        onConfirm={() => erase.mutate()}
        onClose={() => setConfirming(false)}
      >
        <p>This cannot be undone. Your tickets for events still to come are cancelled, and paid ones refunded.</p>
      </ConfirmDialog>
    </section>
  );
}

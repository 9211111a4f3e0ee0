import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../../api';
import { ApiError } from '../../api/client';
import { classifyError } from '../../api/errors';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Field } from '../../components/Field';
import { Alert, errorMessage } from '../../components/States';

/// Erasing a guest buyer (someone who ordered without an account) on request, by the address they
/// ordered with: the same erasure as an account's, for that address's guest orders.
export function GuestErasureSection() {
  const [email, setEmail] = useState('');
  const [confirming, setConfirming] = useState(false);
  const erase = useMutation({
    mutationFn: (address: string) => api.eraseGuest(address),
    onSuccess: () => setEmail(''),
    onSettled: () => setConfirming(false),
  });
  const error = erase.error;
  const emailError = error instanceof ApiError ? (error.fieldErrors.email ?? null) : null;
  let refusal: string | null = null;
  if (error && !emailError) {
    const kind = classifyError(error);
    if (kind === 'not-found') refusal = 'No guest order was placed with this address (or its data was erased before).';
    else if (kind === 'conflict')
      refusal = 'An account has proved this address and holds its orders: find it under Accounts and erase it there.';
    else refusal = errorMessage(error);
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    erase.reset();
    if (email.trim()) setConfirming(true);
  };
  const done = erase.data;
  return (
    <section className="section card card-pad" aria-labelledby="guest-erasure-title">
      <h2 id="guest-erasure-title">Erase a guest buyer</h2>
      <p className="small muted">
        For someone who ordered without an account: their name, address and answers are erased from every order made with the
        address, orders for events still to come are cancelled (paid ones refunded), and their order links stop working.
      </p>
      <form onSubmit={submit} aria-label="Erase a guest buyer" className="row">
        <Field label="Guest’s email address" error={emailError}>
          <input className="input" type="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
        </Field>
        <button type="submit" className="btn btn-danger">
          Erase guest data
        </button>
      </form>
      {refusal && <Alert tone="bad">{refusal}</Alert>}
      {done && (
        <Alert tone="ok">
          Erased. Orders cancelled: {done.cancelledRegistrations.length}; refunds started: {done.refundedRegistrations.length}.
        </Alert>
      )}
      <ConfirmDialog
        open={confirming}
        title={`Erase the guest data of ${email.trim()}?`}
        confirmLabel="Erase for good"
        cancelLabel="Keep it"
        danger
        busy={erase.isPending}
        onConfirm={() => erase.mutate(email.trim())}
        onClose={() => setConfirming(false)}
      >
        <p>This cannot be undone.</p>
      </ConfirmDialog>
    </section>
  );
}

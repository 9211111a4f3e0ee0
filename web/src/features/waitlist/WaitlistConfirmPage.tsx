import { useEffect, useRef } from 'react';
import { Link, useLocation } from 'react-router';
import { classifyError } from '../../api/errors';
import { Alert, Loading, errorMessage } from '../../components/States';
import { useTitle } from '../../lib/useTitle';
import { tokenFromLocation } from '../orders/orderToken';
import { useConfirmWaitlist } from './api';

/// Opens from the link mailed to a guest who joined a waiting list (`/waitlist/confirm#token=…`)
/// and confirms the address once; only then does the place count. A token works once, so a second
/// POST (StrictMode runs effects twice in development) is kept from going out by the ref.
export default function WaitlistConfirmPage() {
  useTitle('Confirm your place on the waiting list');
  const location = useLocation();
  const token = tokenFromLocation(location.hash, location.search) ?? '';
  const confirm = useConfirmWaitlist();
  const { mutate } = confirm;
  const sent = useRef<string | null>(null);
  useEffect(() => {
    if (!token || sent.current === token) return;
    sent.current = token;
    mutate(token);
  }, [token, mutate]);
  const kind = classifyError(confirm.error);
  const w = confirm.data;

  return (
    <div className="container auth-wrap">
      <div className="card card-pad auth-card">
        <h1>Your place on the waiting list</h1>
        {!token || kind === 'invalid' || kind === 'not-found' ? (
          <Alert tone="bad" title="This link does not work">
            It may have been used already, or it has expired. Join the waiting list again from the event’s page.
          </Alert>
        ) : confirm.isSuccess && w ? (
          <Alert tone="ok" title="Your place is confirmed">
            <p>
              You are number {w.position ?? '–'} in line. When seats come free they are held for you, and we email you a link to
              claim them.
            </p>
            <p className="alert-actions">
              <Link to={`/events/${w.eventId}`} className="btn btn-sm">
                Back to the event
              </Link>
            </p>
          </Alert>
        ) : confirm.isError ? (
          <Alert tone="bad" title="We could not confirm your place">
            <p>{errorMessage(confirm.error)}</p>
            <p className="alert-actions">
              <button type="button" className="btn btn-sm" onClick={() => mutate(token)}>
                Try again
              </button>
            </p>
          </Alert>
        ) : (
          <Loading label="Confirming your place…" />
        )}
      </div>
    </div>
  );
}

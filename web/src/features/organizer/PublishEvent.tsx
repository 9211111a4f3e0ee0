import type { Event } from '../../api/types';
import { Alert, errorMessage } from '../../components/States';
import { usePublishEvent } from './api';

/// A draft's notice: only the organizer sees it, and the button that puts it on sale.
export function PublishEvent({ event: e }: { event: Event }) {
  const publish = usePublishEvent(e.eventId);
  return (
    <section className="section card card-pad" aria-labelledby="publish-title">
      <h2 id="publish-title">This event is a draft</h2>
      <p className="muted">
        Only you can see it. Set up its ticket types, then publish it: it goes on sale and shows in the listing.
      </p>
      {publish.isError && <Alert tone="bad">{errorMessage(publish.error)}</Alert>}
      <button type="button" className="btn btn-primary" disabled={publish.isPending} onClick={() => publish.mutate()}>
        {publish.isPending && <span className="spinner" aria-hidden="true" />}
        {publish.isPending ? 'Publishing…' : 'Publish event'}
      </button>
    </section>
  );
}

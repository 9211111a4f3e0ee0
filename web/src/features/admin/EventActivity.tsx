import { useState } from 'react';
import { ErrorState, Loading } from '../../components/States';
import { useEventAudit } from './api';
import { AuditTable } from './AuditTable';

/// An event's activity for its organizer: every change to it, its registrations, tickets, ticket
/// types, questions and staff, and who made it. Loaded when opened.
export function EventActivity({ eventId }: { eventId: string }) {
  const [open, setOpen] = useState(false);
  const log = useEventAudit(eventId, open);
  const entries = log.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section className="section card card-pad" aria-labelledby="activity-title">
      <div className="section-head">
        <h2 id="activity-title">Activity</h2>
        <button
          type="button"
          className="btn btn-sm"
          aria-expanded={open}
          aria-controls="activity-body"
          onClick={() => setOpen((o) => !o)}
        >
          {open ? 'Hide activity' : 'Show activity'}
        </button>
      </div>
      <div id="activity-body" hidden={!open}>
        {open &&
          (log.isPending ? (
            <Loading label="Loading activity…" />
          ) : log.isError ? (
            <ErrorState error={log.error} retry={() => log.refetch()} />
          ) : entries.length === 0 ? (
            <p className="muted">Nothing recorded yet.</p>
          ) : (
            <>
              <p className="muted small">Newest first, times in your time zone.</p>
              <AuditTable entries={entries} />
              {log.hasNextPage && (
                <button
                  type="button"
                  className="btn btn-sm"
                  disabled={log.isFetchingNextPage}
                  onClick={() => void log.fetchNextPage()}
                >
                  Older entries
                </button>
              )}
            </>
          ))}
      </div>
    </section>
  );
}

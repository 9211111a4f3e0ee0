import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { api } from '../../api';
import type { Event, RegistrationRow } from '../../api/types';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { coverStyle, StatusBadge } from '../../components/EventBits';
import { Icon } from '../../components/Icon';
import { Alert, errorMessage, ErrorState, Loading } from '../../components/States';
import { filenameFrom, saveBlob } from '../../lib/download';
import { formatEventDate, formatMoney, formatPrice, formatTimestamp, pluralize } from '../../lib/format';
import { useDebounced } from '../../lib/useDebounced';
import { useTitle } from '../../lib/useTitle';
import { DoorStaffSection } from '../staff/DoorStaffSection';
import { CancelRegistrationDialog } from './CancelRegistrationDialog';

function Registrations({ event }: { event: Event }) {
  const [search, setSearch] = useState('');
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<string | null>(null);
  const [cancelRow, setCancelRow] = useState<RegistrationRow | null>(null);
  // The server searches (attendee name or email), so a search covers every registration, not
  // just the pages loaded so far.
  const q = useDebounced(search.trim(), 250);
  const rows = useInfiniteQuery({
    queryKey: ['eventRegistrations', event.eventId, q],
    queryFn: ({ pageParam, signal }) => api.eventRegistrations(event.eventId, pageParam, q || undefined, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
  });
  const shown = useMemo(() => rows.data?.pages.flatMap((p) => p.items) ?? [], [rows.data]);
  const searching = search.trim() !== q || (rows.isPlaceholderData && rows.isFetching);

  const exportCsv = async () => {
    setExporting(true);
    setExportError(null);
    try {
      const res = await api.eventRegistrationsCsv(event.eventId);
      const blob = await res.blob();
      saveBlob(
        new Blob([blob], { type: 'text/csv;charset=utf-8' }),
        filenameFrom(res.headers.get('content-disposition'), `registrations-${event.eventId}.csv`),
      );
    } catch (err) {
      setExportError(errorMessage(err));
    } finally {
      setExporting(false);
    }
  };

  return (
    <section className="section card" aria-labelledby="regs-title">
      <div className="card-pad" style={{ paddingBottom: 14 }}>
        <div className="section-head" style={{ marginBottom: 12 }}>
          <h2 id="regs-title">Registrations</h2>
          <button type="button" className="btn btn-sm" onClick={exportCsv} disabled={exporting}>
            {exporting ? <span className="spinner" aria-hidden="true" /> : <Icon name="download" size={15} />}
            Export CSV
          </button>
        </div>
        {exportError && <Alert tone="bad">{exportError}</Alert>}
        <div className="field" style={{ maxWidth: 420 }}>
          <label htmlFor="reg-search" className="visually-hidden">
            Search registrations
          </label>
          <input
            id="reg-search"
            className="input"
            type="search"
            placeholder="Search by attendee name or email"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            maxLength={200}
            aria-describedby="reg-count"
          />
        </div>
      </div>
      {rows.isPending ? (
        <Loading label="Loading registrations…" />
      ) : rows.isError ? (
        <ErrorState error={rows.error} retry={() => rows.refetch()} />
      ) : shown.length === 0 && !q ? (
        <p className="muted card-pad" style={{ paddingTop: 0 }}>
          No registrations yet. Share the event page to get going.
        </p>
      ) : (
        <>
          <p id="reg-count" className="small muted" style={{ padding: '0 22px' }} aria-live="polite" aria-busy={searching}>
            {searching
              ? 'Searching…'
              : q
                ? shown.length === 0
                  ? `No registrations match “${q}”`
                  : `${pluralize(shown.length, 'registration', 'registrations')}${rows.hasNextPage ? ' so far' : ''} ${shown.length === 1 && !rows.hasNextPage ? 'matches' : 'match'} “${q}”`
                : `${pluralize(shown.length, 'registration', 'registrations')}${rows.hasNextPage ? ' so far' : ''}`}
          </p>
          {shown.length > 0 && (
            <div className="table-wrap">
              <table className="table responsive">
                <thead>
                  <tr>
                    <th scope="col">Attendee</th>
                    <th scope="col">Status</th>
                    <th scope="col" className="num">
                      Tickets
                    </th>
                    <th scope="col" className="num">
                      Checked in
                    </th>
                    <th scope="col" className="num">
                      Amount
                    </th>
                    <th scope="col">Registered</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((r) => (
                    <tr key={r.registrationId}>
                      <td data-label="Attendee">
                        <div>
                          <div className="primary">{r.attendee.name}</div>
                          <div className="small muted">{r.attendee.email}</div>
                        </div>
                      </td>
                      <td data-label="Status">
                        <StatusBadge status={r.status} />
                      </td>
                      <td data-label="Tickets" className="num">
                        {r.quantity}
                      </td>
                      <td data-label="Checked in" className="num">
                        {r.checkedIn}/{r.quantity}
                      </td>
                      <td data-label="Amount" className="num">
                        {r.amount > 0 ? formatMoney(r.amount, r.currency) : 'Free'}
                      </td>
                      <td data-label="Registered" className="small">
                        {formatTimestamp(r.registeredAt)}
                      </td>
                      <td data-label="">
                        {(r.status === 'confirmed' || r.status === 'pending_payment') && (
                          <button
                            type="button"
                            className="btn btn-sm btn-ghost"
                            onClick={() => setCancelRow(r)}
                            aria-label={`${r.amount > 0 && r.status === 'confirmed' ? 'Cancel and refund' : 'Cancel'} the registration of ${r.attendee.name}`}
                          >
                            {r.amount > 0 && r.status === 'confirmed' ? 'Cancel & refund' : 'Cancel'}
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {rows.hasNextPage && (
            <div className="load-more" style={{ marginBottom: 18 }}>
              <button
                type="button"
                className="btn btn-sm"
                onClick={() => rows.fetchNextPage()}
                disabled={rows.isFetchingNextPage}
              >
                {rows.isFetchingNextPage ? 'Loading…' : 'Load more'}
              </button>
            </div>
          )}
        </>
      )}
      <CancelRegistrationDialog row={cancelRow} event={event} onClose={() => setCancelRow(null)} />
    </section>
  );
}

export default function ManageEventPage() {
  const { eventId = '' } = useParams();
  const [params] = useSearchParams();
  const queryClient = useQueryClient();
  const event = useQuery({ queryKey: ['event', eventId], queryFn: () => api.event(eventId) });
  const [confirmCancel, setConfirmCancel] = useState(false);
  useTitle(event.data ? `Manage ${event.data.name}` : 'Manage event');
  const cancelEvent = useMutation({
    mutationFn: () => api.cancelEvent(eventId),
    onSuccess: (e) => {
      setConfirmCancel(false);
      queryClient.setQueryData(['event', eventId], e);
      queryClient.invalidateQueries({ queryKey: ['myEvents'] });
      queryClient.invalidateQueries({ queryKey: ['events'] });
      queryClient.invalidateQueries({ queryKey: ['eventRegistrations', eventId] });
    },
  });

  if (event.isPending) return <Loading label="Loading event…" />;
  if (event.isError)
    return (
      <div className="container">
        <ErrorState error={event.error} retry={() => event.refetch()} />
      </div>
    );
  const e = event.data;
  const cancelled = e.status === 'cancelled';

  return (
    <div className="container">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to="/organizer">
          <Icon name="arrowLeft" size={14} /> Your events
        </Link>
      </nav>
      {params.get('created') && (
        <div style={{ marginBottom: 18 }}>
          <Alert tone="ok" title="Your event is live">
            It is on sale now. <Link to={`/events/${e.eventId}`}>See the public page</Link>.
          </Alert>
        </div>
      )}
      {params.get('saved') && !params.get('created') && (
        <div style={{ marginBottom: 18 }}>
          <Alert tone="ok">Changes saved.</Alert>
        </div>
      )}
      <div className="card" style={{ overflow: 'hidden' }}>
        <div style={{ ...coverStyle(e.eventId), height: 10 }} />
        <div className="card-pad">
          <div className="page-head" style={{ marginBottom: 0 }}>
            <div>
              <div className="row" style={{ gap: 8, marginBottom: 6 }}>
                <StatusBadge status={e.status} />
                <span className="small muted">{formatPrice(e.price, e.currency)}</span>
              </div>
              <h1>{e.name}</h1>
              <p>
                {formatEventDate(e.date, e.timezone)} · {e.location}
              </p>
            </div>
            <div className="row" style={{ gap: 8 }}>
              <Link className="btn" to={`/events/${e.eventId}`}>
                <Icon name="external" size={15} /> Public page
              </Link>
              {!cancelled && (
                <Link className="btn" to={`/organizer/events/${e.eventId}/edit`}>
                  <Icon name="edit" size={15} /> Edit
                </Link>
              )}
              <Link className="btn" to={`/organizer/events/${e.eventId}/analytics`}>
                <Icon name="chart" size={15} /> Analytics
              </Link>
              {!cancelled && (
                <Link className="btn btn-primary" to={`/scan/${e.eventId}`}>
                  <Icon name="scan" size={15} /> Scan tickets
                </Link>
              )}
            </div>
          </div>
        </div>
      </div>

      <div className="stats section">
        <div className="card stat">
          <div className="label">Seats taken</div>
          <div className="value">{e.registeredCount.toLocaleString()}</div>
          <div className="sub">of {e.capacity.toLocaleString()}</div>
        </div>
        <div className="card stat">
          <div className="label">Seats left</div>
          <div className="value">{e.seatsLeft.toLocaleString()}</div>
          <div className="sub">{Math.round((e.registeredCount / e.capacity) * 100)}% sold</div>
        </div>
        <div className="card stat">
          <div className="label">Price</div>
          <div className="value">{formatPrice(e.price, e.currency)}</div>
          <div className="sub">{e.currency}</div>
        </div>
        <div className="card stat">
          <div className="label">Per person</div>
          <div className="value">{e.maxPerAttendee}</div>
          <div className="sub">tickets at most</div>
        </div>
      </div>

      <Registrations event={e} />
      {!cancelled && <DoorStaffSection event={e} />}

      {!cancelled && (
        <section className="section card card-pad" aria-labelledby="danger-title" style={{ borderColor: '#f5c2bc' }}>
          <h2 id="danger-title">Cancel this event</h2>
          <p className="muted">
            Every registration is cancelled, paid ones are refunded, and all tickets stop working. This cannot be undone.
          </p>
          <button type="button" className="btn btn-danger" onClick={() => setConfirmCancel(true)}>
            Cancel event…
          </button>
        </section>
      )}

      <ConfirmDialog
        open={confirmCancel}
        title={`Cancel “${e.name}”?`}
        confirmLabel={cancelEvent.isPending ? 'Cancelling…' : 'Cancel the event'}
        cancelLabel="Keep the event"
        danger
        busy={cancelEvent.isPending}
        onConfirm={() => cancelEvent.mutate()}
        onClose={() => {
          setConfirmCancel(false);
          cancelEvent.reset();
        }}
      >
        <p>
          {e.registeredCount > 0
            ? `${pluralize(e.registeredCount, 'seat is', 'seats are')} taken. Those attendees lose their tickets${e.price > 0 ? ' and are refunded' : ''}.`
            : 'Nobody has registered yet.'}
        </p>
        {cancelEvent.isError && <Alert tone="bad">{errorMessage(cancelEvent.error)}</Alert>}
      </ConfirmDialog>
    </div>
  );
}

import type { Event } from '../../api/types';
import { Icon } from '../../components/Icon';
import { Alert, ErrorState, Loading } from '../../components/States';
import { CancelRegistrationDialog } from './CancelRegistrationDialog';
import { RegistrationCount, RegistrationsTable } from './RegistrationsTable';
import { useRegistrationsList } from './useRegistrationsList';
import { useQuestions } from '../events/api';

/// The organizer's list of an event's registrations: search, CSV export, more pages, and
/// cancelling one.
export function RegistrationsSection({ event }: { event: Event }) {
  const list = useRegistrationsList(event.eventId);
  const { rows, shown, q } = list;
  const questions = useQuestions(event.eventId).data ?? [];
  return (
    <section className="section card" aria-labelledby="regs-title">
      <div className="card-pad regs-top">
        <div className="section-head regs-head">
          <h2 id="regs-title">Registrations</h2>
          <div className="row row-tight">
            <button
              type="button"
              className="btn btn-sm"
              onClick={() => void list.exportCsv('registrations')}
              disabled={list.exporting !== null}
            >
              {list.exporting === 'registrations' ? (
                <span className="spinner" aria-hidden="true" />
              ) : (
                <Icon name="download" size={15} />
              )}
              Export CSV
            </button>
            <button
              type="button"
              className="btn btn-sm"
              onClick={() => void list.exportCsv('tickets')}
              disabled={list.exporting !== null}
            >
              {list.exporting === 'tickets' ? (
                <span className="spinner" aria-hidden="true" />
              ) : (
                <Icon name="download" size={15} />
              )}
              Ticket holders CSV
            </button>
          </div>
        </div>
        {list.exportError && <Alert tone="bad">{list.exportError}</Alert>}
        <div className="field regs-search">
          <label htmlFor="reg-search" className="visually-hidden">
            Search registrations
          </label>
          <input
            id="reg-search"
            className="input"
            type="search"
            placeholder="Search by attendee name or email"
            value={list.search}
            onChange={(e) => list.setSearch(e.target.value)}
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
        <p className="muted card-pad regs-empty">No registrations yet. Share the event page to get going.</p>
      ) : (
        <>
          <RegistrationCount count={shown.length} more={rows.hasNextPage} q={q} searching={list.searching} />
          {shown.length > 0 && <RegistrationsTable rows={shown} questions={questions} onCancel={list.setCancelRow} />}
          {rows.hasNextPage && (
            <div className="load-more regs-more">
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
      <CancelRegistrationDialog row={list.cancelRow} event={event} onClose={() => list.setCancelRow(null)} />
    </section>
  );
}

import type { FormEvent } from 'react';
import { Field } from '../../components/Field';
import { ErrorState, Loading } from '../../components/States';
import { AuditTable } from './AuditTable';
import { useAuditFilters, type AuditForm } from './useAuditFilters';

const kTextFilters: { field: keyof AuditForm; label: string; placeholder: string }[] = [
  { field: 'eventId', label: 'Event id', placeholder: 'Any event' },
  { field: 'actorId', label: 'Actor id', placeholder: 'Anyone' },
  { field: 'action', label: 'Action', placeholder: 'e.g. registration.cancelled' },
];

/// The whole audit log, filtered by event, actor, action and time.
export function AuditSection() {
  const { form, set, apply, clear, byActor, log, entries } = useAuditFilters();
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    apply();
  };
  return (
    <section className="section card card-pad" aria-labelledby="admin-audit-title">
      <h2 id="admin-audit-title">Audit log</h2>
      <p className="muted small">Every change Admit made, newest first. Times are in your time zone ({zone}).</p>
      <form className="audit-filters" aria-label="Filter the audit log" onSubmit={submit}>
        {kTextFilters.map((f) => (
          <Field key={f.field} label={f.label}>
            <input
              className="input"
              value={form[f.field]}
              placeholder={f.placeholder}
              onChange={(e) => set(f.field, e.target.value)}
            />
          </Field>
        ))}
        <Field label="From">
          <input className="input" type="datetime-local" value={form.from} onChange={(e) => set('from', e.target.value)} />
        </Field>
        <Field label="To">
          <input className="input" type="datetime-local" value={form.to} onChange={(e) => set('to', e.target.value)} />
        </Field>
        <div className="row row-tight audit-filter-actions">
          <button type="submit" className="btn btn-primary btn-sm">
            Filter
          </button>
          <button type="button" className="btn btn-sm" onClick={clear}>
            Clear filters
          </button>
        </div>
      </form>
      {log.isPending ? (
        <Loading label="Loading the audit log…" />
      ) : log.isError && !log.data ? (
        <ErrorState error={log.error} retry={() => log.refetch()} />
      ) : entries.length === 0 ? (
        <p className="muted">No entries match these filters.</p>
      ) : (
        <>
          <AuditTable entries={entries} onActor={byActor} />
          {log.hasNextPage && (
            <button
              type="button"
              className="btn btn-sm"
              disabled={log.isFetchingNextPage}
              onClick={() => void log.fetchNextPage()}
            >
              {log.isFetchingNextPage && <span className="spinner" aria-hidden="true" />}
              Older entries
            </button>
          )}
        </>
      )}
    </section>
  );
}

import { useMemo, useState } from 'react';
import type { AuditFilters } from '../../api';
import { useAuditLog } from './api';

export interface AuditForm {
  eventId: string;
  actorId: string;
  action: string;
  /// `datetime-local` values: wall-clock time in the viewer's zone.
  from: string;
  to: string;
}

const kEmpty: AuditForm = { eventId: '', actorId: '', action: '', from: '', to: '' };

/// A `datetime-local` value (the viewer's wall clock) as RFC 3339 UTC, or undefined when empty
/// or not a time.
export function localToIso(value: string): string | undefined {
  if (!value) return undefined;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/// The audit log's filters as typed, those applied (on "Filter"), and the pages they find.
export function useAuditFilters() {
  const [form, setForm] = useState<AuditForm>(kEmpty);
  const [applied, setApplied] = useState<AuditForm>(kEmpty);
  const filters: AuditFilters = useMemo(
    () => ({
      eventId: applied.eventId.trim() || undefined,
      actorId: applied.actorId.trim() || undefined,
      action: applied.action.trim() || undefined,
      from: localToIso(applied.from),
      to: localToIso(applied.to),
    }),
    [applied],
  );
  const log = useAuditLog(filters);
  const entries = useMemo(() => log.data?.pages.flatMap((p) => p.items) ?? [], [log.data]);
  const set = (field: keyof AuditForm, value: string) => setForm((f) => ({ ...f, [field]: value }));
  const apply = () => setApplied(form);
  const clear = () => {
    setForm(kEmpty);
    setApplied(kEmpty);
  };
  /// Shows only what one account did.
  const byActor = (actorId: string) => {
    const next = { ...form, actorId };
    setForm(next);
    setApplied(next);
  };
  return { form, set, apply, clear, byActor, filters, log, entries };
}

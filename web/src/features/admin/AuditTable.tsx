import type { AuditEntry } from '../../api/types';
import { formatTimestamp } from '../../lib/format';
import { ResponsiveTable, type Column } from '../../components/ResponsiveTable';

/// Who did it: their name now (the erased placeholder once erased), with the account's id.
function ActorLabel({ entry }: { entry: AuditEntry }) {
  return (
    <>
      {entry.actorName && <span className="audit-actor-name">{entry.actorName} </span>}
      <code className="small">{entry.actorId}</code>
    </>
  );
}

const kColumns: Column[] = [
  { label: 'When' },
  { label: 'Action' },
  { label: 'Subject' },
  { label: 'Actor' },
  { label: 'Details' },
  { label: 'Request' },
];

/// Audit entries, newest first, their times in the viewer's time zone. `onActor`, when given,
/// makes each actor a button that filters the log by them.
export function AuditTable({ entries, onActor }: { entries: AuditEntry[]; onActor?: (actorId: string) => void }) {
  return (
    <ResponsiveTable columns={kColumns}>
      {entries.map((e, i) => (
        <tr key={`${e.at}-${e.subject.id}-${e.action}-${i}`}>
          <td data-label="When">
            <time dateTime={e.at}>{formatTimestamp(e.at)}</time>
          </td>
          <td data-label="Action">
            <code>{e.action}</code>
          </td>
          <td data-label="Subject">
            {e.subject.type} <code>{e.subject.id}</code>
          </td>
          <td data-label="Actor">
            {e.actorId === null ? (
              <span className="muted">System or command line</span>
            ) : onActor ? (
              <button
                type="button"
                className="btn-link"
                aria-label={`${e.actorName ? `${e.actorName} ` : ''}${e.actorId}: show their entries`}
                onClick={() => onActor(e.actorId!)}
              >
                <ActorLabel entry={e} />
              </button>
            ) : (
              <ActorLabel entry={e} />
            )}
          </td>
          <td data-label="Details" className="audit-details">
            {e.details ?? ''}
          </td>
          <td data-label="Request">{e.requestId ? <code>{e.requestId}</code> : ''}</td>
        </tr>
      ))}
    </ResponsiveTable>
  );
}

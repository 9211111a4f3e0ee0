import { Link, useParams } from 'react-router';
import { classifyError } from '../../api/errors';
import { Icon } from '../../components/Icon';
import { Alert, ErrorState } from '../../components/States';
import { formatEventDate, pluralize } from '../../lib/format';
import { Camera } from './Camera';
import { EventPicker } from './EventPicker';
import { ManualEntry } from './ManualEntry';
import { ResultPanel } from './ResultPanel';
import { ScanCounters } from './ScanCounters';
import { ScanHistory } from './ScanHistory';
import { useScanner } from './useScanner';

/// Why this account cannot scan the event: not on its door staff, or no such event.
function CannotScan({ error }: { error: unknown }) {
  const forbidden = classifyError(error) === 'forbidden';
  return (
    <div className="container">
      <ErrorState
        error={error}
        title={forbidden ? 'You are not on the door staff for this event' : 'This event does not exist'}
      />
      {forbidden && (
        <p className="muted text-center">
          Ask the organizer to invite your account’s email under “Door staff”, then accept the invitation under{' '}
          <Link to="/invitations">Invitations</Link>.
        </p>
      )}
    </div>
  );
}

function Scanner({ eventId }: { eventId: string }) {
  const s = useScanner(eventId);
  if (s.fatal) return <CannotScan error={s.fatal} />;
  const e = s.event;
  return (
    <div className="container">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to="/scan">
          <Icon name="arrowLeft" size={14} /> Choose another event
        </Link>
      </nav>
      <div className="page-head">
        <div>
          <h1>{e ? e.name : 'Scan tickets'}</h1>
          <p>{e ? `${formatEventDate(e.date, e.timezone)} · ${e.location}` : 'Loading event…'}</p>
        </div>
        <div className="row">
          <span className={`badge ${s.online ? 'badge-ok' : 'badge-warn'}`} role="status">
            {s.online ? 'Online' : 'Offline'}
          </span>
          {s.queued > 0 && <span className="badge badge-warn">{pluralize(s.queued, 'scan', 'scans')} to sync</span>}
        </div>
      </div>

      {e?.status === 'cancelled' && (
        <div className="mb-16">
          <Alert tone="bad">This event was cancelled; its tickets are void.</Alert>
        </div>
      )}

      <div className="scanner">
        <div className="stack scanner-cam">
          <Camera decoder={s.decoder} onCode={(t) => s.check(t, true)} />
          <ManualEntry
            busy={s.busy}
            decoder={s.decoder}
            fileError={s.fileError}
            onCode={(t) => s.check(t, false)}
            onFile={s.checkFile}
          />
        </div>
        <div className="scanner-result">
          <ResultPanel outcome={s.outcome} busy={s.busy} />
        </div>
        <div className="stack scanner-stats">
          <ScanCounters
            admitted={s.admitted}
            keys={s.keys}
            keysError={s.keysError}
            onRetryKeys={s.loadKeys}
            queued={s.queued}
            online={s.online}
            sync={s.sync}
            syncing={s.syncing}
            onSync={s.runSync}
          />
          <ScanHistory history={s.history} />
        </div>
      </div>
    </div>
  );
}

export default function ScannerPage() {
  const { eventId } = useParams();
  return eventId ? <Scanner key={eventId} eventId={eventId} /> : <EventPicker />;
}

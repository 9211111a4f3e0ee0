import { Icon } from '../../components/Icon';
import { Alert, errorMessage } from '../../components/States';
import { formatTimestamp, pluralize } from '../../lib/format';
import type { SyncReport } from './scan';
import type { KeysState } from './useOffline';
import { kVerdict } from './verdicts';

interface Props {
  admitted: number;
  keys: KeysState | null;
  keysError: unknown;
  onRetryKeys: () => void;
  queued: number;
  online: boolean;
  sync: SyncReport | null;
  syncing: boolean;
  onSync: () => void;
}

/// Guests admitted on this device, whether codes can be checked offline, and the offline queue:
/// its sync, what the server confirmed and what it refused.
export function ScanCounters({ admitted, keys, keysError, onRetryKeys, queued, online, sync, syncing, onSync }: Props) {
  return (
    <section className="card card-pad" aria-labelledby="count-title">
      <div className="row row-between">
        <div>
          <h2 id="count-title" className="label m-0">
            Admitted on this device
          </h2>
          <div className="counter">
            <span className="n" data-testid="admitted-count">
              {admitted}
            </span>
            <span className="muted">{admitted === 1 ? 'guest' : 'guests'}</span>
          </div>
        </div>
        <div className="small muted text-right">
          {keys ? (
            <>
              <Icon name="lock" size={13} /> Offline check ready
              <br />
              keys from {formatTimestamp(keys.fetchedAt)}
            </>
          ) : keysError ? (
            'Offline check unavailable'
          ) : (
            'Fetching scan keys…'
          )}
        </div>
      </div>
      {keysError != null && (
        <div className="mt-12">
          <Alert tone="warn">
            {errorMessage(keysError)}{' '}
            <button type="button" className="btn btn-sm" onClick={onRetryKeys}>
              Retry
            </button>
          </Alert>
        </div>
      )}
      {queued > 0 && online && (
        <div className="row mt-12">
          <button type="button" className="btn btn-sm" onClick={onSync} disabled={syncing}>
            <Icon name="refresh" size={14} /> {syncing ? 'Syncing…' : 'Sync now'}
          </button>
        </div>
      )}
      {sync && sync.sent > 0 && (
        <p className="small muted mt-10 mb-0">
          {pluralize(sync.sent, 'offline scan', 'offline scans')} confirmed with the server.
        </p>
      )}
      {sync && sync.conflicts.length > 0 && (
        <div className="mt-12">
          <Alert tone="bad" title="Offline admissions the server refused">
            <ul className="conflict-list">
              {sync.conflicts.map((c) => (
                <li key={c.scan.id}>
                  Ticket …{c.scan.ticketId.slice(-6)} at {formatTimestamp(c.scan.scannedAt)}:{' '}
                  {kVerdict[c.result.result].title.toLowerCase()}
                  {c.result.holderName ? ` (${c.result.holderName})` : ''}
                </li>
              ))}
            </ul>
          </Alert>
        </div>
      )}
    </section>
  );
}

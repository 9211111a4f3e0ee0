import { Icon } from '../../components/Icon';
import { formatTimestamp } from '../../lib/format';
import type { ScanOutcome } from './scan';
import { kVerdict } from './verdicts';

/// The verdict on the last code, large enough to read at arm's length, announced at once.
export function ResultPanel({ outcome, busy }: { outcome: ScanOutcome | null; busy: boolean }) {
  if (!outcome) {
    return (
      <div className="result result-idle" role="status" aria-live="assertive" data-verdict="none">
        {busy ? <span className="spinner" aria-hidden="true" /> : <Icon name="scan" size={36} />}
        <p>{busy ? 'Checking…' : 'Ready — point the camera at a ticket'}</p>
      </div>
    );
  }
  const v = kVerdict[outcome.verdict];
  return (
    <div className={`result result-${v.tone}`} role="status" aria-live="assertive" data-verdict={outcome.verdict}>
      <div className="verdict">
        <Icon name={v.icon} size={44} />
        {v.title}
      </div>
      {outcome.holderName && <div className="holder">{outcome.holderName}</div>}
      <p>{outcome.detail}</p>
      {outcome.verdict === 'already_used' && outcome.firstScanAt && <p>First scanned {formatTimestamp(outcome.firstScanAt)}</p>}
      {outcome.offline && (
        <p className="small offline-note">
          <Icon name="wifiOff" size={14} /> Decided offline
        </p>
      )}
      {busy && <p className="small">Checking the next code…</p>}
    </div>
  );
}

import { useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, ApiError } from '../../api';
import type { Event, ScanKey } from '../../api/types';
import { DateBadge } from '../../components/EventBits';
import { Field } from '../../components/Field';
import { Icon } from '../../components/Icon';
import { Alert, errorMessage, ErrorState, Loading } from '../../components/States';
import { formatEventDate, formatTimestamp, pluralize } from '../../lib/format';
import { useTitle } from '../../lib/useTitle';
import { hasRole, useSession } from '../auth/session';
import { useMyEvents } from '../organizer/api';
import { decodeFile, getDecoder, type Decoder } from './decoder';
import { offlineStore } from './offlineStore';
import { checkTicket, syncQueue, type ScanOutcome, type SyncReport } from './scan';

const kVerdict: Record<
  ScanOutcome['verdict'],
  { title: string; tone: 'valid' | 'invalid' | 'used'; icon: 'check' | 'x' | 'alert' }
> = {
  valid: { title: 'Admit', tone: 'valid', icon: 'check' },
  already_used: { title: 'Already used', tone: 'used', icon: 'alert' },
  invalid: { title: 'Invalid ticket', tone: 'invalid', icon: 'x' },
  cancelled: { title: 'Cancelled ticket', tone: 'invalid', icon: 'x' },
  wrong_event: { title: 'Wrong event', tone: 'invalid', icon: 'x' },
};
const kDotColor = { valid: '#16a34a', used: '#f59e0b', invalid: '#dc2626' };

function beep(ok: boolean) {
  try {
    navigator.vibrate?.(ok ? 80 : [60, 60, 60]);
    const Ctx = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
    if (!Ctx) return;
    const ctx = new Ctx();
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = ok ? 880 : 220;
    gain.gain.value = 0.08;
    osc.connect(gain).connect(ctx.destination);
    osc.start();
    osc.stop(ctx.currentTime + (ok ? 0.12 : 0.3));
    osc.onended = () => ctx.close();
  } catch {
    // Sound is a nicety.
  }
}

function useOnline(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const on = () => setOnline(true);
    const off = () => setOnline(false);
    window.addEventListener('online', on);
    window.addEventListener('offline', off);
    return () => {
      window.removeEventListener('online', on);
      window.removeEventListener('offline', off);
    };
  }, []);
  return online;
}

function ResultPanel({ outcome, busy }: { outcome: ScanOutcome | null; busy: boolean }) {
  if (!outcome) {
    return (
      <div className="result result-idle" role="status" aria-live="assertive" data-verdict="none">
        {busy ? <span className="spinner" aria-hidden="true" /> : <Icon name="scan" size={36} />}
        <p style={{ fontWeight: 600 }}>{busy ? 'Checking…' : 'Ready — point the camera at a ticket'}</p>
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
        <p className="small" style={{ opacity: 0.9 }}>
          <Icon name="wifiOff" size={14} /> Decided offline
        </p>
      )}
      {busy && <p className="small">Checking the next code…</p>}
    </div>
  );
}

function Camera({ decoder, onCode }: { decoder: Decoder | null; onCode: (text: string) => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const [state, setState] = useState<'off' | 'starting' | 'on' | 'error'>('off');
  const [error, setError] = useState<string | null>(null);
  const stream = useRef<MediaStream | null>(null);
  const onCodeRef = useRef(onCode);
  onCodeRef.current = onCode;

  const stop = useCallback(() => {
    stream.current?.getTracks().forEach((t) => t.stop());
    stream.current = null;
    setState('off');
  }, []);

  const start = useCallback(async () => {
    if (!navigator.mediaDevices?.getUserMedia) {
      setState('error');
      setError('This browser cannot use the camera here (it needs HTTPS). Use manual entry instead.');
      return;
    }
    setState('starting');
    setError(null);
    try {
      const s = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: 'environment', width: { ideal: 1280 }, height: { ideal: 720 } },
        audio: false,
      });
      stream.current = s;
      if (video.current) {
        video.current.srcObject = s;
        await video.current.play().catch(() => undefined);
      }
      setState('on');
      localStorage.setItem('admit.scanner.camera', 'on');
    } catch (e) {
      setState('error');
      const name = (e as Error)?.name;
      setError(
        name === 'NotAllowedError'
          ? 'Camera access was refused. Allow it in the browser settings, or type codes in below.'
          : name === 'NotFoundError'
            ? 'No camera found. Type codes in below.'
            : 'The camera could not start. Type codes in below.',
      );
    }
  }, []);

  // Read frames while the camera runs; a few per second is plenty for a person holding up a phone.
  useEffect(() => {
    if (state !== 'on' || !decoder) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout>;
    const tick = async () => {
      const v = video.current;
      if (!live || !v) return;
      if (v.readyState >= 2) {
        try {
          const text = await decoder.decode(v);
          if (text && live) onCodeRef.current(text);
        } catch {
          // An unreadable frame is normal.
        }
      }
      if (live) timer = setTimeout(tick, 150);
    };
    tick();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [state, decoder]);

  useEffect(() => {
    if (localStorage.getItem('admit.scanner.camera') === 'on') start();
    return () => stream.current?.getTracks().forEach((t) => t.stop());
  }, [start]);

  return (
    <div>
      <div className="viewfinder">
        <video ref={video} playsInline muted aria-label="Camera view" style={{ display: state === 'on' ? 'block' : 'none' }} />
        {state === 'on' && <div className="frame" aria-hidden="true" />}
        {state !== 'on' && (
          <div className="placeholder">
            <Icon name="camera" size={40} />
            <p>{state === 'starting' ? 'Starting the camera…' : 'Camera is off'}</p>
            {state !== 'starting' && (
              <button type="button" className="btn btn-primary" onClick={start}>
                <Icon name="camera" size={16} /> Start camera
              </button>
            )}
          </div>
        )}
      </div>
      {error && (
        <div style={{ marginTop: 10 }}>
          <Alert tone="warn">{error}</Alert>
        </div>
      )}
      {state === 'on' && (
        <div className="row" style={{ marginTop: 10 }}>
          <button
            type="button"
            className="btn btn-sm"
            onClick={() => (stop(), localStorage.setItem('admit.scanner.camera', 'off'))}
          >
            Stop camera
          </button>
        </div>
      )}
    </div>
  );
}

function EventLinks({ events }: { events: Event[] }) {
  return (
    <ul style={{ listStyle: 'none', padding: 0, margin: 0, display: 'grid', gap: 10 }}>
      {events.map((e) => (
        <li key={e.eventId}>
          <Link
            to={`/scan/${e.eventId}`}
            className="card row"
            style={{ padding: 12, textDecoration: 'none', color: 'inherit', flexWrap: 'nowrap' }}
          >
            <DateBadge iso={e.date} timeZone={e.timezone} />
            <div style={{ flex: 1, minWidth: 0 }}>
              <strong>{e.name}</strong>
              <div className="small muted">{formatEventDate(e.date, e.timezone)}</div>
              <div className="small muted">{e.location}</div>
            </div>
            <Icon name="scan" />
          </Link>
        </li>
      ))}
    </ul>
  );
}

function EventPicker() {
  const session = useSession();
  const navigate = useNavigate();
  const isOrganizer = hasRole(session, 'organizer', 'admin');
  const mine = useMyEvents(isOrganizer);
  // The events whose door-staff invitation this account accepted (GET /api/me/staff-events).
  const staffing = useQuery({ queryKey: ['staffEvents'], queryFn: () => api.staffEvents({ limit: 100 }) });
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  useTitle('Scan tickets');
  const go = (e: FormEvent) => {
    e.preventDefault();
    const m = /(?:\/scan\/|\/events\/)?([A-Za-z0-9_-]{10,})\/?$/.exec(text.trim());
    if (!m) {
      setError('Paste the scanner link your organizer shared, or the event id.');
      return;
    }
    navigate(`/scan/${m[1]}`);
  };
  const now = Date.now();
  const upcoming = (mine.data ?? []).filter((e) => e.status !== 'cancelled' && Date.parse(e.date) > now - 12 * 3600_000);
  const ownIds = new Set(upcoming.map((e) => e.eventId));
  const staffed = (staffing.data?.items ?? []).filter((e) => !ownIds.has(e.eventId));
  const showStaffed = !isOrganizer || staffed.length > 0 || staffing.isError;
  return (
    <div className="container" style={{ maxWidth: 760 }}>
      <div className="page-head">
        <div>
          <h1>Scan tickets</h1>
          <p>Choose the event you are admitting guests to.</p>
        </div>
      </div>
      {isOrganizer && (
        <section className="card card-pad" aria-labelledby="pick-title" style={{ marginBottom: 20 }}>
          <h2 id="pick-title">Your events</h2>
          {mine.isPending ? (
            <Loading />
          ) : mine.isError ? (
            <ErrorState error={mine.error} retry={() => mine.refetch()} />
          ) : upcoming.length === 0 ? (
            <p className="muted">No upcoming events.</p>
          ) : (
            <EventLinks events={upcoming} />
          )}
        </section>
      )}
      {showStaffed && (
        <section className="card card-pad" aria-labelledby="staffed-title" style={{ marginBottom: 20 }}>
          <h2 id="staffed-title">Events you are door staff for</h2>
          {staffing.isPending ? (
            <Loading label="Loading your events…" />
          ) : staffing.isError ? (
            <ErrorState error={staffing.error} retry={() => staffing.refetch()} />
          ) : staffed.length === 0 ? (
            <p className="muted">
              You are not on the door staff of an upcoming event yet. When an organizer invites your account’s email, accept the
              invitation under <Link to="/invitations">Invitations</Link>; the event then appears here.
            </p>
          ) : (
            <EventLinks events={staffed} />
          )}
        </section>
      )}
      <section className="card card-pad" aria-labelledby="link-title">
        <h2 id="link-title">Open a scanner link</h2>
        <p className="muted">Or open the scanner link the organizer shared with you, or paste it here.</p>
        <form onSubmit={go} noValidate className="row" style={{ alignItems: 'flex-start' }}>
          <Field label="Scanner link or event id" error={error} className="spacer">
            <input value={text} onChange={(e) => setText(e.target.value)} placeholder="https://…/scan/…" />
          </Field>
          <button type="submit" className="btn btn-primary" style={{ marginTop: 28 }}>
            Open scanner
          </button>
        </form>
      </section>
    </div>
  );
}

function Scanner({ eventId }: { eventId: string }) {
  const event = useQuery({ queryKey: ['event', eventId], queryFn: () => api.event(eventId), retry: 1 });
  const online = useOnline();
  const [decoder, setDecoder] = useState<Decoder | null>(null);
  const [keys, setKeys] = useState<{ keys: ScanKey[]; fetchedAt: string; fresh: boolean } | null>(null);
  const [keysError, setKeysError] = useState<unknown>(null);
  const [outcome, setOutcome] = useState<ScanOutcome | null>(null);
  const [history, setHistory] = useState<ScanOutcome[]>([]);
  const [busy, setBusy] = useState(false);
  const [admitted, setAdmitted] = useState(0);
  const [queued, setQueued] = useState(0);
  const [sync, setSync] = useState<SyncReport | null>(null);
  const [syncing, setSyncing] = useState(false);
  const [fatal, setFatal] = useState<unknown>(null);
  const [manual, setManual] = useState('');
  const [fileError, setFileError] = useState<string | null>(null);
  const last = useRef<{ text: string; at: number } | null>(null);
  const processing = useRef(false);
  useTitle(event.data ? `Scan · ${event.data.name}` : 'Scan tickets');

  const refreshCounts = useCallback(async () => {
    setAdmitted(await offlineStore.admittedCount(eventId));
    setQueued((await offlineStore.queued(eventId)).length);
  }, [eventId]);

  const loadKeys = useCallback(async () => {
    setKeysError(null);
    try {
      const k = await api.scanKeys(eventId);
      await offlineStore.saveKeys(eventId, k.keys);
      setKeys({ keys: k.keys, fetchedAt: new Date().toISOString(), fresh: true });
    } catch (err) {
      if (err instanceof ApiError && (err.status === 403 || err.status === 404)) {
        setFatal(err);
        return;
      }
      setKeysError(err);
      const cached = await offlineStore.loadKeys(eventId);
      if (cached) setKeys({ ...cached, fresh: false });
    }
  }, [eventId]);

  const runSync = useCallback(async () => {
    const pending = await offlineStore.queued(eventId);
    if (!pending.length) return;
    setSyncing(true);
    try {
      const report = await syncQueue(pending, (qr, ev) => api.validateTicket(qr, ev), offlineStore.dequeue);
      setSync((prev) => ({
        sent: (prev?.sent ?? 0) + report.sent,
        conflicts: [...(prev?.conflicts ?? []), ...report.conflicts],
        stillOffline: report.stillOffline,
      }));
    } catch (err) {
      setSync((prev) => ({ sent: prev?.sent ?? 0, conflicts: prev?.conflicts ?? [], stillOffline: false }));
      setKeysError(err);
    } finally {
      setSyncing(false);
      refreshCounts();
    }
  }, [eventId, refreshCounts]);

  useEffect(() => {
    getDecoder().then(setDecoder);
    loadKeys();
    refreshCounts();
  }, [loadKeys, refreshCounts]);

  // Send offline admissions as soon as the network is back, and now and then while some wait.
  useEffect(() => {
    if (!online) return;
    runSync();
    const t = setInterval(runSync, 20_000);
    return () => clearInterval(t);
  }, [online, runSync]);

  const handle = useCallback(
    async (text: string, fromCamera: boolean) => {
      const code = text.trim();
      if (!code || processing.current) return;
      // The camera sees the same code many times a second; act on it once.
      const now = Date.now();
      if (fromCamera && last.current && last.current.text === code && now - last.current.at < 4000) return;
      last.current = { text: code, at: now };
      processing.current = true;
      setBusy(true);
      try {
        const result = await checkTicket(code, {
          eventId,
          validate: (qr, ev) => api.validateTicket(qr, ev),
          keys: async () => keys?.keys ?? (await offlineStore.loadKeys(eventId))?.keys,
          store: offlineStore,
        });
        setOutcome(result);
        setHistory((h) => [result, ...h].slice(0, 50));
        beep(result.verdict === 'valid');
        await refreshCounts();
      } catch (err) {
        if (err instanceof ApiError && err.status === 403) setFatal(err);
        else setKeysError(err);
      } finally {
        processing.current = false;
        setBusy(false);
      }
    },
    [eventId, keys, refreshCounts],
  );

  const onFile = async (file: File | undefined) => {
    setFileError(null);
    if (!file) return;
    try {
      const text = await decodeFile(file);
      if (!text) setFileError('No QR code found in that picture. Try a sharper, closer photo.');
      else await handle(text, false);
    } catch {
      setFileError('That file could not be read as a picture.');
    }
  };

  if (fatal) {
    const forbidden = fatal instanceof ApiError && fatal.status === 403;
    return (
      <div className="container">
        <ErrorState
          error={fatal}
          title={forbidden ? 'You are not on the door staff for this event' : 'This event does not exist'}
        />
        {forbidden && (
          <p style={{ textAlign: 'center' }} className="muted">
            Ask the organizer to invite your account’s email under “Door staff”, then accept the invitation under{' '}
            <Link to="/invitations">Invitations</Link>.
          </p>
        )}
      </div>
    );
  }

  const e: Event | undefined = event.data;
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
          <span className={`badge ${online ? 'badge-ok' : 'badge-warn'}`} role="status">
            {online ? 'Online' : 'Offline'}
          </span>
          {queued > 0 && <span className="badge badge-warn">{pluralize(queued, 'scan', 'scans')} to sync</span>}
        </div>
      </div>

      {e?.status === 'cancelled' && (
        <div style={{ marginBottom: 16 }}>
          <Alert tone="bad">This event was cancelled; its tickets are void.</Alert>
        </div>
      )}

      <div className="scanner">
        <div className="stack scanner-cam">
          <Camera decoder={decoder} onCode={(t) => handle(t, true)} />
          <section className="card card-pad" aria-labelledby="manual-title">
            <h2 id="manual-title" style={{ fontSize: '1.05rem' }}>
              Type or paste a code
            </h2>
            <form
              onSubmit={(ev) => {
                ev.preventDefault();
                const text = manual;
                setManual('');
                handle(text, false);
              }}
              className="row"
              style={{ alignItems: 'flex-end', flexWrap: 'nowrap' }}
            >
              <div className="field spacer">
                <label htmlFor="manual-code">Ticket code</label>
                <input
                  id="manual-code"
                  value={manual}
                  onChange={(ev) => setManual(ev.target.value)}
                  placeholder="A…"
                  autoComplete="off"
                  autoCapitalize="characters"
                  spellCheck={false}
                  className="mono"
                />
              </div>
              <button type="submit" className="btn btn-primary" disabled={!manual.trim() || busy}>
                Check
              </button>
            </form>
            <div style={{ marginTop: 14 }}>
              <label className="btn btn-sm" htmlFor="qr-file" style={{ cursor: 'pointer' }}>
                <Icon name="image" size={15} /> Scan from a photo
              </label>
              <input
                id="qr-file"
                type="file"
                accept="image/*"
                className="visually-hidden"
                onChange={(ev) => {
                  onFile(ev.target.files?.[0]);
                  ev.target.value = '';
                }}
              />
              <span className="small muted" style={{ marginLeft: 10 }} data-decoder={decoder?.kind}>
                Reader: {decoder ? (decoder.kind === 'barcode-detector' ? 'built-in barcode detector' : 'jsQR') : '…'}
              </span>
            </div>
            {fileError && (
              <p className="small" role="alert" style={{ color: 'var(--bad)', margin: '8px 0 0' }}>
                {fileError}
              </p>
            )}
          </section>
        </div>

        <div className="scanner-result">
          <ResultPanel outcome={outcome} busy={busy} />
        </div>
        <div className="stack scanner-stats">
          <section className="card card-pad" aria-labelledby="count-title">
            <div className="row" style={{ justifyContent: 'space-between' }}>
              <div>
                <h2 id="count-title" className="label" style={{ margin: 0 }}>
                  Admitted on this device
                </h2>
                <div className="counter">
                  <span className="n" data-testid="admitted-count">
                    {admitted}
                  </span>
                  <span className="muted">{admitted === 1 ? 'guest' : 'guests'}</span>
                </div>
              </div>
              <div className="small muted" style={{ textAlign: 'right' }}>
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
              <div style={{ marginTop: 12 }}>
                <Alert tone="warn">
                  {errorMessage(keysError)}{' '}
                  <button type="button" className="btn btn-sm" onClick={loadKeys}>
                    Retry
                  </button>
                </Alert>
              </div>
            )}
            {queued > 0 && online && (
              <div className="row" style={{ marginTop: 12 }}>
                <button type="button" className="btn btn-sm" onClick={runSync} disabled={syncing}>
                  <Icon name="refresh" size={14} /> {syncing ? 'Syncing…' : 'Sync now'}
                </button>
              </div>
            )}
            {sync && sync.sent > 0 && (
              <p className="small muted" style={{ margin: '10px 0 0' }}>
                {pluralize(sync.sent, 'offline scan', 'offline scans')} confirmed with the server.
              </p>
            )}
            {sync && sync.conflicts.length > 0 && (
              <div style={{ marginTop: 12 }}>
                <Alert tone="bad" title="Offline admissions the server refused">
                  <ul style={{ margin: '4px 0 0', paddingLeft: 18 }}>
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
          {history.length > 0 && (
            <section className="card card-pad" aria-labelledby="history-title">
              <h2 id="history-title" style={{ fontSize: '1.05rem' }}>
                Recent scans
              </h2>
              <ul className="history">
                {history.map((h, i) => (
                  <li key={`${h.at}-${i}`}>
                    <span className="dot" style={{ background: kDotColor[kVerdict[h.verdict].tone] }} aria-hidden="true" />
                    <strong>{kVerdict[h.verdict].title}</strong>
                    <span className="muted name">{h.holderName ?? (h.ticketId ? `…${h.ticketId.slice(-6)}` : '')}</span>
                    <span className="spacer" />
                    <span className="small muted">{new Date(h.at).toLocaleTimeString()}</span>
                  </li>
                ))}
              </ul>
            </section>
          )}
        </div>
      </div>
    </div>
  );
}

export default function ScannerPage() {
  const { eventId } = useParams();
  return eventId ? <Scanner key={eventId} eventId={eventId} /> : <EventPicker />;
}

import { useCallback, useEffect, useRef, useState } from 'react';
import { Icon } from '../../components/Icon';
import { Alert } from '../../components/States';
import type { Decoder } from './decoder';

/// The camera's view finder: starts and stops the camera (remembering the choice on this device)
/// and hands each code it reads from the frames to `onCode`.
export function Camera({ decoder, onCode }: { decoder: Decoder | null; onCode: (text: string) => void }) {
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
        <video ref={video} playsInline muted aria-label="Camera view" hidden={state !== 'on'} />
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
        <div className="mt-10">
          <Alert tone="warn">{error}</Alert>
        </div>
      )}
      {state === 'on' && (
        <div className="row mt-10">
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

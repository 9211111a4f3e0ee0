import { useState } from 'react';
import { Icon } from '../../components/Icon';
import type { Decoder } from './decoder';

interface Props {
  busy: boolean;
  decoder: Decoder | null;
  fileError: string | null;
  onCode: (text: string) => void;
  onFile: (file: File | undefined) => void;
}

/// A code typed or pasted in, or read from a photo, for when the camera cannot.
export function ManualEntry({ busy, decoder, fileError, onCode, onFile }: Props) {
  const [manual, setManual] = useState('');
  return (
    <section className="card card-pad" aria-labelledby="manual-title">
      <h2 id="manual-title" className="card-title">
        Type or paste a code
      </h2>
      <form
        onSubmit={(ev) => {
          ev.preventDefault();
          const text = manual;
          setManual('');
          onCode(text);
        }}
        className="row manual-entry"
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
      <div className="mt-14">
        <label className="btn btn-sm" htmlFor="qr-file">
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
        <span className="small muted ml-10" data-decoder={decoder?.kind}>
          Reader: {decoder ? (decoder.kind === 'barcode-detector' ? 'built-in barcode detector' : 'jsQR') : '…'}
        </span>
      </div>
      {fileError && (
        <p className="small error-text" role="alert">
          {fileError}
        </p>
      )}
    </section>
  );
}

import { useEffect, useState } from 'react';

const cache = new Map<string, string>();

/// The ticket's code as a QR image, drawn in the browser from the exact text the server signed.
/// The encoder loads with the tickets page only.
export function QrCode({ text, label, className }: { text: string; label: string; className?: string }) {
  const [src, setSrc] = useState(() => cache.get(text) ?? null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (cache.has(text)) {
      setSrc(cache.get(text)!);
      return;
    }
    let live = true;
    import('qrcode')
      .then((QR) =>
        QR.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2, color: { dark: '#111827', light: '#ffffff' } }),
      )
      .then((svg) => {
        const url = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
        cache.set(text, url);
        if (live) setSrc(url);
      })
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
    };
  }, [text]);
  if (failed) return <span className="small muted">The QR code could not be drawn. Show the PDF ticket instead.</span>;
  if (!src) return <span className={`skeleton qr-skeleton ${className ?? ''}`} aria-label="Drawing QR code" role="img" />;
  return <img src={src} alt={label} className={className} width={256} height={256} />;
}

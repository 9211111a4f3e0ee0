/// Reads QR codes from camera frames or pictures: the browser's BarcodeDetector where it has one,
/// else jsQR on the frame's pixels (loaded only when needed).

type Source = HTMLVideoElement | HTMLCanvasElement | ImageBitmap | HTMLImageElement;

interface BarcodeDetectorLike {
  detect(source: Source): Promise<{ rawValue: string }[]>;
}

declare global {
  interface Window {
    BarcodeDetector?: {
      new (opts: { formats: string[] }): BarcodeDetectorLike;
      getSupportedFormats?: () => Promise<string[]>;
    };
  }
}

export type DecoderKind = 'barcode-detector' | 'jsqr';

export interface Decoder {
  kind: DecoderKind;
  decode(source: Source): Promise<string | null>;
}

let canvas: HTMLCanvasElement | null = null;

function sourceSize(source: Source): [number, number] {
  if ('videoWidth' in source) return [source.videoWidth, source.videoHeight];
  if ('naturalWidth' in source) return [source.naturalWidth, source.naturalHeight];
  return [source.width, source.height];
}

/// The pixels of a frame, scaled so the longer side is at most `max` (jsQR's time grows with area).
export function framePixels(source: Source, max = 800): ImageData | null {
  const [w, h] = sourceSize(source);
  if (!w || !h) return null;
  const scale = Math.min(1, max / Math.max(w, h));
  const cw = Math.round(w * scale);
  const ch = Math.round(h * scale);
  canvas ??= document.createElement('canvas');
  canvas.width = cw;
  canvas.height = ch;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) return null;
  ctx.drawImage(source, 0, 0, cw, ch);
  return ctx.getImageData(0, 0, cw, ch);
}

/// jsQR on raw pixels.
export async function decodeImageData(image: ImageData): Promise<string | null> {
  const { default: jsQR } = await import('jsqr');
  const found = jsQR(image.data, image.width, image.height, { inversionAttempts: 'attemptBoth' });
  return found?.data ? found.data : null;
}

const jsqrDecoder: Decoder = {
  kind: 'jsqr',
  async decode(source) {
    const pixels = framePixels(source);
    return pixels ? decodeImageData(pixels) : null;
  },
};

let chosen: Promise<Decoder> | null = null;

/// The best decoder this browser has.
export function getDecoder(): Promise<Decoder> {
  chosen ??= (async () => {
    const BD = typeof window !== 'undefined' ? window.BarcodeDetector : undefined;
    if (BD) {
      try {
        const formats = (await BD.getSupportedFormats?.()) ?? ['qr_code'];
        if (formats.includes('qr_code')) {
          const detector = new BD({ formats: ['qr_code'] });
          return {
            kind: 'barcode-detector',
            async decode(source) {
              try {
                const codes = await detector.detect(source);
                if (codes[0]?.rawValue) return codes[0].rawValue;
              } catch {
                // Some platforms list the API but cannot run it; fall through to jsQR.
              }
              return jsqrDecoder.decode(source);
            },
          } satisfies Decoder;
        }
      } catch {
        // fall back to jsQR
      }
    }
    return jsqrDecoder;
  })();
  return chosen;
}

/// Reads a QR code from a picture file (a photo of a ticket, or a saved QR image).
export async function decodeFile(file: Blob): Promise<string | null> {
  const decoder = await getDecoder();
  const bitmap = await createImageBitmap(file);
  try {
    return await decoder.decode(bitmap);
  } finally {
    bitmap.close?.();
  }
}

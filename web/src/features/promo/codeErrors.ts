import { ApiError } from '../../api';
import { classifyError } from '../../api/errors';

/// Why an order's code was refused, as a sentence for beside the code field; null when the error
/// is not about the code. The server gives unknown, expired and other events' codes the same 400
/// (naming `promoCode`), a used-up code a 409, and too many failed tries a 429.
export function orderCodeError(error: unknown): string | null {
  if (!(error instanceof ApiError)) return null;
  if (error.kind === 'too-many-code-attempts') return kTooManyAttempts;
  if (error.fieldErrors.promoCode !== undefined && error.status === 400) return kNotValid;
  const aboutCode = error.fieldErrors.promoCode !== undefined || /code/.test(error.kind ?? '');
  if (aboutCode && error.status === 409) {
    return `${error.problem?.detail ?? 'This code has been used as often as it may be.'} Remove it to order without it.`;
  }
  if (aboutCode) return error.fieldErrors.promoCode ?? error.message;
  return null;
}

/// Why looking a code up (`GET /api/events/{id}?code=`) failed, or null while it has not.
export function lookupCodeError(error: unknown): string | null {
  if (!error) return null;
  if (error instanceof ApiError && error.kind === 'too-many-code-attempts') return kTooManyAttempts;
  switch (classifyError(error)) {
    case 'not-found':
      return kNotValid;
    case 'rate-limited':
      return kTooManyAttempts;
    case 'network':
    case 'server':
      return 'The code could not be checked just now. Try again in a moment.';
    default:
      return error instanceof Error ? error.message : kNotValid;
  }
}

const kNotValid = 'This code is not valid for this event: check its spelling, or it may have expired.';
const kTooManyAttempts = 'Too many codes were tried from here. Wait a few minutes before trying another.';

import type { ScanOutcome } from './scan';

/// How each verdict is shown: its words, its colour and its icon.
export const kVerdict: Record<
  ScanOutcome['verdict'],
  { title: string; tone: 'valid' | 'invalid' | 'used'; icon: 'check' | 'x' | 'alert' }
> = {
  valid: { title: 'Admit', tone: 'valid', icon: 'check' },
  already_used: { title: 'Already used', tone: 'used', icon: 'alert' },
  invalid: { title: 'Invalid ticket', tone: 'invalid', icon: 'x' },
  cancelled: { title: 'Cancelled ticket', tone: 'invalid', icon: 'x' },
  wrong_event: { title: 'Wrong event', tone: 'invalid', icon: 'x' },
};

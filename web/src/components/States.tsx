import type { ReactNode } from 'react';
import { ApiError } from '../api/client';
import { classifyError } from '../api/errors';
import { Icon, type IconName } from './Icon';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

/// A person-readable sentence for any error the API layer throws.
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    switch (classifyError(error)) {
      case 'not-found':
        return error.problem?.detail ?? 'We could not find that.';
      case 'rate-limited':
        return 'Too many requests right now. Please wait a moment and try again.';
      case 'server':
        return 'The server had a problem. Please try again in a moment.';
      default:
        return error.message;
    }
  }
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}

export function Alert({
  tone = 'info',
  title,
  children,
  icon,
}: {
  tone?: 'info' | 'ok' | 'warn' | 'bad';
  title?: ReactNode;
  children?: ReactNode;
  icon?: IconName;
}) {
  const defaultIcon: Record<string, IconName> = { info: 'info', ok: 'check', warn: 'alert', bad: 'alert' };
  return (
    <div className={`alert alert-${tone}`} role={tone === 'bad' ? 'alert' : 'status'}>
      <Icon name={icon ?? defaultIcon[tone]!} size={20} />
      <div>
        {title && <strong>{title}</strong>}
        {children && <div>{children}</div>}
      </div>
    </div>
  );
}

export function ErrorState({
  error,
  retry,
  title = 'Something went wrong',
}: {
  error: unknown;
  retry?: () => void;
  title?: string;
}) {
  return (
    <div className="state" role="alert">
      <div className="state-icon state-icon-bad">
        <Icon name="alert" size={26} />
      </div>
      <h2>{title}</h2>
      <p>{errorMessage(error)}</p>
      {retry && (
        <button type="button" className="btn" onClick={retry}>
          <Icon name="refresh" size={16} /> Try again
        </button>
      )}
    </div>
  );
}

export function EmptyState({ icon = 'sparkles', title, children }: { icon?: IconName; title: string; children?: ReactNode }) {
  return (
    <div className="state">
      <div className="state-icon">
        <Icon name={icon} size={26} />
      </div>
      <h2>{title}</h2>
      {children}
    </div>
  );
}

import { cloneElement, isValidElement, useId, type ReactElement, type ReactNode } from 'react';
import { Icon } from './Icon';

interface FieldProps {
  label: ReactNode;
  /// The message shown beside the field when its value breaks a rule.
  error?: string | null;
  hint?: ReactNode;
  children: ReactElement<Record<string, unknown>>;
  className?: string;
}

/// A label, its control, a hint and an error, wired together for assistive technology.
export function Field({ label, error, hint, children, className }: FieldProps) {
  const auto = useId();
  const id = (isValidElement(children) && (children.props.id as string | undefined)) || auto;
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  const control = cloneElement(children, {
    id,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy,
  });
  return (
    <div className={`field${className ? ` ${className}` : ''}`}>
      <label htmlFor={id}>{label}</label>
      {control}
      {hint && !error && (
        <span className="hint" id={hintId}>
          {hint}
        </span>
      )}
      {hint && error && (
        <span className="visually-hidden" id={hintId}>
          {hint}
        </span>
      )}
      {error && (
        <span className="error" id={errorId}>
          <Icon name="alert" size={15} />
          {error}
        </span>
      )}
    </div>
  );
}

/// "capacity" + "must be between 1 and 1000000" → "Capacity must be between 1 and 1000000."
export function fieldSentence(label: string, message: string): string {
  const text = `${label} ${message}`.trim();
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

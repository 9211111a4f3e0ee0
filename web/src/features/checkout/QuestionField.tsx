import { useId, type ReactNode } from 'react';
import type { Question } from '../../api/types';
import { Field } from '../../components/Field';
import { Icon } from '../../components/Icon';
import type { AnswerDraft } from './orderForm';

/// The mark of a field that must be filled in; the control itself says so to assistive technology
/// (`aria-required`), so the star is hidden from it.
export function RequiredMark({ required }: { required: boolean }) {
  return required ? (
    <span className="required-mark" aria-hidden="true">
      {' '}
      *
    </span>
  ) : null;
}

function FieldError({ id, error }: { id: string; error?: string | null }) {
  return error ? (
    <span className="error" id={id}>
      <Icon name="alert" size={15} />
      {error}
    </span>
  ) : null;
}

interface Props {
  question: Question;
  value: AnswerDraft | undefined;
  error?: string | null;
  onChange: (value: AnswerDraft) => void;
}

/// Several options ticked: a group of checkboxes named by the question.
function MultiselectField({ question: q, value, error, onChange }: Props) {
  const id = useId();
  const chosen = Array.isArray(value) ? value : [];
  const toggle = (option: string, on: boolean) =>
    onChange(on ? q.options.filter((o) => o === option || chosen.includes(o)) : chosen.filter((o) => o !== option));
  return (
    <fieldset className="field choice-list" aria-describedby={error ? `${id}-error` : undefined}>
      <legend>
        {q.label}
        <RequiredMark required={q.required} />
        {q.required && <span className="visually-hidden"> (choose at least one)</span>}
      </legend>
      {q.options.map((option) => (
        <label key={option} className="check">
          <input type="checkbox" checked={chosen.includes(option)} onChange={(e) => toggle(option, e.target.checked)} />
          {option}
        </label>
      ))}
      <FieldError id={`${id}-error`} error={error} />
    </fieldset>
  );
}

/// A consent: one checkbox whose label is the question.
function CheckboxField({ question: q, value, error, onChange }: Props) {
  const id = useId();
  return (
    <div className="field">
      <label className="check">
        <input
          type="checkbox"
          checked={value === true}
          onChange={(e) => onChange(e.target.checked)}
          aria-required={q.required || undefined}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
        />
        <span>
          {q.label}
          <RequiredMark required={q.required} />
        </span>
      </label>
      <FieldError id={`${id}-error`} error={error} />
    </div>
  );
}

/// One question of the checkout, with the input its type takes and its error beside it.
export function QuestionField(props: Props) {
  const { question: q, value, error, onChange } = props;
  if (q.type === 'multiselect') return <MultiselectField {...props} />;
  if (q.type === 'checkbox') return <CheckboxField {...props} />;
  const text = typeof value === 'string' ? value : '';
  const label: ReactNode = (
    <>
      {q.label}
      <RequiredMark required={q.required} />
    </>
  );
  const common = {
    value: text,
    'aria-required': q.required || undefined,
    onChange: (e: { target: { value: string } }) => onChange(e.target.value),
  };
  let control;
  switch (q.type) {
    case 'multiline':
      control = <textarea {...common} rows={3} maxLength={5000} />;
      break;
    case 'number':
      control = <input {...common} type="number" inputMode="decimal" step="any" />;
      break;
    case 'email':
      control = <input {...common} type="email" autoComplete="off" maxLength={254} />;
      break;
    case 'phone':
      control = <input {...common} type="tel" autoComplete="off" maxLength={40} />;
      break;
    case 'date':
      control = <input {...common} type="date" />;
      break;
    case 'select':
      control = (
        <select {...common}>
          <option value="">{q.required ? 'Choose one' : 'No answer'}</option>
          {q.options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      );
      break;
    default:
      control = <input {...common} type="text" maxLength={500} />;
  }
  return (
    <Field label={label} error={error}>
      {control}
    </Field>
  );
}

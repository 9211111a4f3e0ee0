import type { Question, QuestionInput, QuestionType } from '../../api/types';

/// The kinds of question, as the editor offers them.
export const kQuestionTypes: { type: QuestionType; label: string }[] = [
  { type: 'text', label: 'Short text' },
  { type: 'multiline', label: 'Long text' },
  { type: 'number', label: 'Number' },
  { type: 'email', label: 'Email address' },
  { type: 'phone', label: 'Phone number' },
  { type: 'date', label: 'Date' },
  { type: 'select', label: 'One of several options' },
  { type: 'multiselect', label: 'Several options' },
  { type: 'checkbox', label: 'Consent checkbox' },
];

export const questionTypeLabel = (type: QuestionType) => kQuestionTypes.find((t) => t.type === type)?.label ?? type;

export const hasOptions = (type: QuestionType) => type === 'select' || type === 'multiselect';

/// A question's form as its inputs hold it: the options one per line.
export interface QuestionFormValues {
  label: string;
  type: QuestionType;
  options: string;
  required: boolean;
  scope: 'order' | 'ticket';
  /// Asked of only some ticket types (`ticketTypeIds`), else of every type.
  limited: boolean;
  ticketTypeIds: string[];
}

export type QuestionField = keyof QuestionFormValues;
export type QuestionErrors = Partial<Record<QuestionField, string>>;

export function emptyQuestionForm(): QuestionFormValues {
  return { label: '', type: 'text', options: '', required: false, scope: 'ticket', limited: false, ticketTypeIds: [] };
}

export function formFromQuestion(q: Question): QuestionFormValues {
  return {
    label: q.label,
    type: q.type,
    options: q.options.join('\n'),
    required: q.required,
    scope: q.scope,
    limited: q.ticketTypeIds.length > 0,
    ticketTypeIds: [...q.ticketTypeIds],
  };
}

const optionLines = (text: string) =>
  text
    .split('\n')
    .map((o) => o.trim())
    .filter(Boolean);

const kMaxLabel = 200;
const kMaxOptions = 50;
const kMaxOption = 200;

/// The rules the server applies to a question, checked first so each message shows beside its field.
export function validateQuestionForm(v: QuestionFormValues): QuestionErrors {
  const e: QuestionErrors = {};
  if (!v.label.trim()) e.label = 'Write the question.';
  else if ([...v.label.trim()].length > kMaxLabel) e.label = `Use at most ${kMaxLabel} characters.`;
  if (hasOptions(v.type)) {
    const options = optionLines(v.options);
    const repeated = options.find((o, i) => options.indexOf(o) !== i);
    if (options.length === 0) e.options = 'Give at least one option, one per line.';
    else if (options.length > kMaxOptions) e.options = `Give at most ${kMaxOptions} options.`;
    else if (options.some((o) => [...o].length > kMaxOption)) e.options = `Keep each option to ${kMaxOption} characters.`;
    else if (repeated) e.options = `“${repeated}” is listed twice.`;
  }
  if (v.limited && v.ticketTypeIds.length === 0) e.ticketTypeIds = 'Choose at least one ticket type, or ask every type.';
  return e;
}

/// The question as POST and PUT take it (the whole question; `position` only when given).
export function toQuestionInput(v: QuestionFormValues, position?: number): QuestionInput {
  return {
    label: v.label.trim(),
    type: v.type,
    options: hasOptions(v.type) ? optionLines(v.options) : [],
    required: v.required,
    scope: v.scope,
    ticketTypeIds: v.limited ? v.ticketTypeIds : [],
    ...(position === undefined ? {} : { position }),
  };
}

/// A stored question sent back whole, at another position.
export const questionAt = (q: Question, position: number): QuestionInput => ({
  label: q.label,
  type: q.type,
  options: q.options,
  required: q.required,
  scope: q.scope,
  ticketTypeIds: q.ticketTypeIds,
  position,
});

const kLabels: Record<string, QuestionField> = {
  label: 'label',
  type: 'type',
  options: 'options',
  required: 'required',
  scope: 'scope',
  ticketTypeIds: 'ticketTypeIds',
};

/// The server's {field, message} list beside the editor's fields (`options[2]` beside the options,
/// `ticketTypeIds[0]` beside the types); what the editor has no field for, as sentences.
export function questionServerErrors(errors: Record<string, string>): { fields: QuestionErrors; other: string[] } {
  const fields: QuestionErrors = {};
  const other: string[] = [];
  for (const [field, message] of Object.entries(errors)) {
    const m = /^(\w+)(?:\[(\d+)\])?$/.exec(field);
    const key = m ? kLabels[m[1]!] : undefined;
    const sentence = `${m?.[2] !== undefined ? `Option ${Number(m[2]) + 1}` : 'This'} ${message}`.replace(/\.?$/, '.');
    if (key && !fields[key])
      fields[key] = key === 'ticketTypeIds' && m?.[2] !== undefined ? `A ticket type ${message}.` : sentence;
    else if (!key) other.push(`${field} ${message}`.replace(/\.?$/, '.'));
  }
  return { fields, other };
}

import type { AnswerValue, Answers, Question } from '../api/types';

/// An answer as people read it: choices joined, a ticked box as "Yes", numbers and dates as given.
export function answerText(value: AnswerValue): string {
  if (Array.isArray(value)) return value.join(', ');
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  return String(value);
}

/// The answers given, each under its question's label, in the questions' order. Answers to a
/// question deleted since are shown under "Removed question". Nothing when there are none.
export function AnswerList({ questions, answers, className }: { questions: Question[]; answers?: Answers; className?: string }) {
  const given = Object.entries(answers ?? {});
  if (given.length === 0) return null;
  const order = new Map(questions.map((q, i) => [q.questionId, i] as const));
  given.sort(([a], [b]) => (order.get(a) ?? Infinity) - (order.get(b) ?? Infinity));
  return (
    <dl className={`answers${className ? ` ${className}` : ''}`}>
      {given.map(([id, value]) => (
        <div key={id}>
          <dt>{questions.find((q) => q.questionId === id)?.label ?? 'Removed question'}</dt>
          <dd>{answerText(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

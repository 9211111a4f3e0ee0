import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api';
import type { Event, Question } from '../../api/types';
import { errorMessage } from '../../components/States';
import { useQuestions } from '../events/api';
import { byPosition } from '../checkout/orderForm';
import { useCreateQuestion, useDeleteQuestion, useUpdateQuestion } from './api';
import {
  emptyQuestionForm,
  formFromQuestion,
  questionAt,
  questionServerErrors,
  toQuestionInput,
  validateQuestionForm,
  type QuestionErrors,
  type QuestionFormValues,
} from './questionForm';

/// The positions that give `order` (only those that change).
export function questionPositions(order: Question[]): { question: Question; position: number }[] {
  return order.flatMap((q, i) => (q.position === i ? [] : [{ question: q, position: i }]));
}

/// The question editor's list: which question is being changed ('new' for one being added), which
/// is about to be deleted, and moving one up or down (by rewriting positions).
export function useQuestionEditor(event: Event) {
  const list = useQuestions(event.eventId);
  const [editing, setEditing] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<Question | null>(null);
  const [moveError, setMoveError] = useState<unknown>(null);
  const [moving, setMoving] = useState(false);
  const update = useUpdateQuestion(event.eventId);
  const remove = useDeleteQuestion(event.eventId);
  const questions = byPosition(list.data ?? []);

  const move = async (q: Question, step: -1 | 1) => {
    const from = questions.indexOf(q);
    const to = from + step;
    if (to < 0 || to >= questions.length) return;
    const order = [...questions];
    [order[from], order[to]] = [order[to]!, order[from]!];
    setMoveError(null);
    setMoving(true);
    try {
      for (const { question, position } of questionPositions(order))
        await update.mutateAsync({ questionId: question.questionId, input: questionAt(question, position) });
    } catch (error) {
      setMoveError(error);
    } finally {
      setMoving(false);
    }
  };

  const confirmDelete = () => {
    if (deleting) remove.mutate(deleting.questionId, { onSuccess: () => setDeleting(null) });
  };
  const closeDelete = () => {
    setDeleting(null);
    remove.reset();
  };

  return {
    list,
    questions,
    editing,
    setEditing,
    deleting,
    setDeleting,
    confirmDelete,
    closeDelete,
    remove,
    move,
    moving,
    moveError,
  };
}

/// One question's form: a new question when `original` is absent, else the whole question sent again.
export function useQuestionForm(event: Event, original: Question | undefined, onDone: () => void) {
  const [values, setValues] = useState<QuestionFormValues>(() => (original ? formFromQuestion(original) : emptyQuestionForm()));
  const [errors, setErrors] = useState<QuestionErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const create = useCreateQuestion(event.eventId);
  const update = useUpdateQuestion(event.eventId);

  const set = <K extends keyof QuestionFormValues>(key: K, value: QuestionFormValues[K]) => {
    setValues((v) => ({ ...v, [key]: value }));
    if (errors[key]) setErrors(({ [key]: _, ...rest }) => rest);
  };
  const toggleType = (ticketTypeId: string, on: boolean) =>
    set('ticketTypeIds', on ? [...values.ticketTypeIds, ticketTypeId] : values.ticketTypeIds.filter((id) => id !== ticketTypeId));

  const onError = (error: unknown) => {
    if (error instanceof ApiError && Object.keys(error.fieldErrors).length) {
      const { fields, other } = questionServerErrors(error.fieldErrors);
      setErrors(fields);
      setFormError(other.length ? other.join(' ') : null);
    } else setFormError(errorMessage(error));
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    const found = validateQuestionForm(values);
    setErrors(found);
    if (Object.keys(found).length) return;
    if (original) {
      const input = toQuestionInput(values, original.position);
      update.mutate({ questionId: original.questionId, input }, { onSuccess: onDone, onError });
    } else create.mutate(toQuestionInput(values), { onSuccess: onDone, onError });
  };

  return { values, errors, formError, set, toggleType, submit, saving: create.isPending || update.isPending };
}

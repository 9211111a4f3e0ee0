import type { Dispatch, SetStateAction } from 'react';
import type { AnswerDraft, OrderErrors, OrderFormValues } from './orderForm';

/// The edits of the holders-and-questions form, shared by checkout and the waiting-list offer
/// page: each change writes the field and clears that field's error, named as the server names
/// it (`attendees[1].answers.<questionId>`).
export function orderFormEdits(
  form: OrderFormValues,
  setValues: Dispatch<SetStateAction<OrderFormValues | null>>,
  errors: OrderErrors,
  setErrors: Dispatch<SetStateAction<OrderErrors>>,
) {
  const clear = (field: string) => {
    if (errors[field]) setErrors(({ [field]: _, ...rest }) => rest);
  };
  const update = (next: (v: OrderFormValues) => OrderFormValues) => setValues(next(form));
  const setHolder = (i: number, key: 'name' | 'email', value: string) => {
    update((v) => ({ ...v, holders: v.holders.map((h, j) => (j === i ? { ...h, [key]: value } : h)) }));
    clear(`attendees[${i}].${key}`);
  };
  const setHolderAnswer = (i: number, questionId: string, value: AnswerDraft) => {
    update((v) => ({
      ...v,
      holders: v.holders.map((h, j) => (j === i ? { ...h, answers: { ...h.answers, [questionId]: value } } : h)),
    }));
    clear(`attendees[${i}].answers.${questionId}`);
  };
  const setOrderAnswer = (questionId: string, value: AnswerDraft) => {
    update((v) => ({ ...v, answers: { ...v.answers, [questionId]: value } }));
    clear(`answers.${questionId}`);
  };
  return { clear, update, setHolder, setHolderAnswer, setOrderAnswer };
}

import type { Event, Question, QuestionType } from '../../api/types';
import { Field } from '../../components/Field';
import { Icon } from '../../components/Icon';
import { Alert } from '../../components/States';
import { hasOptions, kQuestionTypes } from './questionForm';
import { useQuestionForm } from './useQuestionEditor';

/// Adding or changing one question, in place in the list.
export function QuestionForm({ event, original, onDone }: { event: Event; original?: Question; onDone: () => void }) {
  const { values, errors, formError, set, toggleType, submit, saving } = useQuestionForm(event, original, onDone);
  const types = [...(event.ticketTypes ?? [])].sort((a, b) => a.position - b.position);
  const title = original ? `Change “${original.label}”` : 'New question';
  return (
    <form className="type-form" onSubmit={submit} noValidate aria-label={title}>
      <h3>{title}</h3>
      {formError && <Alert tone="bad">{formError}</Alert>}
      <div className="fields">
        <Field label="Question" error={errors.label} hint="What the checkout form asks, e.g. “Dietary requirements”.">
          <input value={values.label} onChange={(e) => set('label', e.target.value)} maxLength={200} />
        </Field>
        <div className="grid-2">
          <Field label="Kind of answer" error={errors.type}>
            <select value={values.type} onChange={(e) => set('type', e.target.value as QuestionType)}>
              {kQuestionTypes.map((t) => (
                <option key={t.type} value={t.type}>
                  {t.label}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Asked" error={errors.scope}>
            <select value={values.scope} onChange={(e) => set('scope', e.target.value as 'order' | 'ticket')}>
              <option value="ticket">Of every ticket holder</option>
              <option value="order">Once per order</option>
            </select>
          </Field>
        </div>
        {hasOptions(values.type) && (
          <Field label="Options" error={errors.options} hint="One per line, in the order buyers see them.">
            <textarea value={values.options} onChange={(e) => set('options', e.target.value)} rows={4} />
          </Field>
        )}
        <label className="check">
          <input type="checkbox" checked={values.required} onChange={(e) => set('required', e.target.checked)} />
          {values.type === 'checkbox' ? 'Required: the box must be ticked to order' : 'Required: an order needs an answer'}
        </label>
        {types.length > 1 && (
          <fieldset className="choice-list" aria-describedby={errors.ticketTypeIds ? 'q-types-error' : undefined}>
            <legend>Ticket types</legend>
            <label className="check">
              <input type="checkbox" checked={values.limited} onChange={(e) => set('limited', e.target.checked)} />
              Ask only with some ticket types
            </label>
            {values.limited &&
              types.map((t) => (
                <label key={t.ticketTypeId} className="check nested">
                  <input
                    type="checkbox"
                    checked={values.ticketTypeIds.includes(t.ticketTypeId)}
                    onChange={(e) => toggleType(t.ticketTypeId, e.target.checked)}
                  />
                  {t.name}
                  {t.hidden && ' (hidden)'}
                </label>
              ))}
            {errors.ticketTypeIds && (
              <span className="error" id="q-types-error">
                <Icon name="alert" size={15} />
                {errors.ticketTypeIds}
              </span>
            )}
          </fieldset>
        )}
      </div>
      <div className="form-actions">
        <button type="button" className="btn" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={saving}>
          {saving && <span className="spinner" aria-hidden="true" />}
          {original ? 'Save question' : 'Add question'}
        </button>
      </div>
    </form>
  );
}

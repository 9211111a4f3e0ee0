import type { Event, Question } from '../../api/types';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Alert, ErrorState, Loading, errorMessage } from '../../components/States';
import { QuestionForm } from './QuestionForm';
import { questionTypeLabel } from './questionForm';
import { useQuestionEditor } from './useQuestionEditor';
import { RowActions } from './RowActions';

/// What a question takes and of whom it is asked, in a line.
function questionLine(q: Question, event: Event): string {
  const types = q.ticketTypeIds
    .map((id) => event.ticketTypes?.find((t) => t.ticketTypeId === id)?.name)
    .filter(Boolean)
    .join(', ');
  const who = q.scope === 'order' ? 'Once per order' : 'Of every ticket holder';
  const which = types ? ` · only with ${types}` : '';
  const options = q.options.length ? ` · ${q.options.join(', ')}` : '';
  return `${questionTypeLabel(q.type)} · ${who}${which}${options}`;
}

function QuestionRow({
  question: q,
  event,
  first,
  last,
  busy,
  onMove,
  onEdit,
  onDelete,
}: {
  question: Question;
  event: Event;
  first: boolean;
  last: boolean;
  busy: boolean;
  onMove: (step: -1 | 1) => void;
  onEdit: () => void;
  onDelete: () => void;
}) {
  return (
    <li className="type-row">
      <div className="type-row-main">
        <strong>
          {q.label} {q.required && <span className="badge">Required</span>}
        </strong>
        <span className="small muted">{questionLine(q, event)}</span>
      </div>
      <RowActions name={q.label} first={first} last={last} busy={busy} onMove={onMove} onEdit={onEdit} onDelete={onDelete} />
    </li>
  );
}

/// The organizer's checkout questions of one event: asked per order or per ticket, of every type or
/// some, required or not; moved up or down, changed or deleted in place, and new ones added.
export function QuestionsSection({ event: e }: { event: Event }) {
  const editor = useQuestionEditor(e);
  const { list, questions, editing, setEditing, deleting } = editor;
  return (
    <section className="section card card-pad" aria-labelledby="questions-title">
      <h2 id="questions-title">Checkout questions</h2>
      <p className="muted small">
        Every ticket asks its holder’s name. Add what else you need to know, asked once per order or of every ticket holder.
      </p>
      {editor.moveError != null && <Alert tone="bad">{errorMessage(editor.moveError)}</Alert>}
      {list.isPending ? (
        <Loading label="Loading questions…" />
      ) : list.isError ? (
        <ErrorState error={list.error} retry={() => list.refetch()} title="We could not load the questions" />
      ) : (
        <>
          {questions.length === 0 && editing !== 'new' && <p className="muted">No questions yet.</p>}
          <ul className="type-list" aria-label="Questions">
            {questions.map((q, i) =>
              editing === q.questionId ? (
                <li key={q.questionId}>
                  <QuestionForm event={e} original={q} onDone={() => setEditing(null)} />
                </li>
              ) : (
                <QuestionRow
                  key={q.questionId}
                  question={q}
                  event={e}
                  first={i === 0}
                  last={i === questions.length - 1}
                  busy={editor.moving}
                  onMove={(step) => void editor.move(q, step)}
                  onEdit={() => setEditing(q.questionId)}
                  onDelete={() => editor.setDeleting(q)}
                />
              ),
            )}
          </ul>
          {editing === 'new' ? (
            <QuestionForm event={e} onDone={() => setEditing(null)} />
          ) : (
            <button type="button" className="btn" onClick={() => setEditing('new')}>
              Add question
            </button>
          )}
        </>
      )}
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete “${deleting?.label ?? ''}”?`}
        confirmLabel={editor.remove.isPending ? 'Deleting…' : 'Delete the question'}
        cancelLabel="Keep it"
        danger
        busy={editor.remove.isPending}
        onConfirm={editor.confirmDelete}
        onClose={editor.closeDelete}
      >
        <p>New orders will not be asked it. Answers already given stay with their orders.</p>
        {editor.remove.isError && <Alert tone="bad">{errorMessage(editor.remove.error)}</Alert>}
      </ConfirmDialog>
    </section>
  );
}

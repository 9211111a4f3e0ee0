import type { Event } from '../../api/types';
import { Field } from '../../components/Field';
import { Alert } from '../../components/States';
import { pluralize } from '../../lib/format';
import type { LineError } from './parseRecipients';
import { useCompsForm } from './useCompsForm';

function LineErrors({ errors }: { errors: LineError[] }) {
  return (
    <Alert tone="bad" title={`${pluralize(errors.length, 'line needs', 'lines need')} fixing; nothing was sent`}>
      <ul className="line-errors">
        {errors.map((e) => (
          <li key={e.line}>
            Line {e.line} (<span className="mono">{e.text}</span>): {e.message}
          </li>
        ))}
      </ul>
    </Alert>
  );
}

/// What the guest list's box says of its wrong lines ("Lines 2 and 3 need fixing."), so the box
/// itself is marked invalid and tells assistive technology which lines; the alert under it says why.
export function linesNeedFixing(errors: LineError[]): string | null {
  if (errors.length === 0) return null;
  const numbers = new Intl.ListFormat('en', { type: 'conjunction' }).format(errors.map((e) => String(e.line)));
  return errors.length === 1 ? `Line ${numbers} needs fixing.` : `Lines ${numbers} need fixing.`;
}

/// The organizer issues free tickets: to one person, or to a pasted guest list. They count
/// against capacity like any order, each recipient gets an email with the tickets (a guest order
/// link without an account), and they show as "Comp" among the registrations.
export function CompsSection({ event: e }: { event: Event }) {
  const f = useCompsForm(e);
  const types = [...(e.ticketTypes ?? [])].sort((a, b) => a.position - b.position);
  return (
    <section className="section card card-pad" aria-labelledby="comps-title">
      <h2 id="comps-title">Complimentary tickets</h2>
      <p className="muted small">
        Free tickets for guests, press or staff: issued at once, sent by email, counted against the capacity (
        {e.seatsLeft.toLocaleString()} seats left).
      </p>
      <form className="stack" onSubmit={f.submit} noValidate aria-labelledby="comps-title">
        <fieldset className="row">
          <legend className="visually-hidden">Recipients</legend>
          <label className="check">
            <input type="radio" name="comp-mode" checked={f.mode === 'one'} onChange={() => f.setMode('one')} /> One person
          </label>
          <label className="check">
            <input type="radio" name="comp-mode" checked={f.mode === 'list'} onChange={() => f.setMode('list')} /> Paste a list
          </label>
        </fieldset>
        {f.mode === 'one' ? (
          <div className="grid-2">
            <Field label="Recipient’s name" error={f.oneErrors.name}>
              <input value={f.one.name} onChange={(ev) => f.setOneField('name', ev.target.value)} maxLength={200} />
            </Field>
            <Field label="Recipient’s email" error={f.oneErrors.email}>
              <input
                type="email"
                value={f.one.email}
                onChange={(ev) => f.setOneField('email', ev.target.value)}
                maxLength={254}
                autoComplete="off"
              />
            </Field>
          </div>
        ) : (
          <Field
            label="Guest list"
            error={linesNeedFixing(f.lineErrors)}
            hint={`One person a line: “Name <email>” or “Name, email”. ${f.parsed.recipients.length ? `${pluralize(f.parsed.recipients.length, 'recipient', 'recipients')} so far.` : ''}`}
          >
            <textarea
              className="comp-lines"
              rows={6}
              value={f.list}
              onChange={(ev) => f.setList(ev.target.value)}
              placeholder={'Ada Lovelace <ada@example.org>\nGrace Hopper, grace@example.org'}
            />
          </Field>
        )}
        {f.lineErrors.length > 0 && <LineErrors errors={f.lineErrors} />}
        <div className="grid-2">
          {types.length > 1 && (
            <Field label="Ticket type">
              <select value={f.ticketTypeId} onChange={(ev) => f.setTicketTypeId(ev.target.value)}>
                {types.map((t) => (
                  <option key={t.ticketTypeId} value={t.ticketTypeId}>
                    {t.name}
                    {t.hidden ? ' (hidden)' : ''}
                  </option>
                ))}
              </select>
            </Field>
          )}
          <Field label="Message" hint="Optional. Added to each recipient’s email.">
            <textarea rows={2} maxLength={1000} value={f.message} onChange={(ev) => f.setMessage(ev.target.value)} />
          </Field>
        </div>
        {f.formError && <Alert tone="bad">{f.formError}</Alert>}
        {f.issued !== null && (
          <Alert tone="ok">
            {pluralize(f.issued, 'comp ticket was', 'comp tickets were')} issued; each recipient is emailed.
          </Alert>
        )}
        <div>
          <button type="submit" className="btn btn-primary" disabled={f.issuing}>
            {f.issuing && <span className="spinner" aria-hidden="true" />}
            {f.issuing ? 'Issuing…' : 'Issue comp tickets'}
          </button>
        </div>
      </form>
    </section>
  );
}

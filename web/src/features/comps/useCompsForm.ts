import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api';
import { isProblem } from '../../api/errors';
import type { Event } from '../../api/types';
import { errorMessage } from '../../components/States';
import { pluralize } from '../../lib/format';
import { isEmailAddress } from '../checkout/orderForm';
import { useIssueComps } from './api';
import { parseRecipients, type LineError } from './parseRecipients';
import type { CompRecipient } from './types';

export type CompMode = 'one' | 'list';

/// The comp form's state: one recipient or a pasted list (each line checked, every problem shown
/// by its line before anything is sent), the ticket type, a message, and what was issued.
export function useCompsForm(event: Event) {
  const issue = useIssueComps(event.eventId);
  const [mode, setMode] = useState<CompMode>('one');
  const [one, setOne] = useState<CompRecipient>({ name: '', email: '' });
  const [list, setList] = useState('');
  // The first type on sale, as the server takes it without one.
  const [ticketTypeId, setTicketTypeId] = useState(
    () => [...(event.ticketTypes ?? [])].filter((t) => !t.hidden).sort((a, b) => a.position - b.position)[0]?.ticketTypeId ?? '',
  );
  const [message, setMessage] = useState('');
  const [oneErrors, setOneErrors] = useState<Partial<Record<keyof CompRecipient, string>>>({});
  const [lineErrors, setLineErrors] = useState<LineError[]>([]);
  const [formError, setFormError] = useState<string | null>(null);
  const [issued, setIssued] = useState<number | null>(null);
  const parsed = parseRecipients(list);

  const setOneField = (key: keyof CompRecipient, value: string) => {
    setOne((o) => ({ ...o, [key]: value }));
    if (oneErrors[key]) setOneErrors(({ [key]: _, ...rest }) => rest);
  };

  /// The server names a recipient as `attendees[i].field`: back to the pasted line it came from.
  const onError = (error: unknown, lines: number[], recipients: CompRecipient[]) => {
    if (error instanceof ApiError && Object.keys(error.fieldErrors).length) {
      const found: LineError[] = [];
      const other: string[] = [];
      for (const [field, msg] of Object.entries(error.fieldErrors)) {
        const m = /^attendees\[(\d+)\]\.(name|email)$/.exec(field);
        const i = m ? Number(m[1]) : -1;
        if (m && mode === 'one')
          setOneErrors((e) => ({ ...e, [m[2]!]: `${m[2] === 'name' ? 'The name' : 'The address'} ${msg}.` }));
        else if (m && recipients[i])
          found.push({ line: lines[i]!, text: `${recipients[i].name} <${recipients[i].email}>`, message: msg });
        else other.push(`${field}: ${msg}`);
      }
      setLineErrors(found);
      setFormError(other.length ? other.join(' ') : null);
    } else if (isProblem(error, 'sold-out')) {
      setFormError(
        `There are not enough seats for ${pluralize(recipients.length, 'comp ticket', 'comp tickets')} (${event.seatsLeft.toLocaleString()} left when this page loaded). Nothing was issued.`,
      );
    } else setFormError(errorMessage(error));
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    setIssued(null);
    let recipients: CompRecipient[];
    let lines: number[];
    if (mode === 'one') {
      const found: typeof oneErrors = {};
      if (!one.name.trim()) found.name = 'Enter the recipient’s name.';
      if (!isEmailAddress(one.email)) found.email = 'Enter an email address: the tickets are sent there.';
      setOneErrors(found);
      if (Object.keys(found).length) return;
      recipients = [{ name: one.name.trim(), email: one.email.trim() }];
      lines = [1];
    } else {
      setLineErrors(parsed.errors);
      if (parsed.errors.length) return;
      if (parsed.recipients.length === 0) {
        setFormError('Paste at least one line: “Name <email>” or “Name, email”.');
        return;
      }
      ({ recipients, lines } = parsed);
    }
    issue.mutate(
      {
        ...(ticketTypeId ? { ticketTypeId } : {}),
        attendees: recipients,
        ...(message.trim() ? { message: message.trim() } : {}),
      },
      {
        onSuccess: (r) => {
          setIssued(r.registrations.length);
          setOne({ name: '', email: '' });
          setList('');
          setLineErrors([]);
        },
        onError: (error) => onError(error, lines, recipients),
      },
    );
  };

  return {
    mode,
    setMode: (m: CompMode) => {
      setMode(m);
      setFormError(null);
    },
    one,
    setOneField,
    oneErrors,
    list,
    setList: (text: string) => {
      setList(text);
      setLineErrors([]);
    },
    parsed,
    lineErrors,
    ticketTypeId,
    setTicketTypeId,
    message,
    setMessage,
    formError,
    issued,
    submit,
    issuing: issue.isPending,
  };
}

import { isEmailAddress } from '../checkout/orderForm';
import type { CompRecipient } from './types';

/// A pasted line that cannot be issued, by its 1-based number, with why.
export interface LineError {
  line: number;
  text: string;
  message: string;
}

/// "Ada Lovelace <ada@example.org>", "Ada Lovelace, ada@example.org" or a spreadsheet's
/// "Ada Lovelace<TAB>ada@example.org" → name and address; null when the line is none of these.
export function parseRecipientLine(raw: string): CompRecipient | null {
  const line = raw.trim();
  const angled = /^(.*?)\s*<([^<>]+)>$/.exec(line);
  if (angled) return { name: unquote(angled[1]!), email: angled[2]!.trim() };
  const sep = line.includes('\t') ? line.lastIndexOf('\t') : line.lastIndexOf(',');
  if (sep < 0) return null;
  return { name: unquote(line.slice(0, sep)), email: line.slice(sep + 1).trim() };
}

const unquote = (s: string) =>
  s
    .trim()
    .replace(/^"(.*)"$/, '$1')
    .trim();

/// Every non-empty line of a pasted guest list: the recipients in order, and each line's problem
/// (no name, no valid address, an address listed twice), so all are shown before anything is sent.
/// `lines[i]` is the pasted line number of `recipients[i]`.
export function parseRecipients(text: string): { recipients: CompRecipient[]; lines: number[]; errors: LineError[] } {
  const recipients: CompRecipient[] = [];
  const lines: number[] = [];
  const errors: LineError[] = [];
  const seen = new Map<string, number>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const text = raw.trim();
    if (!text) return;
    const line = i + 1;
    const r = parseRecipientLine(text);
    const fail = (message: string) => errors.push({ line, text, message });
    if (!r) return fail('Write it as “Name <email>” or “Name, email”.');
    if (!r.name) return fail('The name is missing.');
    if ([...r.name].length > 200) return fail('The name is longer than 200 characters.');
    if (!isEmailAddress(r.email)) return fail(`“${r.email}” is not an email address.`);
    const key = r.email.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) return fail(`This address is on line ${first} already.`);
    seen.set(key, line);
    recipients.push(r);
    lines.push(line);
  });
  return { recipients, lines, errors };
}

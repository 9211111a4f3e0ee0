import { describe, expect, it } from 'vitest';
import { parseRecipientLine, parseRecipients } from './parseRecipients';

describe('parseRecipients', () => {
  it('reads “Name <email>”, “Name, email” and a spreadsheet’s tab, skipping empty lines', () => {
    expect(parseRecipientLine('Ada Lovelace <ada@example.org>')).toEqual({ name: 'Ada Lovelace', email: 'ada@example.org' });
    expect(parseRecipientLine('"Hopper, Grace", grace@example.org')).toEqual({
      name: 'Hopper, Grace',
      email: 'grace@example.org',
    });
    expect(parseRecipientLine('Alan Turing\talan@example.org')).toEqual({ name: 'Alan Turing', email: 'alan@example.org' });
    const { recipients, lines, errors } = parseRecipients('Ada <ada@example.org>\n\n  Bob, bob@example.org  \r\n');
    expect(recipients).toEqual([
      { name: 'Ada', email: 'ada@example.org' },
      { name: 'Bob', email: 'bob@example.org' },
    ]);
    expect(lines).toEqual([1, 3]);
    expect(errors).toEqual([]);
  });

  it('names every bad line by its number before anything is sent', () => {
    const { recipients, errors } = parseRecipients(
      ['Ada <ada@example.org>', 'just a name', '<nobody@example.org>', 'Eve, not-an-address', 'Ada again, ADA@example.org'].join(
        '\n',
      ),
    );
    expect(recipients).toHaveLength(1);
    expect(errors.map((e) => [e.line, e.message])).toEqual([
      [2, 'Write it as “Name <email>” or “Name, email”.'],
      [3, 'The name is missing.'],
      [4, '“not-an-address” is not an email address.'],
      [5, 'This address is on line 1 already.'],
    ]);
  });
});

import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { PersonCell, ResponsiveTable } from './ResponsiveTable';

describe('ResponsiveTable', () => {
  it('heads each column, right-aligns the numeric ones and names the buttons column for assistive technology', () => {
    render(
      <ResponsiveTable columns={[{ label: 'Person' }, { label: 'Tickets', numeric: true }, {}]}>
        <tr>
          <td data-label="Person">
            <PersonCell name="Gwen" email="gwen@example.org" note="address not confirmed yet" />
          </td>
          <td data-label="Tickets">2</td>
          <td data-label="">
            <button type="button">Remove</button>
          </td>
        </tr>
      </ResponsiveTable>,
    );
    const heads = screen.getAllByRole('columnheader');
    expect(heads.map((h) => h.textContent)).toEqual(['Person', 'Tickets', 'Actions']);
    expect(heads[1]).toHaveClass('num');
    expect(heads[0]).not.toHaveClass('num');
    expect(within(heads[2]).getByText('Actions')).toHaveClass('visually-hidden');
    const row = screen.getAllByRole('row')[1];
    expect(within(row).getByText('gwen@example.org · address not confirmed yet')).toBeInTheDocument();
  });

  it('shows the address alone when there is no note', () => {
    render(<PersonCell name="Arthur" email="arthur@example.org" />);
    expect(screen.getByText('arthur@example.org')).toBeInTheDocument();
  });
});

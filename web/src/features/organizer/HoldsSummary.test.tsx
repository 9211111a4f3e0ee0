import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { HoldsSummary } from './HoldsSummary';

describe('HoldsSummary', () => {
  it('states placed, paid and expired holds as text', () => {
    render(<HoldsSummary holds={{ placed: 12, paid: 9, expired: 2 }} />);
    const section = screen.getByRole('region', { name: 'Holds on seats' });
    expect(section).toHaveTextContent('Holds: 12 placed · 9 paid · 2 expired');
    expect(section).toHaveTextContent('1 still open or let go.');
  });
  it('leaves out the open ones when there are none', () => {
    render(<HoldsSummary holds={{ placed: 3, paid: 2, expired: 1 }} />);
    expect(screen.getByRole('region', { name: 'Holds on seats' })).not.toHaveTextContent('still open');
  });
  it('says when there were none', () => {
    render(<HoldsSummary holds={{ placed: 0, paid: 0, expired: 0 }} />);
    expect(screen.getByText(/none so far/)).toBeInTheDocument();
  });
});

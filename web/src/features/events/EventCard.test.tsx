import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Event } from '../../api/types';
import { ticketType } from '../../test/fixtures';
import { renderAt } from '../../test/render';
import { EventCard } from './EventCard';

const event = {
  eventId: 'e1',
  name: 'Rooftop Jazz',
  date: '2030-07-02T19:00:00Z',
  timezone: 'Europe/Berlin',
  location: 'Roof',
  capacity: 40,
  seatsLeft: 38,
  price: 25,
  currency: 'EUR',
  status: 'published',
  ticketTypes: [ticketType({ price: 25 })],
} as Event;

describe('EventCard', () => {
  it('shows the price of an event of one type as it is', () => {
    renderAt('/', '/', <EventCard event={event} />);
    expect(screen.getByText('€25')).toBeInTheDocument();
  });
  it('shows "From" the lowest visible price when the types differ, hidden ones left out', () => {
    const shop = {
      ...event,
      price: 0,
      ticketTypes: [
        ticketType({ ticketTypeId: 'a', price: 0 }),
        ticketType({ ticketTypeId: 'b', price: 40 }),
        ticketType({ ticketTypeId: 'c', price: 5, hidden: true }),
      ],
    } as Event;
    renderAt('/', '/', <EventCard event={shop} />);
    expect(screen.getByText('From €0')).toBeInTheDocument();
    // The cover's "Free" badge is for events that are free whatever the type.
    expect(screen.queryByText('Free')).not.toBeInTheDocument();
  });
  it('does not say "From" when the only other type is hidden', () => {
    const shop = {
      ...event,
      ticketTypes: [ticketType({ price: 25 }), ticketType({ ticketTypeId: 'x', price: 5, hidden: true })],
    } as Event;
    renderAt('/', '/', <EventCard event={shop} />);
    expect(screen.getByText('€25')).toBeInTheDocument();
  });
  it('shows the plain price when a listing carries no types', () => {
    renderAt('/', '/', <EventCard event={{ ...event, ticketTypes: undefined }} />);
    expect(screen.getByText('€25')).toBeInTheDocument();
  });
});

import { useState } from 'react';
import type { Event, TicketType } from '../../api/types';
import { useDeleteTicketType, useUpdateTicketType } from './api';

/// The types in display order, and the positions that give `order` (only those that change).
export function positionChanges(order: TicketType[]): { typeId: string; position: number }[] {
  return order.flatMap((t, i) => (t.position === i ? [] : [{ typeId: t.ticketTypeId, position: i }]));
}

export const byPosition = (types: TicketType[]) =>
  [...types].sort((a, b) => a.position - b.position || a.ticketTypeId.localeCompare(b.ticketTypeId));

/// The ticket-type editor's state: which type is being changed ('new' for one being added),
/// which one is about to be deleted, and moving a type up or down (by rewriting positions).
export function useTicketTypeEditor(event: Event) {
  const [editing, setEditing] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<TicketType | null>(null);
  const [moveError, setMoveError] = useState<unknown>(null);
  const [moving, setMoving] = useState(false);
  const update = useUpdateTicketType(event.eventId);
  const remove = useDeleteTicketType(event.eventId);
  const types = byPosition(event.ticketTypes ?? []);

  const move = async (type: TicketType, step: -1 | 1) => {
    const from = types.indexOf(type);
    const to = from + step;
    if (to < 0 || to >= types.length) return;
    const order = [...types];
    [order[from], order[to]] = [order[to]!, order[from]!];
    setMoveError(null);
    setMoving(true);
    try {
      for (const { typeId, position } of positionChanges(order)) await update.mutateAsync({ typeId, update: { position } });
    } catch (error) {
      setMoveError(error);
    } finally {
      setMoving(false);
    }
  };

  const confirmDelete = () => {
    if (!deleting) return;
    remove.mutate(deleting.ticketTypeId, { onSuccess: () => setDeleting(null) });
  };
  const closeDelete = () => {
    setDeleting(null);
    remove.reset();
  };

  return { types, editing, setEditing, deleting, setDeleting, confirmDelete, closeDelete, remove, move, moving, moveError };
}

interface Props {
  /// The row's name, in each button's accessible name ("Move VIP up").
  name: string;
  first: boolean;
  last: boolean;
  busy: boolean;
  /// Why Delete is off, when it is (e.g. the event's only ticket type).
  deleteDisabled?: boolean;
  onMove: (step: -1 | 1) => void;
  onEdit: () => void;
  onDelete: () => void;
}

/// Up, Down, Edit and Delete for one row of an ordered list the organizer keeps (ticket types,
/// questions).
export function RowActions({ name, first, last, busy, deleteDisabled = false, onMove, onEdit, onDelete }: Props) {
  return (
    <div className="type-row-actions">
      <button
        type="button"
        className="btn btn-sm"
        aria-label={`Move ${name} up`}
        disabled={first || busy}
        onClick={() => onMove(-1)}
      >
        Up
      </button>
      <button
        type="button"
        className="btn btn-sm"
        aria-label={`Move ${name} down`}
        disabled={last || busy}
        onClick={() => onMove(1)}
      >
        Down
      </button>
      <button type="button" className="btn btn-sm" aria-label={`Edit ${name}`} onClick={onEdit}>
        Edit
      </button>
      <button
        type="button"
        className="btn btn-sm btn-danger"
        aria-label={`Delete ${name}`}
        disabled={deleteDisabled}
        onClick={onDelete}
      >
        Delete
      </button>
    </div>
  );
}

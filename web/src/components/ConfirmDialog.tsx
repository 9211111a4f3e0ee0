import { useEffect, useRef, type ReactNode } from 'react';

/// A modal question with a cancel and a confirm button, on the native <dialog> (focus trap,
/// Escape to close and the backdrop come with it).
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  cancelLabel = 'Keep it',
  danger,
  busy,
  confirmDisabled,
  onConfirm,
  onClose,
}: {
  open: boolean;
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  cancelLabel?: string;
  danger?: boolean;
  busy?: boolean;
  /// The confirm button is off (nothing chosen yet); the cancel button stays on.
  confirmDisabled?: boolean;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal?.();
    if (!open && dialog.open) dialog.close?.();
  }, [open]);
  return (
    <dialog ref={ref} className="modal" aria-labelledby="confirm-title" onClose={onClose} onCancel={onClose}>
      {open && (
        <>
          <div className="modal-body">
            <h2 id="confirm-title">{title}</h2>
            {children}
          </div>
          <div className="modal-actions">
            <button type="button" className="btn" onClick={onClose} disabled={busy}>
              {cancelLabel}
            </button>
            <button
              type="button"
              className={`btn ${danger ? 'btn-danger-solid' : 'btn-primary'}`}
              onClick={onConfirm}
              disabled={busy || confirmDisabled}
            >
              {busy && <span className="spinner" aria-hidden="true" />}
              {confirmLabel}
            </button>
          </div>
        </>
      )}
    </dialog>
  );
}

import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

interface DialogProps {
  readonly open: boolean;
  readonly title: string;
  readonly onClose: () => void;
  readonly className?: string;
  /** Keeps Escape from closing it, while something runs that must not be abandoned half-seen. */
  readonly busy?: boolean;
  readonly children: ComponentChildren;
}

/** A modal dialog: the browser's own, so focus stays inside it and Escape closes it. */
export function Dialog({ open, title, onClose, className, busy = false, children }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      class={className === undefined ? 'dialog' : `dialog ${className}`}
      aria-labelledby="dialog-title"
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) onClose();
      }}
    >
      {open ? (
        <>
          <h2 id="dialog-title" class="dialog__title">
            {title}
          </h2>
          {children}
        </>
      ) : null}
    </dialog>
  );
}

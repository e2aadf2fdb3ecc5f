// A modal dialog on the native <dialog>: focus moves in, Escape closes, focus returns after.
import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';

export function Dialog(props: { title: string; open: boolean; onClose: () => void; children: ComponentChildren; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) {
      const before = document.activeElement as HTMLElement | null;
      d.showModal();
      return () => before?.focus?.();
    }
    if (!props.open && d.open) d.close();
  }, [props.open]);
  return (
    <dialog
      ref={ref}
      class={props.wide ? 'dialog dialog--wide' : 'dialog'}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}
    >
      {props.open && (
        <>
          <header class="dialog__head">
            <h2 id={titleId}>{props.title}</h2>
            <button type="button" class="btn btn--ghost" onClick={props.onClose} aria-label="Close">
              ✕
            </button>
          </header>
          <div class="dialog__body">{props.children}</div>
        </>
      )}
    </dialog>
  );
}

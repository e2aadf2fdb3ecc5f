// The keymap: one global keydown listener, screens register the keys they handle while they are
// shown. Keys typed into a text field never trigger shortcuts (only Escape, which leaves it).
import { useEffect, useRef } from 'preact/hooks';

/** Every shortcut of the app, for the "?" help and docs/WEB.md (keep both in step). */
export const KEYMAP: { scope: string; keys: string; what: string }[] = [
  { scope: 'Everywhere', keys: '?', what: 'Show this keymap' },
  { scope: 'Everywhere', keys: '/', what: 'Search tickets' },
  { scope: 'Everywhere', keys: 'g then i', what: 'Go to my open tickets' },
  { scope: 'Everywhere', keys: 'Escape', what: 'Close a dialog, leave a text field, back to the list' },
  { scope: 'Ticket list', keys: 'j / k', what: 'Next / previous ticket' },
  { scope: 'Ticket list', keys: 'Enter or o', what: 'Open the ticket under the cursor' },
  { scope: 'Ticket list', keys: 'x', what: 'Select or unselect the ticket under the cursor' },
  { scope: 'Ticket list', keys: 'Shift+x', what: 'Select all loaded tickets / clear the selection' },
  { scope: 'Ticket list', keys: 'a', what: 'Assign the selected tickets (or the one under the cursor)' },
  { scope: 'Ticket list', keys: 'e', what: 'Resolve the selected tickets (or the one under the cursor)' },
  { scope: 'Ticket', keys: 'r', what: 'Write a public reply' },
  { scope: 'Ticket', keys: 'n', what: 'Write an internal note' },
  { scope: 'Ticket', keys: 'e', what: 'Resolve the ticket' },
  { scope: 'Ticket', keys: 'a', what: 'Assign the ticket' },
  { scope: 'Ticket', keys: 'j / k', what: 'Next / previous ticket of the list' },
  { scope: 'Ticket', keys: 'u', what: 'Back to the list' },
  { scope: 'Composer', keys: 'Ctrl+Enter', what: 'Send (with a few seconds to undo)' },
];

export type KeyHandler = (e: KeyboardEvent) => void;
type Layer = Record<string, KeyHandler>;

const layers: Layer[] = [];
let prefix: string | null = null;
let prefixTimer: ReturnType<typeof setTimeout> | null = null;

/** True when the event comes from a place where typing must not trigger shortcuts. */
export function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  if (el.isContentEditable) return true;
  const tag = el.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (el as HTMLInputElement).type;
    return !['checkbox', 'radio', 'button', 'submit'].includes(type);
  }
  return false;
}

/** The name a binding uses for an event: "j", "Shift+x", "Ctrl+Enter", "?", "g i". */
export function keyName(e: KeyboardEvent): string {
  let k = e.key;
  if (k.length === 1 && e.shiftKey && /[a-z]/i.test(k)) k = 'Shift+' + k.toLowerCase();
  if (e.ctrlKey || e.metaKey) k = 'Ctrl+' + k;
  if (e.altKey) k = 'Alt+' + k;
  return k;
}

function onKeyDown(e: KeyboardEvent): void {
  if (e.defaultPrevented) return;
  if (isTyping(e.target) && e.key !== 'Escape' && !(e.key === 'Enter' && (e.ctrlKey || e.metaKey))) return;
  if (document.querySelector('dialog[open]')) return; // a modal dialog has the keys (Escape closes it)
  let name = keyName(e);
  if (prefix) {
    name = `${prefix} ${name}`;
    prefix = null;
  }
  for (let i = layers.length - 1; i >= 0; i--) {
    const h = layers[i][name];
    if (h) {
      e.preventDefault();
      h(e);
      return;
    }
  }
  // A key that starts a two-key sequence ("g i") waits briefly for the second key.
  if (layers.some((l) => Object.keys(l).some((k) => k.startsWith(name + ' ')))) {
    prefix = name;
    if (prefixTimer) clearTimeout(prefixTimer);
    prefixTimer = setTimeout(() => (prefix = null), 1500);
  }
}

let installed = false;

/**
 * Registers `bindings` while the component is mounted; later layers win over earlier ones.
 * `base` layers (the shell's app-wide keys) sit below every screen's, whatever the mount order
 * (Preact runs a child's effects before its parent's).
 */
export function useKeys(bindings: Layer, base = false): void {
  const ref = useRef(bindings);
  ref.current = bindings;
  useEffect(() => {
    if (!installed) {
      document.addEventListener('keydown', onKeyDown);
      installed = true;
    }
    // The layer forwards to the latest bindings so handlers see fresh state without re-registering.
    const layer: Layer = {};
    for (const key of Object.keys(ref.current)) layer[key] = (e) => ref.current[key]?.(e);
    if (base) layers.unshift(layer);
    else layers.push(layer);
    return () => {
      const i = layers.indexOf(layer);
      if (i >= 0) layers.splice(i, 1);
    };
  }, [Object.keys(bindings).join('|')]);
}

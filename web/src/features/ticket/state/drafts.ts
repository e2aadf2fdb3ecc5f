// Drafts of replies and notes, kept in localStorage per ticket as the agent types, so that they
// survive a reload, a crash of the tab and a lost connection. Removed only once the server
// has the message.
export type DraftKind = 'reply' | 'note';

export interface Draft {
  body: string;
  /** The newest message id the agent had seen when they wrote (to spot new customer messages). */
  seen: number;
  /** Canned response effects to apply on send. */
  status?: string | null;
  priority?: string | null;
  tags?: string[] | null;
  savedAt: number;
}

const PREFIX = 'hd.draft.';

export function draftKey(ticketId: number, kind: DraftKind): string {
  return `${PREFIX}${ticketId}.${kind}`;
}

export function loadDraft(ticketId: number, kind: DraftKind, storage: Storage = localStorage): Draft | null {
  try {
    const raw = storage.getItem(draftKey(ticketId, kind));
    if (!raw) return null;
    const d = JSON.parse(raw);
    if (!d || typeof d.body !== 'string') return null;
    return { seen: 0, savedAt: 0, ...d };
  } catch {
    return null;
  }
}

/** Saves the draft; an empty body without canned effects removes it. */
export function saveDraft(ticketId: number, kind: DraftKind, draft: Draft, storage: Storage = localStorage): void {
  try {
    if (!draft.body.trim() && !draft.status && !draft.priority && !draft.tags) storage.removeItem(draftKey(ticketId, kind));
    else storage.setItem(draftKey(ticketId, kind), JSON.stringify(draft));
  } catch {
    /* storage full or unavailable: the text stays in the composer */
  }
}

/**
 * A draft in the composer, tagged with the ticket and kind it belongs to and the load it came
 * from (bumped when the stored draft changed elsewhere). The composer only ever shows and saves
 * a held draft under its own tag, so the reply's text can never land in the note or the other
 * ticket, not even for the moment between a switch of kind and the next render.
 */
export interface HeldDraft {
  ticketId: number;
  kind: DraftKind;
  generation: number;
  draft: Draft;
}

/** Whether `held` is the draft of this ticket and kind, from this load. */
export function holds(held: HeldDraft | null, ticketId: number, kind: DraftKind, generation: number): held is HeldDraft {
  return !!held && held.ticketId === ticketId && held.kind === kind && held.generation === generation;
}

/** `held` when it belongs here, else the stored draft of this ticket and kind (or `empty`). */
export function heldDraft(held: HeldDraft | null, ticketId: number, kind: DraftKind, generation: number,
  empty: () => Draft, storage: Storage = localStorage): HeldDraft {
  if (holds(held, ticketId, kind, generation)) return held;
  return { ticketId, kind, generation, draft: loadDraft(ticketId, kind, storage) ?? empty() };
}

/** Saves a held draft under the key it belongs to (whatever the composer shows meanwhile). */
export function saveHeld(held: HeldDraft, storage: Storage = localStorage): void {
  saveDraft(held.ticketId, held.kind, { ...held.draft, savedAt: Date.now() }, storage);
}

export function clearDraft(ticketId: number, kind: DraftKind, storage: Storage = localStorage): void {
  try {
    storage.removeItem(draftKey(ticketId, kind));
  } catch {
    /* nothing to do */
  }
}

/** Ticket ids that have a draft (for a marker in lists). */
export function ticketsWithDrafts(storage: Storage = localStorage): number[] {
  const ids = new Set<number>();
  for (let i = 0; i < storage.length; i++) {
    const k = storage.key(i);
    const m = k && /^hd\.draft\.(\d+)\./.exec(k);
    if (m) ids.add(Number(m[1]));
  }
  return [...ids];
}

// Messages in their undo window live under their own key until the server has them: if the tab
// dies before that, the next visit of the ticket puts them back into the composer.
const OUTBOX = 'hd.outbox.';

export function stashOutgoing(ticketId: number, key: number, kind: DraftKind, body: string, storage: Storage = localStorage): void {
  try {
    storage.setItem(`${OUTBOX}${ticketId}.${key}`, JSON.stringify({ kind, body }));
  } catch {
    /* unavailable: the undo window is the only copy */
  }
}

export function dropOutgoing(ticketId: number, key: number, storage: Storage = localStorage): void {
  try {
    storage.removeItem(`${OUTBOX}${ticketId}.${key}`);
  } catch {
    /* nothing to do */
  }
}

/** Moves unsent messages of a ticket back into its drafts; returns how many were restored. */
export function restoreOutgoing(ticketId: number, storage: Storage = localStorage): number {
  const keys: string[] = [];
  for (let i = 0; i < storage.length; i++) {
    const k = storage.key(i);
    if (k && k.startsWith(`${OUTBOX}${ticketId}.`)) keys.push(k);
  }
  for (const k of keys) {
    try {
      const o = JSON.parse(storage.getItem(k) || 'null');
      if (o && (o.kind === 'reply' || o.kind === 'note') && typeof o.body === 'string') {
        const d = loadDraft(ticketId, o.kind, storage);
        const body = d?.body.trim() ? `${d.body}\n\n${o.body}` : o.body;
        saveDraft(ticketId, o.kind, { ...(d ?? { seen: 0 }), body, savedAt: Date.now() }, storage);
      }
    } catch {
      /* unreadable entry: dropped */
    }
    storage.removeItem(k);
  }
  return keys.length;
}

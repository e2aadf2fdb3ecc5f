// The composer for public replies and internal notes: the text is saved as a draft while it is
// typed, canned responses fill it in (and may set status, priority and tags on send), and
// sending leaves a few seconds to undo.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { PRIORITY_LABEL, STATUS_LABEL } from '@/lib/format';
import type { CannedResponse, Status } from '@/lib/types';
import { clearDraft, heldDraft, holds, saveHeld, type Draft, type DraftKind, type HeldDraft } from '../state/drafts';

export interface Outgoing {
  kind: DraftKind;
  body: string;
  seen: number;
  status: Status | null;
  priority: string | null;
  tags: string[] | null;
}

export function Composer(props: {
  ticketId: number;
  kind: DraftKind;
  onKind: (k: DraftKind) => void;
  latestSeen: number;
  canned: CannedResponse[] | null;
  replyMoves: Status[];
  focusSignal: number;
  /** Bumped when the stored draft changed elsewhere (an undone send): reload it. */
  reloadSignal: number;
  onSend: (o: Outgoing) => void;
  /** Told whether the composer holds text (the agent is replying, for presence). */
  onTyping?: (typing: boolean) => void;
}) {
  const { ticketId, kind } = props;
  const generation = props.reloadSignal;
  const empty = (): Draft => ({ body: '', seen: props.latestSeen, savedAt: 0 });
  // The draft is held together with the ticket and kind it belongs to. What is shown is derived
  // in the same render as `kind`: after a switch the other kind's text is never shown, typed
  // into or saved, not even until an effect would have reloaded it.
  const loaded = useMemo(() => heldDraft(null, ticketId, kind, generation, empty), [ticketId, kind, generation]);
  const [edited, setEdited] = useState<HeldDraft | null>(null);
  const current = holds(edited, ticketId, kind, generation) ? edited : loaded;
  const draft = current.draft;
  const setDraft = (d: Draft) => setEdited({ ...current, draft: d });
  // The status to set after sending belongs to the reply being written, like its text.
  const [afterOf, setAfterOf] = useState<{ of: HeldDraft; value: string } | null>(null);
  const after = afterOf && holds(afterOf.of, ticketId, kind, generation) ? afterOf.value : '';
  const setAfter = (value: string) => setAfterOf({ of: current, value });
  const area = useRef<HTMLTextAreaElement>(null);
  const hasText = draft.body.trim().length > 0;
  useEffect(() => props.onTyping?.(hasText), [hasText]);

  useEffect(() => {
    if (props.focusSignal) area.current?.focus();
  }, [props.focusSignal]);

  // Keep the draft when the tab is hidden or closed, not only on each keystroke.
  useEffect(() => {
    const flush = () => current.draft.body.trim() && saveHeld(current);
    window.addEventListener('pagehide', flush);
    return () => window.removeEventListener('pagehide', flush);
  }, [current]);

  const update = (d: Draft) => {
    setDraft(d);
    saveHeld({ ...current, draft: d });
  };

  const send = () => {
    const body = draft.body.trim();
    if (!body) return;
    const status = (after || draft.status || null) as Status | null;
    props.onSend({ kind, body, seen: draft.seen || props.latestSeen, status: kind === 'reply' ? status : null, priority: draft.priority ?? null, tags: draft.tags ?? null });
    clearDraft(ticketId, kind); // the outgoing copy is stashed by onSend until the server has it
    setDraft({ body: '', seen: props.latestSeen, savedAt: 0 });
    setAfter('');
  };

  const applyCanned = (id: string) => {
    const c = props.canned?.find((x) => String(x.id) === id);
    if (!c) return;
    const body = draft.body.trim() ? `${draft.body.replace(/\s+$/, '')}\n\n${c.body}` : c.body;
    update({ ...draft, body, status: c.status ?? draft.status, priority: c.priority ?? draft.priority, tags: c.add_tags?.length ? c.add_tags : draft.tags });
    if (c.status && kind === 'reply') setAfter(c.status);
    area.current?.focus();
  };

  const label = kind === 'reply' ? 'Reply to the customer' : 'Internal note (agents only)';
  const effects = [draft.priority && `priority ${PRIORITY_LABEL[draft.priority as keyof typeof PRIORITY_LABEL] ?? draft.priority}`, draft.tags?.length && `tags ${draft.tags.join(', ')}`].filter(Boolean);

  return (
    <section class={kind === 'note' ? 'composer composer--note' : 'composer'} aria-label="Composer">
      <div class="composer__tabs" role="group" aria-label="Message kind">
        <button type="button" class="btn btn--small" aria-pressed={kind === 'reply'} onClick={() => props.onKind('reply')}>
          Public reply <kbd>r</kbd>
        </button>
        <button type="button" class="btn btn--small" aria-pressed={kind === 'note'} onClick={() => props.onKind('note')}>
          Internal note <kbd>n</kbd>
        </button>
        {props.canned && props.canned.length > 0 && (
          <label class="composer__canned">
            <span class="visually-hidden">Insert a canned response</span>
            <select value="" onChange={(e) => applyCanned(e.currentTarget.value)}>
              <option value="">Canned response…</option>
              {props.canned.map((c) => <option key={c.id} value={c.id}>{c.title}</option>)}
            </select>
          </label>
        )}
      </div>
      <label class="visually-hidden" for={`composer-${ticketId}`}>{label}</label>
      <textarea
        id={`composer-${ticketId}`}
        ref={area}
        rows={5}
        placeholder={kind === 'reply' ? 'Write a reply the customer will see…' : 'Write a note only agents will see…'}
        value={draft.body}
        onInput={(e) => update({ ...draft, body: e.currentTarget.value, seen: draft.body ? draft.seen : props.latestSeen })}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            send();
          }
        }}
      />
      <div class="composer__foot">
        {draft.body && draft.savedAt > 0 && <span class="muted">Draft saved</span>}
        {effects.length > 0 && <span class="muted">On send: {effects.join(', ')}</span>}
        <span class="spacer" />
        {kind === 'reply' && props.replyMoves.length > 0 && (
          <label>
            <span class="visually-hidden">Status after sending</span>
            <select value={after} onChange={(e) => setAfter(e.currentTarget.value)}>
              <option value="">Keep status</option>
              {props.replyMoves.map((s) => <option key={s} value={s}>then {STATUS_LABEL[s]}</option>)}
            </select>
          </label>
        )}
        {draft.body && (
          <button type="button" class="btn btn--ghost btn--small"
            onClick={() => {
              clearDraft(ticketId, kind);
              setDraft({ body: '', seen: props.latestSeen, savedAt: 0 });
            }}>
            Discard
          </button>
        )}
        <button type="button" class="btn btn--primary" onClick={send} disabled={!draft.body.trim()} aria-keyshortcuts="Control+Enter">
          {kind === 'reply' ? 'Send reply' : 'Add note'}
        </button>
      </div>
    </section>
  );
}

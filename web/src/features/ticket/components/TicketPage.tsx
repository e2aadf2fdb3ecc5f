// The ticket: conversation, composer, status moves, details, customer, SLA and history.
import { useEffect, useRef, useState } from 'preact/hooks';
import { PriorityBadge, StatusBadge } from '@/components/ui/Badge';
import { ErrorNote, errorText } from '@/components/ui/ErrorNote';
import { TimeAgo } from '@/components/ui/TimeAgo';
import { toast } from '@/components/ui/Toasts';
import { ApiError } from '@/lib/api';
import { invalidated, tickets } from '@/lib/cache';
import { userName, users } from '@/lib/directory';
import { STATUS_LABEL } from '@/lib/format';
import { isTyping, useKeys } from '@/lib/keys';
import { neighbour, queueContext } from '@/lib/queue-context';
import { navigate } from '@/lib/router';
import { currentUser } from '@/lib/session';
import { useStore } from '@/lib/store';
import type { CannedResponse, Message, Status, Ticket, TicketEvent } from '@/lib/types';
import {
  changeStatus, getCannedResponses, getEvents, getMessages, getTicket, patchTicket, postMessage, type TicketPatch,
} from '../api/ticket';
import { dropOutgoing, restoreOutgoing, saveDraft, stashOutgoing, type DraftKind } from '../state/drafts';
import { allowedMoves, moveLabel } from '../state/moves';
import { schedule, UNDO_MS } from '../state/outbox';
import { others, usePresence } from '../state/presence';
import { patchFromLatest, patchResolving, type StaleOutcome } from '../state/stale';
import { Composer, type Outgoing } from './Composer';
import { Conversation, type PendingMessage } from './Conversation';
import { CustomerPanel } from './CustomerPanel';
import { History } from './History';
import { MailPanel } from './MailPanel';
import { Properties } from './Properties';
import { SlaTimers } from './SlaTimers';
import { StaleNotice } from './StaleNotice';

let cannedCache: Promise<CannedResponse[] | null> | null = null;
let pendingKey = 1;

export function TicketPage({ id }: { id: number }) {
  const user = useStore(currentUser)!;
  const ticket = useStore(tickets).get(id);
  useStore(users); // names appear once the directory has loaded
  const [messages, setMessages] = useState<Message[] | null>(null);
  const [events, setEvents] = useState<TicketEvent[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [kind, setKind] = useState<DraftKind>('reply');
  const [focusSig, setFocusSig] = useState(0);
  const [reloadSig, setReloadSig] = useState(0);
  const [pending, setPending] = useState<PendingMessage[]>([]);
  const [allowedOverride, setAllowedOverride] = useState<Status[] | null>(null);
  const [stale, setStale] = useState<{ conflicts: StaleOutcome['conflicts'] } | null>(null);
  const [newer, setNewer] = useState<{ outgoing: Outgoing; count: number } | null>(null);
  const [restored, setRestored] = useState(0);
  const [canned, setCanned] = useState<CannedResponse[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [typing, setTyping] = useState(false);
  const presence = usePresence(id, typing);
  const here = others(presence, user.id);
  const assignRef = useRef<HTMLSelectElement>(null);
  const headRef = useRef<HTMLHeadingElement>(null);

  const reload = async (signal?: AbortSignal) => {
    try {
      const [, m, e] = await Promise.all([getTicket(id, signal), getMessages(id, signal), getEvents(id, signal)]);
      setMessages(m);
      setEvents(e);
      setError(null);
    } catch (err) {
      if (!(err instanceof DOMException)) setError(err);
    }
  };

  useEffect(() => {
    const ctl = new AbortController();
    setMessages(null);
    setAllowedOverride(null);
    setStale(null);
    setNewer(null);
    const n = restoreOutgoing(id);
    setRestored(n);
    if (n) setReloadSig((s) => s + 1);
    void reload(ctl.signal);
    headRef.current?.focus();
    cannedCache ??= getCannedResponses().catch(() => null);
    void cannedCache.then(setCanned);
    let timer: ReturnType<typeof setTimeout> | null = null;
    const unsub = invalidated.subscribe((inv) => {
      if (!inv.all && !inv.ids.has(id)) return;
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        void reload();
      }, 250);
    });
    return () => {
      ctl.abort();
      unsub();
      if (timer) clearTimeout(timer);
    };
  }, [id]);

  useEffect(() => setAllowedOverride(null), [ticket?.status]);

  const latestSeen = messages?.length ? messages[messages.length - 1].id : 0;
  // While the agent writes, a customer message arriving live is pointed out at once.
  const typingBase = useRef<number | null>(null);
  if (typing && typingBase.current === null && messages) typingBase.current = latestSeen;
  if (!typing) typingBase.current = null;
  const arrivedWhileWriting = typing && typingBase.current !== null && !!messages
    && messages.some((m) => m.author.kind === 'customer' && m.id > typingBase.current!);
  const moves = ticket ? allowedOverride ?? allowedMoves(ticket.status, user.role) : [];

  const move = async (to: Status) => {
    if (!ticket) return;
    setBusy(true);
    try {
      await changeStatus(id, to);
      toast({ text: `Ticket #${id}: ${STATUS_LABEL[to]}.`, tone: 'success' });
      void reload();
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && Array.isArray(e.body.allowed)) {
        setAllowedOverride(e.body.allowed as Status[]);
        void reload();
      }
      toast({ text: errorText(e), tone: 'error', ms: 8000 });
    } finally {
      setBusy(false);
    }
  };

  const onPatch = async (patch: TicketPatch) => {
    if (!ticket) return;
    try {
      const r = await patchResolving(ticket, patch, { patch: (v, p) => patchTicket(id, v, p), latest: () => getTicket(id) });
      setStale(r.conflicts.length ? { conflicts: r.conflicts } : null);
      if (r.retried && !r.conflicts.length) {
        toast({ text: 'The ticket had changed meanwhile; your change was applied to the latest version.', tone: 'info', ms: 7000 });
      }
    } catch (e) {
      toast({ text: errorText(e), tone: 'error', ms: 8000 });
    }
    void reload();
  };

  const startSend = (o: Outgoing) => {
    const key = pendingKey++;
    stashOutgoing(id, key, o.kind, o.body);
    const restore = () => {
      dropOutgoing(id, key);
      saveDraft(id, o.kind, { body: o.body, seen: o.seen, status: o.status, priority: o.priority, tags: o.tags, savedAt: Date.now() });
      setKind(o.kind);
      setReloadSig((s) => s + 1);
    };
    const job = schedule(async () => {
      await postMessage(id, o.body, o.kind === 'note', o.status ?? undefined);
      dropOutgoing(id, key);
      if (o.priority || o.tags) {
        // Against the latest version (the message itself just changed it), read again on a 412.
        const patch = (t: Ticket): TicketPatch => ({
          ...(o.priority ? { priority: o.priority as TicketPatch['priority'] } : {}),
          ...(o.tags ? { tags: [...new Set([...t.tags, ...o.tags])] } : {}),
        });
        await patchFromLatest(patch, { patch: (v, p) => patchTicket(id, v, p), latest: () => getTicket(id) })
          .catch((e) => toast({ text: `Sent, but setting priority/tags failed: ${errorText(e)}`, tone: 'error' }));
      }
    });
    const undo = () => {
      if (job.cancel()) {
        restore();
        setPending((p) => p.filter((x) => x.key !== key));
        toast({ text: 'Not sent: the text is back in the composer.', ms: 3000 });
      }
    };
    setPending((p) => [...p, { key, body: o.body, internal: o.kind === 'note', onUndo: undo }]);
    toast({ text: o.kind === 'note' ? 'Adding the note…' : 'Sending the reply…', action: { label: 'Undo', run: undo }, ms: UNDO_MS });
    job.done
      .then(() => {
        setPending((p) => p.filter((x) => x.key !== key));
        toast({ text: o.kind === 'note' ? 'Note added.' : 'Reply sent.', tone: 'success', ms: 2500 });
        void reload();
      })
      .catch((e) => {
        restore();
        setPending((p) => p.filter((x) => x.key !== key));
        toast({ text: `Not sent: ${errorText(e)} The text is back in the composer.`, tone: 'error', ms: 10_000 });
      });
  };

  const onSend = async (o: Outgoing, confirmed = false) => {
    setNewer(null);
    if (o.kind === 'reply' && !confirmed) {
      // Before a reply leaves: did the customer write meanwhile?
      const key = pendingKey++;
      stashOutgoing(id, key, o.kind, o.body); // safe while we ask the server
      try {
        const fresh = await getMessages(id);
        setMessages(fresh);
        const count = fresh.filter((m) => m.author.kind === 'customer' && m.id > o.seen).length;
        dropOutgoing(id, key);
        if (count > 0) {
          saveDraft(id, 'reply', { body: o.body, seen: o.seen, status: o.status, priority: o.priority, tags: o.tags, savedAt: Date.now() });
          setReloadSig((s) => s + 1);
          setNewer({ outgoing: o, count });
          return;
        }
      } catch {
        dropOutgoing(id, key); // could not check: send anyway (the undo window remains)
      }
    }
    startSend(o);
  };

  useKeys({
    r: () => {
      setKind('reply');
      setFocusSig((s) => s + 1);
    },
    n: () => {
      setKind('note');
      setFocusSig((s) => s + 1);
    },
    e: () => {
      if (moves.includes('resolved')) void move('resolved');
      else toast({ text: `A ${ticket ? STATUS_LABEL[ticket.status].toLowerCase() : ''} ticket can't be resolved.`, tone: 'error' });
    },
    a: () => assignRef.current?.focus(),
    j: () => {
      const n = neighbour(id, 1);
      if (n !== null) navigate(`/tickets/${n}`, { replace: true });
    },
    k: () => {
      const n = neighbour(id, -1);
      if (n !== null) navigate(`/tickets/${n}`, { replace: true });
    },
    u: () => navigate(queueContext.get().path),
    Escape: (e) => {
      // In a text field Escape only leaves it; anywhere else it goes back to the list.
      if (isTyping(e.target)) (e.target as HTMLElement).blur();
      else navigate(queueContext.get().path);
    },
  });

  if (!ticket) {
    return (
      <section class="ticket-loading" style={{ padding: '1rem' }}>
        <h1 ref={headRef} tabIndex={-1}>Ticket #{id}</h1>
        {error ? <ErrorNote error={error} /> : <p class="muted">Loading…</p>}
      </section>
    );
  }

  return (
    <div class="ticket">
      <div class="ticket__conv">
        <header class="ticket__head">
          <p class="muted" style={{ margin: 0 }}>
            <a href="#" onClick={(e) => {
              e.preventDefault();
              navigate(queueContext.get().path);
            }}>← Back to the list</a> <kbd>u</kbd>
          </p>
          <h1 ref={headRef} tabIndex={-1}>
            <span class="row__id">#{ticket.id}</span> {ticket.subject}
          </h1>
          <div class="ticket__meta">
            <StatusBadge status={ticket.status} />
            <PriorityBadge priority={ticket.priority} />
            <span>{userName(ticket.assignee_id)}</span>
            <span>· via {ticket.channel} · opened <TimeAgo iso={ticket.created_at} /></span>
            {ticket.linked_ticket_id && <span>· follows #{ticket.linked_ticket_id}</span>}
          </div>
          <p class="presence" role="status">
            {here.length > 0 &&
              'Also here: ' + here.map((v) => `${v.name}${v.replying ? ' (replying)' : ' (viewing)'}`).join(', ')}
          </p>
          <div class="ticket__actions" role="group" aria-label="Status">
            {moves.map((s) => (
              <button key={s} type="button" class={s === 'resolved' ? 'btn btn--primary btn--small' : 'btn btn--small'} disabled={busy}
                onClick={() => move(s)} aria-keyshortcuts={s === 'resolved' ? 'e' : undefined}>
                {moveLabel(ticket.status, s)}{s === 'resolved' && <> <kbd>e</kbd></>}
              </button>
            ))}
            {moves.length === 0 && <span class="muted">No status change possible ({STATUS_LABEL[ticket.status]}).</span>}
          </div>
        </header>
        <ErrorNote error={error} />
        {stale && (
          <StaleNotice conflicts={stale.conflicts}
            onMine={() => {
              const patch: TicketPatch = {};
              for (const c of stale.conflicts) (patch as Record<string, unknown>)[c.field] = c.mine;
              setStale(null);
              void onPatch(patch);
            }}
            onTheirs={() => setStale(null)} />
        )}
        {messages === null ? <p class="muted" style={{ padding: '1rem' }}>Loading the conversation…</p> : <Conversation messages={messages} pending={pending} />}
        {restored > 0 && (
          <div class="notice notice--info" role="status">
            A message you were sending when this tab closed was not sent. It is back in the composer.
          </div>
        )}
        {arrivedWhileWriting && !newer && (
          <div class="notice notice--info" role="status">The customer wrote again while you were writing: see the conversation above.</div>
        )}
        {newer && (
          <div class="notice" role="alert">
            <strong>{newer.count === 1 ? 'A new message' : `${newer.count} new messages`} from the customer arrived while you were writing.</strong>{' '}
            Read {newer.count === 1 ? 'it' : 'them'} above; your reply is still in the composer.
            <div class="ticket__actions">
              <button type="button" class="btn btn--small" onClick={() => {
                const o = { ...newer.outgoing, seen: latestSeen };
                setNewer(null);
                saveDraft(id, 'reply', { body: '', seen: latestSeen, savedAt: 0 });
                setReloadSig((s) => s + 1);
                void onSend(o, true);
              }}>Send it anyway</button>
              <button type="button" class="btn btn--ghost btn--small" onClick={() => setNewer(null)}>Edit the reply</button>
            </div>
          </div>
        )}
        {ticket.status !== 'closed' ? (
          <Composer ticketId={id} kind={kind} onKind={(k) => {
            setKind(k);
            setFocusSig((s) => s + 1);
          }} latestSeen={latestSeen} canned={canned}
            replyMoves={moves.filter((s) => s !== 'open' || ticket.status !== 'open')} focusSignal={focusSig} reloadSignal={reloadSig}
            onTyping={setTyping} onSend={(o) => void onSend(o)} />
        ) : (
          <p class="notice notice--info">This ticket is closed. A new message from the customer opens a new ticket linked to it.</p>
        )}
      </div>
      <aside class="ticket__side" aria-label="Ticket details">
        <Properties ticket={ticket} onPatch={(p) => void onPatch(p)} assignRef={assignRef} />
        <SlaTimers ticket={ticket} />
        <CustomerPanel ticket={ticket} />
        <MailPanel ticket={ticket} />
        <History events={events} />
      </aside>
    </div>
  );
}

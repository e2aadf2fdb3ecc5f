// A view's ticket list: search and filters (kept in the URL), a list that loads pages from the
// server as it scrolls and renders only the rows in sight, keyboard work and bulk actions.
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Dialog } from '@/components/ui/Dialog';
import { ErrorNote } from '@/components/ui/ErrorNote';
import { tickets } from '@/lib/cache';
import { users } from '@/lib/directory';
import { PRIORITY_LABEL, STATUS_LABEL } from '@/lib/format';
import { useKeys } from '@/lib/keys';
import { queueContext } from '@/lib/queue-context';
import { location, navigate } from '@/lib/router';
import { currentUser } from '@/lib/session';
import { useStore } from '@/lib/store';
import { PRIORITIES, STATUSES } from '@/lib/types';
import { clearSelection, selection, toggleSelected } from '../state/bulk';
import { forgetOthers, listFor, loadMore, watchInvalidations } from '../state/list';
import { createSavedView } from '../api/views';
import { buildQuery, CUSTOM_KEYS, FILTER_KEYS, queryKey, toQueryString, VIEWS } from '../state/views';
import { toast } from '@/components/ui/Toasts';
import { errorText } from '@/components/ui/ErrorNote';
import { rowWindow, scrollToRow } from '../state/window';
import { applyBulk, BulkBar } from './BulkBar';
import { TicketRow } from './TicketRow';

const cursors = new Map<string, number>(); // the cursor row per list, kept while the app runs
const scrolls = new Map<string, number>();

function useRowHeight(): number {
  const mq = typeof matchMedia === 'function' ? matchMedia('(max-width: 700px)') : null;
  const [narrow, setNarrow] = useState(!!mq?.matches);
  useEffect(() => {
    if (!mq) return;
    const on = () => setNarrow(mq.matches);
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }, []);
  return narrow ? 92 : 60;
}

export function QueuePage({ viewId }: { viewId: string }) {
  const user = useStore(currentUser)!;
  const loc = useStore(location);
  const cache = useStore(tickets);
  const sel = useStore(selection);
  useStore(users); // assignee names appear once the directory has loaded
  const view = VIEWS.find((v) => v.id === viewId);
  const base = view?.query(user) ?? null;
  const query = useMemo(() => (base ? buildQuery(base, loc.query, viewId === 'custom' ? CUSTOM_KEYS : FILTER_KEYS) : null), [viewId, loc.query.toString(), user.id]);
  const key = query ? queryKey(query) : '';
  const entry = query ? listFor(key, query) : null;
  const state = useStore(entry ? entry.store : listFor('', {}).store);
  const rowH = useRowHeight();
  const scroller = useRef<HTMLDivElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const assignRef = useRef<HTMLSelectElement>(null);
  const [scrollTop, setScrollTop] = useState(scrolls.get(key) ?? 0);
  const [viewport, setViewport] = useState(600);
  const [cursor, setCursorState] = useState(cursors.get(key) ?? 0);
  const [search, setSearch] = useState(loc.query.get('q') ?? '');
  const [showFilters, setShowFilters] = useState(false);
  const [saveName, setSaveName] = useState<string | null>(null);
  const pendingFocus = useRef(false);

  const setCursor = (i: number, focus = true) => {
    const n = Math.max(0, Math.min(i, state.ids.length - 1));
    cursors.set(key, n);
    setCursorState(n);
    pendingFocus.current = focus;
    const el = scroller.current;
    if (el) el.scrollTop = scrollToRow(n, el.scrollTop, el.clientHeight, rowH);
  };

  useEffect(() => {
    if (!entry) return;
    forgetOthers(key);
    if (entry.store.get().ids.length === 0) void loadMore(entry);
    const stop = watchInvalidations(entry);
    setSearch(loc.query.get('q') ?? '');
    setCursorState(cursors.get(key) ?? 0);
    const el = scroller.current;
    if (el) el.scrollTop = scrolls.get(key) ?? 0;
    return stop;
  }, [key]);

  useEffect(() => {
    queueContext.set({ path: loc.path + (loc.query.toString() ? '?' + loc.query.toString() : ''), ids: state.ids });
  }, [state.ids, key]);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const measure = () => setViewport(el.clientHeight);
    measure();
    const ro = typeof ResizeObserver !== 'undefined' ? new ResizeObserver(measure) : null;
    ro?.observe(el);
    return () => ro?.disconnect();
  }, []);

  const win = rowWindow(scrollTop, viewport, rowH, state.ids.length);
  // Near the end of what is loaded: fetch the next page.
  useEffect(() => {
    if (entry && !state.done && !state.loading && !state.error && win.end >= state.ids.length - 15) void loadMore(entry);
  }, [win.end, state.ids.length, state.done, state.loading]);

  useEffect(() => {
    if (!pendingFocus.current) return;
    pendingFocus.current = false;
    const link = scroller.current?.querySelector<HTMLAnchorElement>('.row--cursor .row__main');
    link?.focus({ preventScroll: true });
  });

  const setParam = (k: string, v: string) => {
    const p = new URLSearchParams(loc.query);
    if (v) p.set(k, v);
    else p.delete(k);
    const qs = p.toString();
    navigate(`/views/${viewId}${qs ? '?' + qs : ''}`, { replace: true });
  };

  const open = (i: number) => {
    const id = state.ids[i];
    if (id !== undefined) navigate(`/tickets/${id}`);
  };
  const targets = () => (sel.size ? [...sel] : state.ids[cursor] !== undefined ? [state.ids[cursor]] : []);

  useKeys({
    j: () => setCursor(cursor + 1),
    k: () => setCursor(cursor - 1),
    ArrowDown: () => setCursor(cursor + 1),
    ArrowUp: () => setCursor(cursor - 1),
    Enter: () => open(cursor),
    o: () => open(cursor),
    x: () => state.ids[cursor] !== undefined && toggleSelected(state.ids[cursor]),
    'Shift+x': () => (sel.size ? clearSelection() : selection.set(new Set(state.ids))),
    e: () => {
      const ids = targets();
      if (ids.length) void applyBulk(ids, { kind: 'status', status: 'resolved' }, 'Resolve').then(clearSelection);
    },
    a: () => {
      const ids = targets();
      if (!ids.length) return;
      if (!sel.size) selection.set(new Set(ids));
      setTimeout(() => assignRef.current?.focus(), 0);
    },
  });

  if (!view || !base) {
    return (
      <section class="queue">
        <h1>View not found</h1>
        <p>This view does not exist or does not apply to you.</p>
      </section>
    );
  }

  const title = loc.query.get('q') ? `Search: “${loc.query.get('q')}” in ${view.label}` : view.label;
  const filtered = loc.query.toString() !== '';

  return (
    <section class="queue" aria-labelledby="queue-title">
      <header class="queue__head">
        <h1 id="queue-title">{title}</h1>
        <form role="search" class="queue__search"
          onSubmit={(e) => {
            e.preventDefault();
            setParam('q', search.trim());
          }}>
          <label class="visually-hidden" for="queue-search">Search tickets</label>
          <input id="queue-search" ref={searchRef} type="search" value={search} placeholder="Search subject and messages  ( / )"
            onInput={(e) => setSearch(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') (e.currentTarget as HTMLInputElement).blur();
            }} />
          <button type="submit" class="btn">Search</button>
        </form>
        <button type="button" class="btn btn--small queue__filters-toggle" aria-expanded={showFilters} aria-controls="queue-filters"
          onClick={() => setShowFilters(!showFilters)}>
          Filters and sort{filtered ? ' (on)' : ''}
        </button>
        <div id="queue-filters" class={showFilters ? 'queue__filters queue__filters--open' : 'queue__filters'}>
          <label>
            <span>Status</span>
            <select value={loc.query.get('status') ?? ''} onChange={(e) => setParam('status', e.currentTarget.value)}>
              <option value="">View's default</option>
              {STATUSES.map((s) => <option key={s} value={s}>{STATUS_LABEL[s]}</option>)}
            </select>
          </label>
          <label>
            <span>Priority</span>
            <select value={loc.query.get('priority') ?? ''} onChange={(e) => setParam('priority', e.currentTarget.value)}>
              <option value="">Any</option>
              {PRIORITIES.map((p) => <option key={p} value={p}>{PRIORITY_LABEL[p]}</option>)}
            </select>
          </label>
          <label>
            <span>Tag</span>
            <input type="text" size={8} value={loc.query.get('tag') ?? ''}
              onChange={(e) => setParam('tag', e.currentTarget.value.trim().toLowerCase())} />
          </label>
          <label>
            <span>Sort</span>
            <select value={loc.query.get('sort') ?? ''} onChange={(e) => setParam('sort', e.currentTarget.value)}>
              <option value="">{base.sort === '-updated_at' ? 'Recently updated' : 'Newest first'}</option>
              <option value="created_at">Oldest first</option>
              <option value="-updated_at">Recently updated</option>
              <option value="updated_at">Least recently updated</option>
            </select>
          </label>
          {filtered && (
            <>
              <button type="button" class="btn btn--ghost btn--small" onClick={() => navigate(`/views/${viewId}`, { replace: true })}>
                Clear filters
              </button>
              <button type="button" class="btn btn--small" onClick={() => setSaveName(title)}>
                Save view
              </button>
            </>
          )}
        </div>
      </header>
      <Dialog title="Save this view" open={saveName !== null} onClose={() => setSaveName(null)}>
        <form onSubmit={(e) => {
          e.preventDefault();
          const name = (saveName ?? '').trim();
          if (!name || !query) return;
          createSavedView(user.id, name, toQueryString(query))
            .then(() => {
              setSaveName(null);
              window.dispatchEvent(new Event('hd:saved-views'));
              toast({ text: `Saved the view “${name}”.`, tone: 'success' });
            })
            .catch((err) => toast({ text: errorText(err), tone: 'error' }));
        }}>
          <label class="field">
            <span>Name</span>
            <input type="text" required maxLength={100} value={saveName ?? ''} autoFocus onInput={(e) => setSaveName(e.currentTarget.value)} />
          </label>
          <button type="submit" class="btn btn--primary">Save</button>
        </form>
      </Dialog>
      <BulkBar assignRef={assignRef} />
      <ErrorNote error={state.error} />
      <p class="visually-hidden" aria-live="polite">
        {state.loading && state.ids.length === 0 ? 'Loading tickets' : `${state.ids.length}${state.done ? '' : ' or more'} tickets`}
      </p>
      <div
        class="list"
        ref={scroller}
        role="list"
        aria-label={`Tickets: ${view.label}`}
        aria-busy={state.loading}
        onScroll={(e) => {
          const top = (e.currentTarget as HTMLDivElement).scrollTop;
          scrolls.set(key, top);
          setScrollTop(top);
        }}
      >
        <div style={{ height: `${win.total}px`, position: 'relative' }}>
          <div style={{ transform: `translateY(${win.top}px)` }}>
            {state.ids.slice(win.start, win.end).map((id, k) => {
              const i = win.start + k;
              return (
                <TicketRow key={id} id={id} ticket={cache.get(id)} index={i} count={state.done ? state.ids.length : -1}
                  cursor={i === cursor} selected={sel.has(id)}
                  onToggle={() => toggleSelected(id)}
                  onFocusRow={() => i !== cursor && (cursors.set(key, i), setCursorState(i))}
                  onOpen={(e) => {
                    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
                    e.preventDefault();
                    cursors.set(key, i);
                    navigate(`/tickets/${id}`);
                  }} />
              );
            })}
          </div>
        </div>
        {state.done && state.ids.length === 0 && <p class="list__empty">No tickets here. Nice work.</p>}
        {state.loading && <p class="list__loading">Loading…</p>}
      </div>
    </section>
  );
}

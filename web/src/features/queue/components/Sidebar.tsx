// The side bar: the agent's views with live counts, and their saved views.
import { useEffect, useState } from 'preact/hooks';
import { href, location, navigate } from '@/lib/router';
import { currentUser } from '@/lib/session';
import { useStore } from '@/lib/store';
import { counts, watchCounts } from '../state/counts';
import { deleteSavedView, listSavedViews } from '../api/views';
import { VIEWS, type SavedView } from '../state/views';


export function QueueSidebar({ onNavigate }: { onNavigate?: () => void }) {
  const user = useStore(currentUser);
  const loc = useStore(location);
  const c = useStore(counts);
  const [saved, setSaved] = useState<SavedView[]>([]);

  useEffect(() => (user ? watchCounts(user) : undefined), [user?.id]);
  useEffect(() => {
    if (!user) return;
    const reload = () => void listSavedViews(user.id).then(setSaved, () => setSaved([]));
    reload();
    window.addEventListener('hd:saved-views', reload);
    return () => window.removeEventListener('hd:saved-views', reload);
  }, [user?.id]);
  if (!user) return null;

  const current = loc.path + (loc.query.toString() ? '?' + loc.query.toString() : '');
  const go = (e: MouseEvent, path: string) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
    e.preventDefault();
    navigate(path);
    onNavigate?.();
  };

  return (
    <nav class="views" aria-label="Views">
      <h2 class="views__title">Views</h2>
      <ul>
        {VIEWS.filter((v) => !v.uncounted && v.query(user)).map((v) => {
          const path = `/views/${v.id}`;
          const n = c[v.key];
          const active = loc.path === path && !loc.query.toString();
          return (
            <li key={v.id}>
              <a href={href(path)} aria-current={active ? 'page' : undefined} class="views__link" onClick={(e) => go(e, path)}>
                <span>{v.label}</span>
                {n && (
                  <span class="count" aria-label={`${n.capped ? 'more than ' + (n.n - 1) : n.n} tickets`}>
                    {n.capped ? `${n.n - 1}+` : n.n}
                  </span>
                )}
              </a>
            </li>
          );
        })}
      </ul>
      {saved.length > 0 && (
        <>
          <h2 class="views__title">Saved views</h2>
          <ul>
            {saved.map((v) => {
              const path = `/views/custom${v.query ? '?' + v.query : ''}`;
              return (
                <li key={v.id} class="views__saved">
                  <a href={href(path)} class="views__link" aria-current={current === path ? 'page' : undefined} onClick={(e) => go(e, path)}>
                    <span>{v.name}</span>
                  </a>
                  <button type="button" class="btn btn--ghost btn--small" aria-label={`Delete saved view ${v.name}`}
                    onClick={() => {
                      setSaved(saved.filter((x) => x.id !== v.id));
                      void deleteSavedView(user.id, v.id).catch(() => window.dispatchEvent(new Event('hd:saved-views')));
                    }}>
                    ✕
                  </button>
                </li>
              );
            })}
          </ul>
        </>
      )}
    </nav>
  );
}

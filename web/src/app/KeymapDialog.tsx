// "?": every keyboard shortcut, grouped by where it works.
import { Dialog } from '@/components/ui/Dialog';
import { KEYMAP } from '@/lib/keys';

export function KeymapDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const scopes = [...new Set(KEYMAP.map((k) => k.scope))];
  return (
    <Dialog title="Keyboard shortcuts" open={open} onClose={onClose} wide>
      <div class="keymap">
        {scopes.map((s) => (
          <section key={s}>
            <h3>{s}</h3>
            <dl>
              {KEYMAP.filter((k) => k.scope === s).map((k) => (
                <div key={k.keys + k.scope} class="keymap__row">
                  <dt><kbd>{k.keys}</kbd></dt>
                  <dd>{k.what}</dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
    </Dialog>
  );
}

// The conversation: customer messages, public replies and internal notes, each clearly marked
// (by label, border and background, not by colour alone). New messages are announced.
import { TimeAgo } from '@/components/ui/TimeAgo';
import type { Message } from '@/lib/types';

export interface PendingMessage {
  key: number;
  body: string;
  internal: boolean;
  onUndo: () => void;
}

function kindOf(m: Message): { cls: string; label: string } {
  if (m.author.kind === 'customer') return { cls: 'msg--customer', label: 'Customer' };
  if (m.internal) return { cls: 'msg--note', label: 'Internal note' };
  return { cls: 'msg--reply', label: 'Public reply' };
}

export function Conversation({ messages, pending }: { messages: Message[]; pending: PendingMessage[] }) {
  const last = messages[messages.length - 1];
  return (
    <>
      <ol class="msgs" aria-label="Conversation">
        {messages.map((m) => {
          const k = kindOf(m);
          return (
            <li key={m.id} class={`msg ${k.cls}`} aria-label={`${k.label} from ${m.author.name}`}>
              <div class="msg__head">
                <span class="msg__kind">{k.label}</span>
                <span class="msg__who">{m.author.name}</span>
                <TimeAgo iso={m.created_at} />
              </div>
              <p class="msg__body">{m.body}</p>
            </li>
          );
        })}
        {pending.map((p) => (
          <li key={`p${p.key}`} class={`msg ${p.internal ? 'msg--note' : 'msg--reply'} msg--pending`}>
            <div class="msg__head">
              <span class="msg__kind">{p.internal ? 'Internal note' : 'Public reply'}</span>
              <span>sending in a few seconds…</span>
              <button type="button" class="btn btn--small" onClick={p.onUndo}>Undo</button>
            </div>
            <p class="msg__body">{p.body}</p>
          </li>
        ))}
      </ol>
      <p class="visually-hidden" aria-live="polite">
        {last ? `Latest message: ${kindOf(last).label} from ${last.author.name}` : ''}
      </p>
    </>
  );
}

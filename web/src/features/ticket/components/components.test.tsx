import { act, cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { useState } from 'preact/hooks';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Message } from '@/lib/types';
import { loadDraft, saveDraft, type DraftKind } from '../state/drafts';
import { Composer } from './Composer';
import { Conversation } from './Conversation';

afterEach(cleanup);

const msg = (id: number, kind: 'agent' | 'customer', internal: boolean, body: string): Message => ({
  id, ticket_id: 1, author: { kind, id: id, name: kind === 'customer' ? 'Cara Customer' : 'Ana Agent' }, internal, body,
  created_at: '2026-11-30T10:00:00.000Z',
});

describe('Conversation', () => {
  it('labels customer messages, public replies and internal notes apart', () => {
    render(<Conversation pending={[]} messages={[msg(1, 'customer', false, 'Help'), msg(2, 'agent', false, 'Sure'), msg(3, 'agent', true, 'Check VIP')]} />);
    expect(screen.getByRole('listitem', { name: 'Customer from Cara Customer' }).textContent).toContain('Help');
    expect(screen.getByRole('listitem', { name: 'Public reply from Ana Agent' }).textContent).toContain('Sure');
    expect(screen.getByRole('listitem', { name: 'Internal note from Ana Agent' }).textContent).toContain('Check VIP');
  });

  it('offers undo on a message waiting to be sent', () => {
    const undo = vi.fn();
    render(<Conversation messages={[]} pending={[{ key: 1, body: 'On its way', internal: false, onUndo: undo }]} />);
    fireEvent.click(screen.getByRole('button', { name: 'Undo' }));
    expect(undo).toHaveBeenCalled();
  });
});

describe('Composer', () => {
  beforeEach(() => localStorage.clear());
  const props = { kind: 'reply' as const, onKind: () => undefined, latestSeen: 3, canned: null, replyMoves: [], focusSignal: 0, reloadSignal: 0 };

  it('restores the draft of the ticket and keeps what is typed', () => {
    saveDraft(42, 'reply', { body: 'Half-written answer', seen: 3, savedAt: 1 });
    render(<Composer ticketId={42} {...props} onSend={() => undefined} />);
    const box = screen.getByLabelText('Reply to the customer') as HTMLTextAreaElement;
    expect(box.value).toBe('Half-written answer');
    fireEvent.input(box, { target: { value: 'Half-written answer, finished' } });
    expect(loadDraft(42, 'reply')?.body).toBe('Half-written answer, finished');
  });

  it('sends the trimmed text with Ctrl+Enter and empties the box', () => {
    const onSend = vi.fn();
    render(<Composer ticketId={7} {...props} onSend={onSend} />);
    const box = screen.getByLabelText('Reply to the customer') as HTMLTextAreaElement;
    fireEvent.input(box, { target: { value: '  Thanks!  ' } });
    fireEvent.keyDown(box, { key: 'Enter', ctrlKey: true });
    expect(onSend).toHaveBeenCalledWith(expect.objectContaining({ kind: 'reply', body: 'Thanks!', seen: 3 }));
    expect(box.value).toBe('');
  });

  it('fills in a canned response and remembers what it sets on send', () => {
    const onSend = vi.fn();
    const canned = [{ id: 1, title: 'Refund done', body: 'Your refund is on its way.', status: 'resolved' as const, priority: null, add_tags: ['refund'] }];
    render(<Composer ticketId={9} {...props} canned={canned} replyMoves={['pending', 'resolved']} onSend={onSend} />);
    fireEvent.change(screen.getByLabelText('Insert a canned response'), { target: { value: '1' } });
    const box = screen.getByLabelText('Reply to the customer') as HTMLTextAreaElement;
    expect(box.value).toBe('Your refund is on its way.');
    fireEvent.click(screen.getByRole('button', { name: 'Send reply' }));
    expect(onSend).toHaveBeenCalledWith(expect.objectContaining({ status: 'resolved', tags: ['refund'] }));
  });

  // The agent switches between reply and note (r / n or the tabs) as the page re-renders: the
  // box must show, and save, only the text of the kind it is labelled for, in the very render
  // that switches (not an effect later, when a keystroke may already have gone to the wrong one).
  it('never shows or saves one kind\'s draft under the other kind', async () => {
    saveDraft(5, 'reply', { body: 'This reply must not go out.', seen: 3, savedAt: 1 });
    saveDraft(5, 'note', { body: 'Customer called.', seen: 3, savedAt: 1 });
    let switchTo: (k: DraftKind) => void = () => undefined;
    function Page() {
      const [kind, setKind] = useState<DraftKind>('reply');
      switchTo = setKind;
      return <Composer ticketId={5} {...props} kind={kind} onKind={setKind} onSend={() => undefined} />;
    }
    render(<Page />);
    expect((screen.getByLabelText('Reply to the customer') as HTMLTextAreaElement).value).toBe('This reply must not go out.');

    for (const [to, label, mine, other] of [
      ['note', 'Internal note (agents only)', 'Customer called.', 'reply'],
      ['reply', 'Reply to the customer', 'This reply must not go out.', 'note'],
    ] as const) {
      // Switched outside act(): the render comes on the next microtask, effects only after a frame.
      switchTo(to);
      await Promise.resolve();
      await Promise.resolve();
      const box = screen.getByLabelText(label) as HTMLTextAreaElement;
      expect(box.value, `the ${to} box right after the switch`).toBe(mine);
      // A keystroke at once, and the tab hidden: both save under this kind only.
      fireEvent.input(box, { target: { value: `${box.value}!` } });
      act(() => {
        window.dispatchEvent(new Event('pagehide'));
      });
      expect(loadDraft(5, to)?.body).toBe(`${mine}!`);
      expect(loadDraft(5, other)?.body, `the ${other} draft`).not.toContain(`${mine}!`);
      // Undo the keystroke for the next round.
      fireEvent.input(box, { target: { value: mine } });
    }
    expect(loadDraft(5, 'reply')?.body).toBe('This reply must not go out.');
    expect(loadDraft(5, 'note')?.body).toBe('Customer called.');
  });
});


import { beforeEach, describe, expect, it } from 'vitest';
import { heldDraft, holds, loadDraft, saveDraft, saveHeld } from './drafts';

const empty = () => ({ body: '', seen: 7, savedAt: 0 });

describe('held drafts', () => {
  beforeEach(() => localStorage.clear());

  it('are loaded for their own ticket, kind and generation only', () => {
    saveDraft(1, 'reply', { body: 'the reply', seen: 2, savedAt: 1 });
    saveDraft(1, 'note', { body: 'the note', seen: 2, savedAt: 1 });
    const reply = heldDraft(null, 1, 'reply', 0, empty);
    expect(reply.draft.body).toBe('the reply');
    expect(heldDraft(reply, 1, 'reply', 0, empty)).toBe(reply);
    expect(heldDraft(reply, 1, 'note', 0, empty).draft.body).toBe('the note');
    expect(heldDraft(reply, 2, 'reply', 0, empty).draft).toEqual(empty());
    expect(holds(reply, 1, 'reply', 1)).toBe(false); // reloaded since: read again
  });

  it('are saved under their own key, whatever is asked for meanwhile', () => {
    const note = { ...heldDraft(null, 3, 'note', 0, empty), draft: { body: 'agents only', seen: 7, savedAt: 0 } };
    saveHeld(note);
    expect(loadDraft(3, 'note')?.body).toBe('agents only');
    expect(loadDraft(3, 'reply')).toBeNull();
    saveHeld({ ...note, draft: { ...note.draft, body: '  ' } }); // emptied: the draft goes
    expect(loadDraft(3, 'note')).toBeNull();
  });
});

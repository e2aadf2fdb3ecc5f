import { describe, expect, it } from 'vitest';
import { isTyping, KEYMAP, keyName } from './keys';

describe('keyName', () => {
  it('names plain, shifted and control keys', () => {
    expect(keyName(new KeyboardEvent('keydown', { key: 'j' }))).toBe('j');
    expect(keyName(new KeyboardEvent('keydown', { key: 'X', shiftKey: true }))).toBe('Shift+x');
    expect(keyName(new KeyboardEvent('keydown', { key: '?', shiftKey: true }))).toBe('?');
    expect(keyName(new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true }))).toBe('Ctrl+Enter');
  });
});

describe('isTyping', () => {
  it('is true in text fields and false on buttons and checkboxes', () => {
    const text = document.createElement('input');
    const box = document.createElement('input');
    box.type = 'checkbox';
    expect(isTyping(text)).toBe(true);
    expect(isTyping(document.createElement('textarea'))).toBe(true);
    expect(isTyping(box)).toBe(false);
    expect(isTyping(document.createElement('button'))).toBe(false);
    expect(isTyping(null)).toBe(false);
  });
});

describe('KEYMAP', () => {
  it('documents every key the brief asks for', () => {
    const keys = KEYMAP.map((k) => k.keys).join(' | ');
    for (const k of ['j / k', 'Enter', 'r', 'n', 'e', 'a', '/', 'x', '?']) expect(keys).toContain(k);
  });
});

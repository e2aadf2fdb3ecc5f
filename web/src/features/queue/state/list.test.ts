import { describe, expect, it } from 'vitest';
import { mergeFirstPage } from './list';
import { rowWindow, scrollToRow } from './window';

describe('mergeFirstPage', () => {
  it('puts a new ticket in front and keeps the rest after the page', () => {
    const old = [10, 9, 8, 7, 6, 5];
    expect(mergeFirstPage(old, [11, 10, 9], false)).toEqual([11, 10, 9, 8, 7, 6, 5]);
  });
  it('drops a ticket that left the first page', () => {
    expect(mergeFirstPage([10, 9, 8, 7, 6], [10, 8, 7], false)).toEqual([10, 8, 7, 6]);
  });
  it('replaces everything when the page is the whole list', () => {
    expect(mergeFirstPage([3, 2, 1], [4, 3], true)).toEqual([4, 3]);
  });
  it('never repeats an id', () => {
    const merged = mergeFirstPage([5, 4, 3, 2, 1], [2, 5, 4], false);
    expect(new Set(merged).size).toBe(merged.length);
  });
});

describe('rowWindow', () => {
  it('renders only the rows in view plus the overscan', () => {
    const w = rowWindow(6000, 600, 60, 100_000, 8);
    expect(w.start).toBe(92);
    expect(w.end).toBe(100 + 11 + 8);
    expect(w.top).toBe(92 * 60);
    expect(w.total).toBe(6_000_000);
  });
  it('clamps at both ends', () => {
    expect(rowWindow(0, 600, 60, 5)).toMatchObject({ start: 0, end: 5, top: 0 });
    expect(rowWindow(-50, 600, 60, 0)).toMatchObject({ start: 0, end: 0, total: 0 });
  });
});

describe('scrollToRow', () => {
  it('scrolls just enough to show the row', () => {
    expect(scrollToRow(5, 0, 600, 60)).toBe(0); // visible
    expect(scrollToRow(12, 0, 600, 60)).toBe(13 * 60 - 600); // below
    expect(scrollToRow(2, 600, 600, 60)).toBe(120); // above
  });
});

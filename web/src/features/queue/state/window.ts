// Which rows of a long list to render: only those in view plus a margin (fixed row height).

export interface RowWindow {
  start: number; // first rendered index
  end: number; // one past the last rendered index
  top: number; // px offset of the first rendered row
  total: number; // px height of the whole list
}

/** The rows to render for a scroll position; `overscan` rows are added above and below. */
export function rowWindow(scrollTop: number, viewport: number, rowHeight: number, count: number, overscan = 8): RowWindow {
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const visible = Math.ceil(viewport / rowHeight) + 1;
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, first + visible + overscan);
  return { start, end, top: start * rowHeight, total: count * rowHeight };
}

/** The scrollTop that brings row `i` into view (unchanged when it is visible already). */
export function scrollToRow(i: number, scrollTop: number, viewport: number, rowHeight: number): number {
  const top = i * rowHeight;
  if (top < scrollTop) return top;
  if (top + rowHeight > scrollTop + viewport) return top + rowHeight - viewport;
  return scrollTop;
}

// CSV of what the dashboard shows, made in the browser: RFC 4180 quoting, CRLF line ends, and a
// guard against formula injection (a cell a spreadsheet would run as a formula is made text).

export type Cell = string | number | boolean | null | undefined;

/** A plain number ("-12", "87.5", "1e3") is data, not a formula: it keeps its sign. */
const NUMBER = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

/**
 * One cell as CSV text. Text starting with `=`, `+`, `-`, `@`, a tab or a carriage return (what
 * spreadsheets read as a formula) gets a leading apostrophe; plain numbers are left alone.
 * Cells holding a comma, a quote or a line break are quoted, quotes doubled.
 */
export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : String(value);
  if (/^[=+\-@\t\r]/.test(text) && !NUMBER.test(text)) text = "'" + text;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows as a CSV document (CRLF after every row, as RFC 4180 writes it). */
export function toCsv(rows: Cell[][]): string {
  return rows.map((r) => r.map(csvCell).join(',') + '\r\n').join('');
}

/** Offers `text` as a file download named `name` (a same-origin blob: URL, no server round trip). */
export function downloadCsv(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

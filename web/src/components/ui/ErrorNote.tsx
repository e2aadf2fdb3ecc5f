// An error shown where it happened, announced to screen readers.
import { ApiError } from '@/lib/api';

export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.detail;
  if (e instanceof Error) return e.message;
  return String(e);
}

export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p class="error-note" role="alert">
      {errorText(error)}
    </p>
  );
}

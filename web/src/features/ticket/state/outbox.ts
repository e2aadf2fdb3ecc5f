// Sending with undo: a message waits a few seconds before it is posted, and can be taken back
// in that time. The draft stays in localStorage until the server has the message, so a crash
// during the wait loses nothing.
export const UNDO_MS = 5_000;

export interface Pending {
  id: number;
  cancel(): boolean;
  /** Resolves when sent; rejects with the server's error; never settles when cancelled. */
  done: Promise<void>;
}

let nextId = 1;

/** Runs `send` after `delay` ms unless cancelled first. */
export function schedule(send: () => Promise<void>, delay = UNDO_MS): Pending {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let started = false;
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  timer = setTimeout(() => {
    started = true;
    send().then(resolve, reject);
  }, delay);
  return {
    id: nextId++,
    done,
    cancel() {
      if (started || !timer) return false;
      clearTimeout(timer);
      timer = null;
      return true;
    },
  };
}

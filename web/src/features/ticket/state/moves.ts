// The status moves an agent may make, as docs/API.md's state machine says. The server decides;
// this only keeps the buttons honest (a 409 answer's `allowed` list replaces it).
import type { Role, Status } from '@/lib/types';

const AGENT_MOVES: Record<Status, Status[]> = {
  open: ['pending', 'resolved'],
  pending: ['open', 'resolved'],
  resolved: ['open'],
  follow_up: ['open'],
  closed: [],
};

/** The statuses `role` may move a ticket to from `from`. */
export function allowedMoves(from: Status, role: Role): Status[] {
  const moves = [...AGENT_MOVES[from]];
  if (role !== 'agent' && from !== 'closed') moves.push('closed');
  return moves;
}

/** The button label of a move (a move back to open from a finished state is a reopen). */
export function moveLabel(from: Status, to: Status): string {
  if (to === 'open') return from === 'pending' ? 'Back to open' : 'Reopen';
  if (to === 'pending') return 'Set pending';
  if (to === 'resolved') return 'Resolve';
  if (to === 'closed') return 'Close';
  return to;
}

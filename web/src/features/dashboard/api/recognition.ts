// Recognition (per-agent CSAT, first response, one-touch; ranked only where fair) and kudos.
import { apiUrl, get, send } from '@/lib/api';

export interface Rate { value: number | null; n: number; ci: [number, number] | null; low_confidence: boolean }
export interface RecognitionRow {
  agent: { id: number; name: string };
  csat: Rate;
  first_response: { calendar: { median: number | null; n: number }; business: { median: number | null; n: number } };
  one_touch_rate: Rate;
  rank_group: number | null;
}
export interface Recognition { from: string; to: string; min_n_to_rank: number; items: RecognitionRow[] }

export const getRecognition = (from: string, to: string) => get<Recognition>(apiUrl('recognition', { from, to }));
export const sendKudos = (agentId: number, message: string) => send<unknown>('POST', apiUrl('kudos'), { agent_id: agentId, message });

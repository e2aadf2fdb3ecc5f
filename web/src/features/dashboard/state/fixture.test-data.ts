// A KPI answer's figures for tests: a few with targets, one low-confidence, one empty.
import type { Distribution, Figures } from './types';

const dist = (median: number | null, n: number, extra: Partial<Distribution> = {}): Distribution => ({
  median, p90: median === null ? null : median * 3, mean: median === null ? null : median * 1.5, n,
  low_confidence: n < 30, target: null, met: null, ...extra,
});

export function sampleFigures(): Figures {
  return {
    first_response: {
      business: dist(3000, 120, { target: { median: 3600, p90: 7200 }, met: { median: true, p90: false } }),
      calendar: dist(5400, 120),
    },
    next_reply: { business: dist(1800, 12), calendar: dist(2400, 12) },
    first_resolution: { business: dist(86_400, 80), calendar: dist(172_800, 80) },
    full_resolution: { business: dist(null, 0), calendar: dist(null, 0) },
    csat: { value: 87.5, n: 40, hits: 35, ci: [73.9, 94.5], low_confidence: false, target: 90, met: false },
    nps: { value: -12.5, n: 16, promoters: 4, detractors: 6, ci: [-50, 25], low_confidence: true, target: null, met: null },
    ces: { value: 5.4166, n: 12, low_confidence: true, target: 5, met: true },
    response_rate: { value: 40, n: 100, hits: 40, ci: [30.9, 49.8], low_confidence: false, target: null, met: null },
    reopen_rate: { value: 5, n: 80, hits: 4, ci: [2, 12.2], low_confidence: false, target: 10, met: true },
    one_touch_rate: { value: 50, n: 80, hits: 40, ci: [39.3, 60.7], low_confidence: false, target: null, met: null },
    volume: { n: 150 },
    backlog: { open: 9, pending: 3, n: 12, age: { median: 7200, p90: 172_800, max: 400_000 } },
  };
}

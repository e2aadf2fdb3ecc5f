// A <time> element showing a relative time, with the full time as tooltip.
import { fullTime, relativeTime } from '@/lib/format';

export function TimeAgo({ iso }: { iso: string }) {
  return (
    <time dateTime={iso} title={fullTime(iso)}>
      {relativeTime(iso)}
    </time>
  );
}

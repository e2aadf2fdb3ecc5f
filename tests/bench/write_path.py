#!/usr/bin/env python3
"""What the server's own /metrics saw during one scenario of run.sh: two scrapes, before and after.

    python3 write_path.py BEFORE AFTER ROUTE

Prints one line: the share of ROUTE's requests the server answered within 25 ms (from reading the
request to its response ready), and for the durable writes: group commits, the fdatasync waits
over 25 and 100 ms, and the writer's pauses for the WAL. wrk's latency also counts what happens
outside that window (socket buffers, the scheduler, wrk itself on the same CPUs); a missed p99
beside fdatasync waits over 100 ms points at the disk first.
"""

import re
import sys

# A sample line: name, labels (route patterns hold braces too), value.
SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')


def samples(path):
    """{(name, labels): value} of a Prometheus text exposition."""
    found = {}
    with open(path, encoding='utf-8') as text:
        for line in text:
            match = SAMPLE.match(line.strip())
            if match:
                found[(match.group(1), match.group(2) or '')] = float(match.group(3))
    return found


def main(before_path, after_path, route):
    before, after = samples(before_path), samples(after_path)

    def delta(name, labels=''):
        return after.get((name, labels), 0.0) - before.get((name, labels), 0.0)

    route_label = f'route="{route}"'
    answered = delta('helpdesk_http_request_duration_seconds_count', route_label)
    in_time = delta('helpdesk_http_request_duration_seconds_bucket', f'{route_label},le="0.025"')
    commits = delta('helpdesk_db_write_sync_seconds_count')
    syncs_over = {bound: commits - delta('helpdesk_db_write_sync_seconds_bucket', f'le="{bound}"')
                  for bound in ('0.025', '0.1')}
    pauses = delta('helpdesk_db_writer_paused_seconds_count')
    paused_ms = delta('helpdesk_db_writer_paused_seconds_sum') * 1000
    if answered <= 0:
        print(f'server side: no {route} requests seen in /metrics')
        return
    print(f'server side: {100 * in_time / answered:.1f} % of {answered:.0f} answered within 25 ms; '
          f'{commits:.0f} group commits, fdatasync waits over 25 ms: {syncs_over["0.025"]:.0f} '
          f'(over 100 ms: {syncs_over["0.1"]:.0f}); writer paused for the WAL {pauses:.0f} times, '
          f'{paused_ms:.0f} ms in all')


if __name__ == '__main__':
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])

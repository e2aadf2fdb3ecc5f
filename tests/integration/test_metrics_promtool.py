"""/metrics judged by Prometheus' own tool (Debian's `prometheus` package ships promtool)."""
from __future__ import annotations

import shutil
import subprocess

from harness import new_ticket


def test_metrics_pass_promtool_and_show_traffic(server, api):
    # Traffic first, so that every family has samples: requests, a write batch, a queued job.
    ticket = new_ticket(api)
    api.post(f"/api/v1/tickets/{ticket['id']}/status", json={"status": "resolved"})
    # A report over the ticket's day keeps that day's facts in memory.
    day = ticket["created_at"][:10]
    report = api.get(f"/api/v1/kpis?from={day}T00:00:00Z&to={day}T23:59:59Z")
    assert report.status == 200, report.body
    body = api.get("/metrics").body.decode()

    promtool = shutil.which("promtool")
    assert promtool, "promtool is missing: scripts/install-deps.sh installs Debian's prometheus"
    check = subprocess.run([promtool, "check", "metrics"], input=body, capture_output=True,
                           text=True, timeout=30)
    assert check.returncode == 0, f"promtool check metrics failed:\n{check.stdout}{check.stderr}"

    assert 'helpdesk_http_requests_total{' in body
    assert 'route="/api/v1/tickets"' in body, "requests are labelled by route pattern"
    assert 'route="/api/v1/tickets/{id}/status"' in body
    assert "helpdesk_http_request_duration_seconds_bucket{" in body
    assert "helpdesk_db_write_batch_size_count" in body
    held = [line for line in body.splitlines() if line.startswith("helpdesk_db_write_batch_seconds_count")]
    assert held and float(held[0].split()[-1]) >= 2, "each commit's hold time is observed"
    assert 'helpdesk_jobs_queued{kind="satisfaction_check"}' in body
    kept = [line for line in body.splitlines() if line.startswith("helpdesk_kpi_fact_cache_bytes ")]
    assert kept and float(kept[0].split()[-1]) > 0, "the report's facts are kept, and counted"

# bench/run.sh's channel rows (all per-run JSON lines, slurped) as a markdown table of medians.
# Input: $order "plain sqlite postgres". Run with -L bench (summarize_common.jq).
include "summarize_common";

targets($order) as $targets
| map(select(.name == "channel")) | group_by(.target)
| map({key: .[0].target, value: {
    runs: length, ok: (map(select(.ok == true)) | length),
    members: .[0].params.members, online: .[0].params.online, rate: .[0].params.rate,
    dps: (map(.deliveries_per_s) | median),
    a99: (map(.ack_latency_ms.p99) | median),
    l50: (map(.deliver_latency_ms.p50) | median), l99: (map(.deliver_latency_ms.p99) | median),
    l999: (map(.deliver_latency_ms.p999) | median), lmax: (map(.deliver_latency_ms.max) | median),
    missed: (map(.missed // 0) | add), dup: (map(.duplicated // 0) | add),
    usm: (map(.broker_cpu_us_per_message) | median),
    usd: (map(.broker_cpu_us_per_delivery) | median),
    rss: (map(.broker_rss_mb) | median),
    edit: (map(.role_edit_ms.max) | median), all: (map(.role_to_all_ms.max) | median),
    rcpu: (map(.role_broker_cpu_s) | median)}})
| from_entries as $by
| "| target | ok runs | members / online | msgs/s offered | deliveries/s | send→ack p99 ms | send→deliver ms p50 / p99 / p99.9 / max | missed | dup | broker CPU µs per message | µs per delivery | broker RSS MB | role edit round trip ms (max of 2) | role edit → next message at all online ms (max of 2) | broker CPU s for the 2 edits |",
  "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
  ($targets[] as $t | $by[$t] // empty | . as $r
   | "| \($t) | \($r.ok)/\($r.runs) | \($r.members) / \($r.online) | \($r.rate) | \($r.dps | int) | \($r.a99) | \(lat($r.l50; $r.l99; $r.l999; $r.lmax)) | \($r.missed) | \($r.dup) | \($r.usm | int) | \($r.usd * 10 | round / 10) | \($r.rss * 10 | round / 10) | \($r.edit) | \($r.all) | \($r.rcpu) |")

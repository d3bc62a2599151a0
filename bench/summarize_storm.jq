# bench/run.sh's reconnect-storm rows (all per-run JSON lines, slurped) as a markdown table of
# medians. Input: $order "plain sqlite postgres". Run with -L bench (summarize_common.jq).
include "summarize_common";

targets($order) as $targets
| map(select(.name == "storm")) | group_by(.target)
| map({key: .[0].target, value: {
    runs: length, ok: (map(select(.ok == true)) | length),
    shape: "\(.[0].params.devices // "-") × \(.[0].params.missed // "-")",
    setup: (map(.setup_s) | median), storm: (map(.storm_s) | median),
    cps: (map(.connects_per_s) | median), mps: (map(.synced_messages_per_s) | median),
    c50: (map(.catch_up_latency_ms.p50) | median), c99: (map(.catch_up_latency_ms.p99) | median),
    c999: (map(.catch_up_latency_ms.p999) | median), cmax: (map(.catch_up_latency_ms.max) | median),
    session: (map(.via_session) | median), sync: (map(.via_sync) | median),
    missing: (map(.missing // 0) | add), dup: (map(.duplicated // 0) | add),
    errors: (map(.errors // 0) | add),
    bus: (map(.broker_cpu_us_per_device) | median), rss: (map(.broker_peak_rss_kb) | median),
    gcpu: (map(.cpu.percent) | median),
    ocpu: (map(.other_cpu_pct | if . < 0 then 0 else . end) | median)}})
| from_entries as $by
| "| target | ok runs | devices × missed | set-up s | storm s | connects/s | caught-up msgs/s | CONNECT→caught up ms p50 / p99 / p99.9 / max | msgs from session / from sync | missing | dup | errors | broker CPU µs per device | broker peak RSS MB | generator CPU % (storm) | others' CPU % | vs plain |",
  "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
  ($targets[] as $t | $by[$t] // empty | . as $r | ($by.plain // null) as $p
   | "| \($t) | \($r.ok)/\($r.runs) | \($r.shape) | \($r.setup | ms) | \($r.storm | ms) | \($r.cps | int) | \($r.mps | int) | \(lat($r.c50; $r.c99; $r.c999; $r.cmax)) | \($r.session | int) / \($r.sync | int) | \($r.missing) | \($r.dup) | \($r.errors) | \($r.bus | int) | \($r.rss | mb) | \($r.gcpu | int) | \($r.ocpu | int) | \(if $t == "plain" or $p == null or ($p.storm // 0) == 0 or $r.storm == null then "1" else "storm ×\($r.storm / $p.storm * 100 | round / 100)" end) |")

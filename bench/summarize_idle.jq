# bench/run.sh's idle rows (all per-run JSON lines, slurped) as a markdown table of medians.
# Input: $order "plain sqlite postgres". Run with -L bench (summarize_common.jq).
include "summarize_common";

targets($order) as $targets
| map(select(.name == "idle")) | group_by(.target)
| map({key: .[0].target, value: {
    runs: length, ok: (map(select(.ok == true)) | length),
    n: (map(.connected) | median), cps: (map(.connects_per_s) | median),
    before: (map(.broker_rss_before_kb) | median), held: (map(.broker_rss_held_kb) | median),
    per: (map(.broker_rss_per_connection_bytes) | median),
    ocpu: (map(.other_cpu_pct | if . < 0 then 0 else . end) | median)}})
| from_entries as $by
| "| target | ok runs | connections | connects/s | broker VmRSS before MB | broker VmRSS with them MB | broker RSS per connection KiB | vs plain, KiB per connection | others' CPU % |",
  "|---|---|---|---|---|---|---|---|---|",
  ($targets[] as $t | $by[$t] // empty | . as $r | ($by.plain // null) as $p
   | "| \($t) | \($r.ok)/\($r.runs) | \($r.n | int) | \($r.cps | int) | \($r.before | mb) | \($r.held | mb) | \(if $r.per == null then "-" else ($r.per / 1024 * 100 | round / 100 | tostring) end) | \(if $t == "plain" or $p == null or $p.per == null or $r.per == null then "-" else ((($r.per - $p.per) / 1024 * 100 | round / 100) as $d | if $d >= 0 then "+\($d)" else "\($d)" end) end) | \($r.ocpu | int) |")

# Turns bench/run.sh's per-run JSON lines (slurped) into a markdown table of medians of the
# message rows. Inputs: $descs {name: description} in scenario order, $order "plain sqlite
# postgres". Run with -L bench (summarize_common.jq).
include "summarize_common";

($order | split(" ") | map(select(length > 0))) as $targets
| group_by([.name, .target])
| map({
    name: .[0].name, target: .[0].target, runs: length,
    ok: (map(select(.ok == true)) | length),
    sent: (map(.sent_per_s) | median), acked: (map(.acked_per_s) | median),
    delivered: (map(.delivered_per_s) | median),
    a50: (map(.ack_latency_ms.p50) | median), a99: (map(.ack_latency_ms.p99) | median),
    a999: (map(.ack_latency_ms.p999) | median), amax: (map(.ack_latency_ms.max) | median),
    d50: (map(.delivery_latency_ms.p50) | median), d99: (map(.delivery_latency_ms.p99) | median),
    d999: (map(.delivery_latency_ms.p999) | median), dmax: (map(.delivery_latency_ms.max) | median),
    lost: (map(.lost // 0) | add), dup: (map(.duplicated // 0) | add),
    bcpu: (map(.broker_cpu_pct) | median), pgcpu: (map(.pg_cpu_pct) | median),
    rss: (map(.broker_peak_rss_kb) | median), gcpu: (map(.cpu.percent) | median),
    ocpu: (map(.other_cpu_pct | if . < 0 then 0 else . end) | median)})
| (map(select(.target == "plain")) | map({(.name): .}) | add // {}) as $plain
| (map({("\(.name)|\(.target)"): .}) | add) as $by
| "| scenario | target | ok runs | sent/s | acked/s | delivered/s | send→ack ms p50 / p99 / p99.9 / max | send→deliver ms p50 / p99 / p99.9 / max | lost | dup | broker CPU % | broker peak RSS MB | PG CPU % | generator CPU % | others' CPU % | vs plain |",
  "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
  ($descs | keys_unsorted[] as $name | $targets[] as $t | $by["\($name)|\($t)"] // empty
   | . as $r | ($plain[$name] // null) as $p
   | (if $t == "plain" then "1" elif $p == null then "-"
      elif ($name | test("rate")) then
        (if ($p.d50 // 0) > 0 and $r.d50 != null then "p50 latency ×\($r.d50 / $p.d50 * 10 | round / 10)" else "-" end)
      else
        (if ($p.delivered // 0) > 0 and $r.delivered != null then "\($r.delivered / $p.delivered * 100 | round / 100)× msgs" else "-" end)
      end) as $ratio
   | "| \($descs[$name]) | \($t) | \($r.ok)/\($r.runs) | \($r.sent | int) | \($r.acked | int) | \($r.delivered | int) | \(lat($r.a50; $r.a99; $r.a999; $r.amax)) | \(lat($r.d50; $r.d99; $r.d999; $r.dmax)) | \($r.lost) | \($r.dup) | \($r.bcpu | int) | \(if $r.rss == null then "-" else ($r.rss / 1024 * 10 | round / 10 | tostring) end) | \(if ($t | startswith("postgres")) then ($r.pgcpu | int) else "-" end) | \($r.gcpu | int) | \($r.ocpu | int) | \($ratio) |")

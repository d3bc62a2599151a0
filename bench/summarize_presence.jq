# bench/run.sh's presence rows (all per-run JSON lines, slurped) as a markdown table of medians.
# Input: $order "plain sqlite postgres". Run with -L bench (summarize_common.jq).
include "summarize_common";

targets($order) as $targets
| map(select(.name == "presence")) | group_by(.target)
| map({key: .[0].target, value: {
    runs: length, ok: (map(select(.ok == true)) | length),
    watchers: .[0].params.watchers, transitions: (map(.transitions) | median),
    tps: (map(.transitions_per_s) | median), dps: (map(.deliveries_per_s) | median),
    l50: (map(.latency_ms.p50) | median), l99: (map(.latency_ms.p99) | median),
    l999: (map(.latency_ms.p999) | median), lmax: (map(.latency_ms.max) | median),
    missed: (map(.missed // 0) | add), dup: (map(.duplicated // 0) | add),
    wrong: (map(.final_state_wrong // 0) | add),
    ust: (map(.broker_cpu_us_per_transition) | median),
    usd: (map(.broker_cpu_us_per_delivery) | median),
    gcpu: (map(.cpu.percent) | median),
    ocpu: (map(.other_cpu_pct | if . < 0 then 0 else . end) | median)}})
| from_entries as $by
| "| target | ok runs | watchers | transitions | transitions/s | deliveries/s | transition→watcher ms p50 / p99 / p99.9 / max | missed | dup | final state wrong | broker CPU µs per transition | broker CPU µs per delivery | generator CPU % | others' CPU % |",
  "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
  ($targets[] as $t | $by[$t] // empty | . as $r
   | "| \($t) | \($r.ok)/\($r.runs) | \($r.watchers) | \($r.transitions | int) | \($r.tps | int) | \($r.dps | int) | \(lat($r.l50; $r.l99; $r.l999; $r.lmax)) | \($r.missed) | \($r.dup) | \($r.wrong) | \($r.ust | int) | \($r.usd | if . == null then "-" else (. * 10 | round / 10 | tostring) end) | \($r.gcpu | int) | \($r.ocpu | int) |")

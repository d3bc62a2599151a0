# Helpers shared by bench/summarize*.jq (include "summarize_common"; run jq with -L bench).
def median: map(select(. != null)) | sort
  | if length == 0 then null
    elif length % 2 == 1 then .[(length - 1) / 2]
    else (.[length / 2 - 1] + .[length / 2]) / 2 end;
def ms: if . == null then "-"
  elif . < 1 then (. * 1000 | round / 1000 | tostring)
  elif . < 10 then (. * 100 | round / 100 | tostring)
  else (. * 10 | round / 10 | tostring) end;
def int: if . == null then "-" else (round | tostring) end;
def lat(p50; p99; p999; max): "\(p50 | ms) / \(p99 | ms) / \(p999 | ms) / \(max | ms)";
def mb: if . == null then "-" else (. / 1024 * 10 | round / 10 | tostring) end;
# The targets named in $order ("plain sqlite postgres"), in that order.
def targets($order): $order | split(" ") | map(select(length > 0));

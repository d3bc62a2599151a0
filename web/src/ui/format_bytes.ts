// A size in bytes for people: "812 B", "48 KB", "3.2 MB" (decimal units, one decimal below 10).
export function fmtBytes(n: number): string {
  const units = ["B", "KB", "MB", "GB"];
  let v = n;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  const shown = i === 0 ? String(v) : v < 10 ? v.toFixed(1) : String(Math.round(v));
  return `${shown} ${units[i]}`;
}

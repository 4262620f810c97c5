#!/usr/bin/env bash
# Runs the loopback jobs of docs/net.md's table through real fio, three times each, one job at a
# time under the kernel lock (so the machine's other users of it wait between runs, not for all),
# and prints each receiver's bandwidth, mean clat and short reads; the netio examples once.
#   docs/measurements/net/run-real.sh [OUTDIR]
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$(mktemp -d)}"
lock=/tmp/stacksim-kernel.lock
cd "$out" || exit 1
for r in 1 2 3; do
  for j in stream-4k stream-4k-nodelay stream-64k stream-1m pingpong-64 pingpong-4k pingpong-64k netsplice-4k; do
    flock "$lock" timeout -s KILL 120 fio --output-format=json --output="$j.$r.json" "$here/$j.fio" >/dev/null 2>"$j.$r.err"
  done
done
# bs=64k netsplice never finishes on Linux 6.18 (see docs/net.md): give it 25 s
flock "$lock" timeout -s KILL 25 fio --output-format=json --output=netsplice-64k.json "$here/netsplice-64k.fio" \
  >/dev/null 2>&1 || echo "netsplice-64k: killed after 25 s"
for f in netio netio_multicast; do
  s=$(date +%s.%N)
  flock "$lock" timeout 300 fio "/usr/share/doc/fio/examples/$f.fio" > "$f.txt" 2>&1
  echo "$f: $(echo "$(date +%s.%N) - $s" | bc) s wall"
done
python3 - "$out" <<'PY'
import glob, json, sys
for f in sorted(glob.glob(sys.argv[1] + "/*.[123].json")):
    t = open(f).read()
    try:
        d, _ = json.JSONDecoder().raw_decode(t[t.find("{"):])
    except ValueError:
        print(f, "no report"); continue
    for j in d["jobs"]:
        if j["jobname"] == "receiver":
            x = j["read"]
            print("%-28s %6.0f MiB/s  clat %7.2f us  short %d" % (f.split("/")[-1], x["bw_bytes"] / 2**20,
                  x["clat_ns"]["mean"] / 1e3, x["short_ios"]))
PY

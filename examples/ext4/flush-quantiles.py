#!/usr/bin/env python3
"""Print a capture's loop flush time as a StackSim service-time spec (empirical:T0,..,Tn).

usage: flush-quantiles.py TRACE [N]     (TRACE: blk_classic D events, .gz or plain; N quantiles, 40)
loop's flush (lo_req_flush) is vfs_fsync of the backing file, on this VM a file on /dev/vda:
its time is the host's, and it varied fivefold between captures with the machine's load. The
time from an empty flush's dispatch (D FN) to the next request's dispatch is that fsync, the
completion and the next submission (tens of us): its quantiles at 0, 1/N, .., 1.
"""
import gzip, sys

path, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 40
opener = gzip.open if path.endswith('.gz') else open
ev = []
for line in opener(path, 'rt'):
    f = line.split()
    if len(f) > 6 and f[5] == 'D' and f[4] != 'D':
        f = f[:2] + f[3:]              # blkparse's default format: a sequence number after the CPU
    if len(f) > 5 and f[4] == 'D':
        ev.append((float(f[2]), f[5]))
d = sorted(ev[i + 1][0] - ev[i][0] for i in range(len(ev) - 1) if ev[i][1] == 'FN')
if not d:
    sys.exit(f"{path}: no empty flush (D FN) followed by another request")
q = [d[min(len(d) - 1, round(k * (len(d) - 1) / n))] for k in range(n + 1)]
print('empirical:' + ','.join('%dus' % max(1, round(x * 1e6)) for x in q))

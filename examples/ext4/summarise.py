#!/usr/bin/env python3
"""Summarise an ftrace blk (blk_classic) or StackSim blkparse-style trace of one ext4 job.

usage: summarise.py TRACE JOURNAL_FIRST_SECTOR JOURNAL_SECTORS FIO_JSON [PER]
PER overrides the divisor (1 per job for end_fsync jobs, whose fsync fio 3.33 does not count).
The divisor is the job's fsync/fdatasync count from fio's JSON (sync total_ios), or its
write count when it made no sync calls (O_SYNC/O_DSYNC jobs).
Counts the requests issued to the device (D events): data writes (outside the journal),
journal writes, reads, empty flushes (D of op FN), and FUA writes (D with F after W, as
blk_fill_rwbs prints REQ_FUA), each per fsync, with write sectors per fsync.
"""
import json, sys

def main():
    path, jfirst, jlen, fsyncs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    jobs = json.load(open(fsyncs))['jobs']
    fsyncs = sum(j['sync']['total_ios'] for j in jobs) or sum(j['write']['total_ios'] for j in jobs)
    if len(sys.argv) > 5:
        fsyncs = int(sys.argv[5])
    c = dict(data=0, data_sec=0, journal=0, journal_sec=0, reads=0, flushes=0, fua=0)
    opener = __import__('gzip').open if path.endswith('.gz') else open
    for line in opener(path, 'rt'):
        f = line.split()
        if len(f) > 6 and f[5] == 'D' and f[4] != 'D':
            f = f[:2] + f[3:]          # blkparse's default format: a sequence number after the CPU
        if len(f) < 6 or f[4] != 'D':
            continue
        rwbs = f[5]
        if rwbs.startswith('F') and 'W' not in rwbs[1:] and 'R' not in rwbs:
            c['flushes'] += 1          # an empty flush: "FN"
            continue
        if 'R' in rwbs:
            c['reads'] += 1
            continue
        if 'W' not in rwbs:
            continue
        w = rwbs.index('W')
        if 'F' in rwbs[w + 1:]:
            c['fua'] += 1
        if rwbs.startswith('F'):
            c['flushes'] += 1          # a preflush still attached (device with fua)
        sector, n = int(f[6]), int(f[8])
        if jfirst <= sector < jfirst + jlen:
            c['journal'] += 1; c['journal_sec'] += n
        else:
            c['data'] += 1; c['data_sec'] += n
    per = lambda k: c[k] / fsyncs if fsyncs else float('nan')
    print(f"fsyncs {fsyncs}: data writes {c['data']} ({c['data_sec']} sectors), journal writes {c['journal']} "
          f"({c['journal_sec']} sectors), reads {c['reads']}, flushes {c['flushes']}, FUA {c['fua']}")
    print("per fsync: data %.2f, journal %.2f, write sectors %.1f, flushes %.2f, FUA %.2f"
          % (per('data'), per('journal'), (c['data_sec'] + c['journal_sec']) / max(fsyncs, 1),
             per('flushes'), per('fua')))

main()

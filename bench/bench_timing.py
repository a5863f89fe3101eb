"""Timing shared by the bench/*.py scripts that compare whole processes
(memvm, QEMU 7.2, a C baseline) on a shared machine."""
import statistics
import subprocess
import sys
import time


def run_once(argv, stdin=b''):
    """Seconds @argv takes from start to exit, with @stdin as its input;
    a failure ends the benchmark with the command and its stderr."""
    start = time.monotonic()
    p = subprocess.run(argv, input=stdin, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE)
    took = time.monotonic() - start
    if p.returncode:
        sys.exit('failed (%d): %s\n%s' % (p.returncode, ' '.join(argv),
                                          p.stderr.decode()))
    return took


def medians(reps, commands):
    """@commands: {key: (argv, stdin)}.  Runs each once per round, in
    turn (the machine is shared: noise hits all of them alike), for @reps
    rounds after one round that is not counted; returns {key: median
    seconds}.  The uncounted round matters in a VM: the first touch of
    guest-physical memory the host has not backed yet costs a host fault
    per page, up to 10x the time of later runs."""
    times = {k: [] for k in commands}
    for rnd in range(reps + 1):
        for k, (argv, stdin) in commands.items():
            took = run_once(argv, stdin)
            if rnd:
                times[k].append(took)
    return {k: statistics.median(v) for k, v in times.items()}

#!/usr/bin/env python3
"""Run every registered test of one or more meson build directories.

Tests speak TAP.  Each "ok"/"not ok" line counts as one test; a "# SKIP"
directive counts as skipped; a plan of "1..0 # SKIP reason" skips the whole
program.  Nothing passes silently: a program that exits non-zero without
reporting a failure, reports no result at all, runs fewer or more tests
than its plan says, or skips one without a reason counts one failure.
The skips are listed with their reasons; the last line printed is
"N passed, N failed, N skipped".
Tests of a build configured with b_sanitize (./configure
--enable-sanitizers) get MEMVM_SANITIZED=1 in their environment and three
times the time.
"""
import argparse
import concurrent.futures
import json
import os
import re
import signal
import subprocess
import sys
import time

TAP_RE = re.compile(r'^(not ok|ok)\b\s*(\d+)?\s*(?:-\s*)?(.*?)\s*(?:#\s*(SKIP|TODO)\b(.*))?$',
                    re.IGNORECASE)
PLAN_SKIP_RE = re.compile(r'^1\.\.0\s*#\s*skip\S*\s*(.*)$', re.IGNORECASE)
PLAN_RE = re.compile(r'^1\.\.(\d+)\s*(#.*)?$')


def load_tests(builddir):
    out = subprocess.run(['meson', 'introspect', '--tests', builddir],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def is_sanitized(builddir):
    """True when the build directory was configured with b_sanitize."""
    out = subprocess.run(['meson', 'introspect', '--buildoptions', builddir],
                         check=True, capture_output=True, text=True).stdout
    for opt in json.loads(out):
        if opt['name'] == 'b_sanitize':
            return opt['value'] not in ('none', '', [])
    return False


def kill_group(pgid):
    """End what is left of a test's process group."""
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def run_one(test, builddir, label, timeout_scale, sanitized):
    env = dict(os.environ)
    env.update(test.get('env') or {})
    if sanitized:
        # Tests that cannot run under ASan (small RLIMIT_AS, ...) skip.
        env['MEMVM_SANITIZED'] = '1'
    cwd = test.get('workdir') or builddir
    timeout = (test.get('timeout') or 30) * timeout_scale
    start = time.monotonic()
    # Each test in a process group of its own: at a timeout the memvm
    # and QEMU processes it started go with it (killing only the script
    # left them running, holding memory, after the run).
    proc = subprocess.Popen(test['cmd'], env=env, cwd=cwd,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
        output = out.decode('utf-8', 'replace')
        rc = proc.returncode
    except subprocess.TimeoutExpired:
        kill_group(proc.pid)
        out, _ = proc.communicate()
        output = out.decode('utf-8', 'replace')
        output += '\n[run-tests] TIMEOUT after %ds\n' % timeout
        rc = -1
    kill_group(proc.pid)
    elapsed = time.monotonic() - start
    passed = failed = skipped = 0
    fails = []
    skips = []
    plan = None
    name = label + test['name']
    for line in output.splitlines():
        m = PLAN_SKIP_RE.match(line.strip())
        if m and m.group(1).strip():
            skipped += 1
            skips.append('%s: %s' % (name, m.group(1).strip()))
            plan = 0
            continue
        m = PLAN_RE.match(line.strip())
        if m:
            plan = int(m.group(1))
            continue
        m = TAP_RE.match(line.strip())
        if not m:
            continue
        status, _, desc, directive, reason = m.groups()
        reason = (reason or '').strip()
        if directive and directive.upper() == 'SKIP':
            if not reason:
                failed += 1
                fails.append('%s: skipped without a reason' % desc)
                continue
            skipped += 1
            skips.append('%s %s: %s' % (name, desc, reason))
        elif status.lower() == 'ok':
            passed += 1
        else:
            failed += 1
            fails.append(desc)
    results = passed + failed + skipped
    if plan == 0 and not skips:
        failed += 1
        fails.append('skipped everything without a reason')
    elif results == 0 and plan is None:
        failed += 1
        fails.append('no test result in its output')
    elif plan is not None and plan != 0 and plan != results:
        failed += 1
        fails.append('planned %d tests, reported %d' % (plan, results))
    if rc != 0 and failed == 0:
        failed += 1
        fails.append('exit status %d' % rc)
    return dict(name=name, passed=passed,
                failed=failed, skipped=skipped, fails=fails, skips=skips,
                output=output, elapsed=elapsed)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--build', action='append', required=True,
                    help='meson build directory, optionally DIR:suite,suite '
                    'to run only those suites from it (repeatable)')
    ap.add_argument('--suite', action='append', default=[],
                    help='only run tests of this suite (repeatable)')
    ap.add_argument('--jobs', type=int, default=os.cpu_count() or 2)
    ap.add_argument('--timeout-scale', type=float, default=1.0)
    ap.add_argument('-v', '--verbose', action='store_true')
    args = ap.parse_args()

    jobs = []
    for spec in args.build:
        b, _, only = spec.partition(':')
        suites = set(only.split(',')) if only else set(args.suite)
        label = '' if len(args.build) == 1 else os.path.basename(b.rstrip('/')) + ':'
        sanitized = is_sanitized(b)
        # Sanitized binaries run slower; give their tests more time.
        scale = args.timeout_scale * (3 if sanitized else 1)
        for t in load_tests(b):
            names = {s.split(':')[-1] for s in t.get('suite', [])}
            if suites and not names & suites:
                continue
            jobs.append((t, b, label, scale, sanitized))
    # Long tests first, so the tail of the run is not one slow test.
    jobs.sort(key=lambda j: -(j[0].get('priority') or 0))

    totals = dict(passed=0, failed=0, skipped=0)
    all_skips = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as ex:
        futs = [ex.submit(run_one, *j) for j in jobs]
        for f in concurrent.futures.as_completed(futs):
            r = f.result()
            for k in totals:
                totals[k] += r[k]
            all_skips += r['skips']
            status = 'FAIL' if r['failed'] else 'ok  '
            print('%s %-40s %3d passed %3d failed %3d skipped  %5.1fs' % (
                status, r['name'], r['passed'], r['failed'], r['skipped'],
                r['elapsed']), flush=True)
            if r['failed'] or args.verbose:
                for fl in r['fails']:
                    print('    failed: %s' % fl)
                print('    ---- output of %s ----' % r['name'])
                for line in r['output'].splitlines()[-80:]:
                    print('    | ' + line)
    if all_skips:
        print('Skipped:')
        for s in sorted(all_skips):
            print('  ' + s)
    print('%d passed, %d failed, %d skipped' % (
        totals['passed'], totals['failed'], totals['skipped']))
    return 1 if totals['failed'] or not jobs else 0


if __name__ == '__main__':
    sys.exit(main())

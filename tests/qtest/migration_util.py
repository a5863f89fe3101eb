"""Helpers shared by the migration tests (Python 3 stdlib only)."""
import time


def wait_migration(qmp, timeout=60, states=('completed', 'failed',
                                            'cancelled')):
    """Poll query-migrate until its status is one of @states; returns
    the last reply (status 'timeout' when it never got there)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        info = qmp.command('query-migrate')
        if info.get('status') in states:
            return info
        time.sleep(0.02)
    return {'status': 'timeout'}


def wait_status(qmp, not_state='inmigrate', timeout=60):
    """Wait until query-status leaves @not_state; returns the status."""
    deadline = time.monotonic() + timeout
    status = None
    while time.monotonic() < deadline:
        status = qmp.command('query-status')['status']
        if status != not_state:
            return status
        time.sleep(0.02)
    return status


def wait_stream_file(file, info, timeout=60):
    """exec:cat > FILE: the migration completes when memvm has written
    the stream into the pipe; cat may still be writing the file.  Wait
    until FILE holds all query-migrate's transferred bytes."""
    import os
    want = info.get('ram', {}).get('transferred')
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.path.exists(file) and os.path.getsize(file) == want:
            return True
        time.sleep(0.02)
    return False

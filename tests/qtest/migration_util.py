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

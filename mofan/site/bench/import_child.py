"""`python -m mofan.site.bench.import_child <database> <file.xlsx> <user id>`: the roster import
of `mofan bench`, alone in a process so that its peak memory (ru_maxrss) is its own.

Prints one JSON line: wall and CPU milliseconds, queries, peak and starting RSS in MB (VmHWM), the
preview and commit times, and how many members were created and updated.
"""

import json
import os
import resource
import sys
import time
from pathlib import Path


def _rss_mb() -> float:
    """Peak resident memory of this process so far. ru_maxrss survives exec (it would report
    the parent's peak), so Linux's VmHWM of the process's own address space comes first."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def main(database: str, upload: str, user_id: int) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mofan.settings")
    import django

    django.setup()
    from django.db import connection

    from mofan.accounts.models import User
    from mofan.members.excel import check_roster, commit_roster
    from mofan.site.bench.measure import QueryCounter

    connection.settings_dict["NAME"] = database
    actor = User.objects.get(pk=user_id)
    base = _rss_mb()
    start, cpu = time.perf_counter(), time.process_time()
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        checked = check_roster(actor=actor, upload=upload)
        checked_at = time.perf_counter()
        if not checked.ok:
            raise SystemExit(f"roster has errors: {checked.errors[:5]}")
        created, updated = commit_roster(actor=actor, checked=checked)
    end = time.perf_counter()
    return {
        "wall_ms": (end - start) * 1000,
        "cpu_ms": (time.process_time() - cpu) * 1000,
        "check_ms": (checked_at - start) * 1000,
        "commit_ms": (end - checked_at) * 1000,
        "queries": counter.count,
        "base_mb": base,
        "peak_mb": _rss_mb(),
        "created": created,
        "updated": updated,
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2], int(sys.argv[3]))))

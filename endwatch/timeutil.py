"""Times that a submission leaves behind, rounded to the hour so they cannot be matched to network logs."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from endwatch.db import utcnow


def hour_floor(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def rounded_now() -> datetime:
    """The current UTC hour: the only time stored with anything a submitter sends."""
    return hour_floor(utcnow())


def round_file_times(*paths: Path | str) -> None:
    """Set the access and modification times of files (and their folder) to the current hour."""
    stamp = rounded_now().timestamp()
    for path in paths:
        os.utime(path, (stamp, stamp))

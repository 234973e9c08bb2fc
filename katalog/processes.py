"""Helper processes die with the build that started them.

A build forks reading workers and a Whoosh writer. When the build is killed (`kill -9`,
a closed terminal, an out-of-memory kill), orphans would go on holding the build lock
and writing the index while the next build starts. On Linux the kernel can end a child
when its parent dies (``PR_SET_PDEATHSIG``); elsewhere children finish their work alone,
and the build lock still makes the next build wait for them.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """In a freshly forked child of `parent`: be killed when `parent` dies.

    The parent may already be gone before the kernel is asked (a race at fork time); the
    child then ends at once, as it would have a moment later.
    """
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            return
    if os.getppid() != parent:
        os._exit(1)

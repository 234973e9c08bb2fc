"""Jaringan Inovasi: many agencies' catalogues gathered into one network catalogue.

The pipeline of a network, in module order: every catalogue publishes a manifest beside
its open data (`manifest`); a network lists its members (`members`), fetches their
manifests and records over HTTP (`fetch`), validates every record as local content is
validated (`records`), keeps one snapshot per member (`snapshot`, `harvest`); the build
then reads those snapshots, offline, into entries like its own (`entries`).
"""

import sys

# httpx imports its own command-line client (click, rich, pygments: 0.2 s) whenever those
# happen to be installed, as Pelican installs them. A harvest never runs that client, and a
# repeat harvest (one 304 per member) is mostly start-up: marking the module absent before
# any module of this package imports httpx makes httpx fall back to its stub `httpx.main`,
# as it does when they are not installed. A process that imported httpx earlier keeps it.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

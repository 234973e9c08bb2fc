"""Jaringan Inovasi: many agencies' catalogues gathered into one network catalogue.

The pipeline of a network, in module order: every catalogue publishes a manifest beside
its open data (`manifest`); a network lists its members (`members`), fetches their
manifests and records over HTTP (`fetch`), validates every record as local content is
validated (`records`), keeps one snapshot per member (`snapshot`, `harvest`); the build
then reads those snapshots, offline, into entries like its own (`entries`).
"""

"""The read-only JSON API of `katalog api`: search, records and facets over the last build.

Reads as a request's path: `spec` declares every endpoint and parameter once (the OpenAPI
document, and the README's table through `reference`, are derived from it), `params`
checks a raw query string against it, `catalogue` holds the open index generation (with
`statistics` remembering postings) and replaces it when a build has finished, `answers`
turns payloads and errors into cacheable JSON, `headers` and `accesslog` wrap every answer,
`app` wires them into a Starlette application, and `server` (with `protocol`) runs it
under uvicorn.

Only `app`, `answers`, `headers`, `accesslog`, `protocol` and `server` import Starlette or
uvicorn (the optional ``api`` extra); `spec`, `reference`, `params`, `catalogue` and
`statistics` do not, so `katalog schema` writes the API's reference without them.
"""

"""The delivery portal: gemeenten log in, upload a half-year's files and see their verdicts.

A small FastAPI app with server-rendered Dutch pages. Uploads enter the same intake as the inbox
(`inbox/<GMxxxx>/<periode>/` + manifest.yaml, then `pipelines.runner.run_round`). Its own state
(accounts, sessions, log-in attempts, refusals, consent) lives in `<home>/portal.sqlite3`; it never
writes the DuckDB warehouse.
"""

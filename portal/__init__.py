"""The delivery portal: gemeenten log in, deliver a half-year's files and see their verdicts.

A small FastAPI app (portal.app) with server-rendered Dutch pages, one router per job
(portal/routes/). Uploads enter the same intake as the inbox (`inbox/<GMxxxx>/<periode>/` +
manifest.yaml, processed as the home's one intake owner: `clearinghouse.inbox.intake_owner`). Its
own state (accounts, sessions, log-in attempts, refusals, consent choices, uploads) lives in
`<home>/portal.sqlite3`; it reads the releases to know what is published and never writes the
warehouse.
"""

"""The static dashboard site (Dutch, Plotly, offline): `dashboards.site.build_site`.

Plain Python without Dagster, so the pipeline asset, the CLI and the tests all call the same code.
`format` formats numbers the Dutch way, `charts` builds the Plotly figures, `site` writes the pages,
`links` checks the site's internal links and `serve` serves a built site on this machine.
See docs/site.md.
"""

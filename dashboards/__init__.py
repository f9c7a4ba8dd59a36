"""The static dashboard site (Dutch, offline, charts drawn by a vendored Plotly.js, the map as SVG): `dashboards.site.build_site`.

Plain Python without Dagster, so the pipeline asset, the CLI and the tests all call the same code.
`data` indexes the published tables, `views` says what a page tells about an indicator, `cells`
and `charts` make table cells and chart specs, `kaart` the map, `pages/` one module per page type,
`render` writes pages, `downloads` and `kwaliteit` bring in the downloads and the Data Docs,
`links` checks the site's internal links and `serve` serves a built site. See docs/site.md.
"""

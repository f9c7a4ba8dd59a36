"""One module per page type: each turns the indexed published data (`dashboards.data.SiteData`)
into the context its template (`dashboards/templates/`) renders, plus the chart specs of the page.

gemeente.py (a gemeente, its blocks, its groups), wijken.py (the wijk tables of a gemeente),
factsheet.py (the printable summary of a gemeente), indicator.py (all gemeenten on one indicator),
home.py (the start page and the search index), releases.py (releases, revisions, archive).
"""

"""The ground floor: the words every package of the monitor shares, and nothing else.

Each module holds one idea — a periode, the domeinen, the verdicts, the code lists, the peer-group
kinds, the home-folder layout, the reference data, writing files safely, Dutch formatting — so
that every package above says it the same way. Nothing here imports another package of the
project; everything above may import from here (the layers contract in pyproject.toml keeps it so).
"""

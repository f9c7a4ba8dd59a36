"""Data contracts as pandera models: what a delivery must look like, and what survives the clearinghouse.

The gegevenswoordenboek (data dictionary) gemeenten read is generated from these models, so the
rules in the documentation are the rules the code runs.
"""

CONTRACT_VERSION = "2025.2"

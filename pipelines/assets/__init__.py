"""The assets, one line from inbox to site: inbox → core_trajecten → concept_indicatoren → release → warehouse → site."""

from pipelines.assets.concept import concept_indicatoren, geheimhouding_klopt, kwaliteit_concept
from pipelines.assets.intake import core_trajecten, inbox
from pipelines.assets.publication import release, site, warehouse

ASSETS = [inbox, core_trajecten, concept_indicatoren, release, warehouse, site]
ASSET_CHECKS = [geheimhouding_klopt, kwaliteit_concept]

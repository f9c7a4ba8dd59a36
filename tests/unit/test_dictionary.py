"""The published data dictionary is generated from the contracts and kept up to date."""

from contracts.delivery import CONTRACTS
from contracts.dictionary import DOC_PATH, render_markdown


def test_dictionary_is_up_to_date():
    assert DOC_PATH.read_text(encoding="utf-8") == render_markdown(), (
        "docs/gegevenswoordenboek.md is out of date: run `uv run python -m contracts.dictionary`"
    )


def test_every_column_has_a_description_in_the_dictionary():
    text = render_markdown()
    for model in CONTRACTS.values():
        for name, column in model.to_schema().columns.items():
            assert column.description, f"{name} has no description"
            assert f"`{name}`" in text

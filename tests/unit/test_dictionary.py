"""The published data dictionary is generated from the contracts and kept up to date."""

from contracts.delivery import CONTRACTS
from contracts.dictionary import DOC_PATH, render_markdown
from dashboards.site import build_site
from tests.fixtures.published import GENERATED, tables
from vocabulary.codes import LABELLED_CODES, LABELS


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


def test_every_code_list_has_a_meaning_for_every_code():
    assert set(LABELS) == set(LABELLED_CODES)
    for name, codes in LABELLED_CODES.items():
        assert set(LABELS[name]) == set(codes), name
    text = render_markdown()
    assert "| `JB11` | jeugdbescherming: ondertoezichtstelling (OTS) |" in text


def test_dictionary_is_on_the_site(tmp_path):
    build_site(tables(), tmp_path / "site", generated_at=GENERATED)
    page = (tmp_path / "site" / "gegevenswoordenboek.html").read_text(encoding="utf-8")
    for model in CONTRACTS.values():
        for name in model.to_schema().columns:
            if not name.startswith("_"):
                assert f"<code>{name}</code>" in page
    assert "<code>P05</code>" in page and "bijzondere bijstand" in page
    assert 'href="gegevenswoordenboek.html"' in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")

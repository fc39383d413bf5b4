"""Names from SIDER 4.0's ragged label_mapping.tsv (hand-made lines in its layout)."""

from collections import Counter

import pytest

from app.importers.sider.mapping import brand_name, read_mapping


def test_generic_name_column_is_learnt_per_label_source() -> None:
    lines = [
        "\tPELLAZINE\t\t-100990101\t-990101\tPELLAZINE\t\tprescription/a",
        "PELLAX\tpellazine\t\t-100990101\t-990101\tPELLAX\thttp://x.invalid/1\tfda/b",
        "PELLAZINE\tAPO-PELLA 5 MG\t\t-100990101\t-990101\tPELLAZINE\thttp://x.invalid/2\tdpd/c",
        "PELLAZINE\tPELLA-NOVO\t\t-100990101\t-990101\tPELLAZINE\thttp://x.invalid/3\tdpd/d",
    ]
    names = read_mapping(lambda: lines, skipped=Counter())
    assert names[990101].name == "Pellazine"
    assert names[990101].brands == ("APO-Pella", "Pella-Novo", "Pellax")


def test_salt_note_and_label_debris_are_not_taken_as_the_generic_name() -> None:
    lines = [
        "CILANOL (CILANOL MONOHYDRATE)\tAPO-CILANOL\t\t-100990102\t-990102\tX\thttp://x/1\tdpd/a",
        "\tPELLAZINE\t\t-100990101\t-990101\tPELLAZINE\t\tprescription/a",
        "PELLAZINE\tAPO-PELLA\t\t-100990101\t-990101\tPELLAZINE\thttp://x/2\tdpd/b",
        "Kalurex\t:\t\t-100990103\t-990103\tKALUREX\thttp://x/3\taus/c",
    ]
    names = read_mapping(lambda: lines, skipped=Counter())
    assert names[990102].name == "Cilanol"
    assert names[990103].name == "Kalurex"  # the only plausible name on its one row


@pytest.mark.parametrize(
    ("product", "brand"),
    [
        ("SYNTHROID - TAB 100MCG", "Synthroid"),
        ("XANAX TAB 0.25MG", "Xanax"),
        ("KETEK", "Ketek"),
        ("BenzaClin Topical Gel", "BenzaClin"),
        ("DBL&trade; Diazepam Injection", "DBL\u2122 Diazepam"),
        ("75MG", None),
        ("Film coated tablet", None),
        ("Tablet", None),
    ],
)
def test_a_products_brand_is_found_in_display_case(product: str, brand: str | None) -> None:
    assert brand_name(product) == brand

"""How a client's name reads across the portal: the name people use, the legal name beside it only when it adds
something."""

import pytest

from portal.cases.clients import display_name


@pytest.mark.parametrize(
    ("legal", "preferred", "shown"),
    [
        ("Jordan Rivera", "Jordan", "Jordan Rivera"),
        ("Jordan Rivera", "", "Jordan Rivera"),
        ("Jordan Rivera", "Jordan Rivera", "Jordan Rivera"),
        ("Joanna Rivera", "Jo", "Jo (Joanna Rivera)"),
        ("Alexander Chen", "Sasha", "Sasha (Alexander Chen)"),
    ],
)
def test_display_name(legal: str, preferred: str, shown: str) -> None:
    assert display_name({"legal_name": legal, "preferred_name": preferred}) == shown

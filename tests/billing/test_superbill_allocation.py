"""Allocating the month's payment to the superbill's lines: pro rata by largest remainder, exact in cents, never
more than a line's charge (a hypothesis property test), and full rate when the payment is more than the charges."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.billing.superbills import allocate

charges_lists = st.lists(st.integers(min_value=0, max_value=5_000_000), min_size=1, max_size=60).filter(
    lambda charges: sum(charges) > 0
)


@given(charges=charges_lists, data=st.data())
def test_allocated_amounts_sum_to_the_payment_and_never_exceed_a_charge(
    charges: list[int], data: st.DataObject
) -> None:
    payment = data.draw(st.integers(min_value=0, max_value=sum(charges)))
    shares = allocate(charges, payment)
    assert len(shares) == len(charges)
    assert sum(shares) == payment
    assert all(0 <= share <= charge for share, charge in zip(shares, charges, strict=True))
    # Pro rata: no line is more than a cent away from its exact share.
    assert all(
        abs(share * sum(charges) - payment * charge) < sum(charges)
        for share, charge in zip(shares, charges, strict=True)
    )


@given(charges=charges_lists, extra=st.integers(min_value=0, max_value=10_000_000))
def test_a_payment_beyond_the_charges_pays_each_line_in_full(charges: list[int], extra: int) -> None:
    assert allocate(charges, sum(charges) + extra) == charges


def test_a_retainer_split_over_lines() -> None:
    # $8,500 paid for lines of $180, $150 and $175 at full rate: more than the charges, so each is paid in full.
    assert allocate([18000, 15000, 17500], 850000) == [18000, 15000, 17500]
    # $100.00 over three equal charges of $60: 33.34 + 33.33 + 33.33, the extra cent to the first line.
    assert allocate([6000, 6000, 6000], 10000) == [3334, 3333, 3333]


def test_negative_amounts_refused() -> None:
    with pytest.raises(ValueError):
        allocate([100, -1], 50)

"""Litestar controllers of the family portal (staff side and relatives' side)."""

"""The respondent roles a protocol is written for, in the order the app lists them.

Apart from the protocol's dataclasses (core/forms/protocol.py) so that the home list's role filter
names them without building those classes at start-up."""

from __future__ import annotations

ROLES: tuple[str, ...] = ("official", "street_staff", "cadre", "profile")

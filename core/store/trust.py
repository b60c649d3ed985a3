"""The store's records of trust (schema 8): devices seen signing packages and the researcher's
decision on each, packages held until their device is accepted, and supervisors' signatures of
review rows. The rules that use them live in core/security/ and core/review/signatures.py."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

PENDING, ACCEPTED, REFUSED = "pending", "accepted", "refused"


class Device(NamedTuple):
    device_id: str
    signing_key: str
    recipient: str
    fingerprint: str
    fieldworker: str
    device_label: str
    state: str
    first_seen: str
    decided_at: str | None
    decided_by: str | None


class HeldPackage(NamedTuple):
    package_id: str
    device_id: str
    file_name: str
    received_at: str


class Signature(NamedTuple):
    row_sha256: str
    interview_id: str
    signer: str
    signature: str


_DEVICE = ", ".join(Device._fields)


class TrustRecords:
    def __init__(self, store) -> None:
        self._store = store

    # -- devices -----------------------------------------------------------------------------

    def device(self, device_id: str) -> Device | None:
        row = self._store.conn.execute(f"SELECT {_DEVICE} FROM devices WHERE device_id = ?", (device_id,)).fetchone()
        return Device._make(row) if row else None

    def devices(self) -> list[Device]:
        rows = self._store.conn.execute(f"SELECT {_DEVICE} FROM devices ORDER BY state != 'pending', first_seen")
        return list(map(Device._make, rows))

    def see_device(
        self, device_id: str, signing_key: str, recipient: str, fingerprint: str, fieldworker: str, label: str
    ) -> Device:
        """A device met for the first time is pending; one already known keeps its decision."""
        store = self._store
        with store.transaction():
            store.conn.execute(
                f"INSERT OR IGNORE INTO devices ({_DEVICE}) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, NULL, NULL)",
                (device_id, signing_key, recipient, fingerprint, fieldworker, label, store.now()),
            )
        found = self.device(device_id)
        assert found is not None
        return found

    def decide(self, device_id: str, state: str) -> None:
        store = self._store
        with store.transaction():
            store.conn.execute(
                "UPDATE devices SET state = ?, decided_at = ?, decided_by = ? WHERE device_id = ?",
                (state, store.now(), store.user, device_id),
            )

    # -- held packages -----------------------------------------------------------------------

    def hold(self, package_id: str, device_id: str, file_name: str, content: bytes) -> None:
        store = self._store
        with store.transaction():
            store.conn.execute(
                "INSERT OR IGNORE INTO held_packages (package_id, device_id, file_name, received_at, content)"
                " VALUES (?, ?, ?, ?, ?)",
                (package_id, device_id, file_name, store.now(), content),
            )

    def held(self, device_id: str | None = None) -> list[HeldPackage]:
        sql = "SELECT package_id, device_id, file_name, received_at FROM held_packages"
        rows = (
            self._store.conn.execute(sql + " WHERE device_id = ? ORDER BY received_at", (device_id,))
            if device_id is not None
            else self._store.conn.execute(sql + " ORDER BY received_at")
        )
        return list(map(HeldPackage._make, rows))

    def held_content(self, package_id: str) -> bytes | None:
        row = self._store.conn.execute(
            "SELECT content FROM held_packages WHERE package_id = ?", (package_id,)
        ).fetchone()
        return bytes(row[0]) if row else None

    def release(self, package_id: str) -> None:
        with self._store.transaction():
            self._store.conn.execute("DELETE FROM held_packages WHERE package_id = ?", (package_id,))

    # -- supervisors' signatures of review rows ----------------------------------------------

    def keep_signatures(self, rows: Iterable[Signature]) -> None:
        with self._store.transaction():
            self._store.conn.executemany(
                "INSERT OR IGNORE INTO review_signatures (row_sha256, interview_id, signer, signature)"
                " VALUES (?, ?, ?, ?)",
                list(rows),
            )

    def signatures(self, interview_ids: Iterable[str]) -> list[Signature]:
        ids = list(interview_ids)
        found: list[Signature] = []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            found += map(
                Signature._make,
                self._store.conn.execute(
                    "SELECT row_sha256, interview_id, signer, signature FROM review_signatures"
                    f" WHERE interview_id IN ({', '.join('?' for _ in chunk)}) ORDER BY interview_id, row_sha256",
                    chunk,
                ),
            )
        return found

    def signature(self, row_sha256: str) -> Signature | None:
        row = self._store.conn.execute(
            "SELECT row_sha256, interview_id, signer, signature FROM review_signatures WHERE row_sha256 = ?",
            (row_sha256,),
        ).fetchone()
        return Signature._make(row) if row else None

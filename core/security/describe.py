"""A project and its devices in words, as the command line prints them (the app shows the same)."""

from __future__ import annotations

from yingzao.core.errors import Text
from yingzao.core.security import membership
from yingzao.core.store.trust import ACCEPTED, PENDING

_STATES = {
    PENDING: Text("待接受", "pending"),
    ACCEPTED: Text("已接受", "accepted"),
    "refused": Text("已拒绝", "refused"),
}


def project_lines(store) -> list[Text]:
    has_keys = bool(store.get_setting(membership.DEVICE_KEYS)) or not store.read_only
    mine = membership.device_keys(store).public.fingerprint if has_keys else "—"
    joined = membership.project(store)
    if joined is None:
        return [
            Text(f"{store.path.name} 不属于任何项目。", f"{store.path.name} belongs to no project."),
            Text(f"本机指纹：{mine}", f"this device's fingerprint: {mine}"),
        ]
    lines = [
        Text(f"项目：{joined.name}", f"project: {joined.name}"),
        Text(
            f"项目指纹：{joined.fingerprint}（第 {joined.revision} 版）",
            f"project fingerprint: {joined.fingerprint} (revision {joined.revision})",
        ),
        Text(
            "访员的数据库须加密" if joined.encrypt_databases else "不要求加密访员的数据库",
            "laptops must encrypt their databases"
            if joined.encrypt_databases
            else "laptops need not encrypt their databases",
        ),
        Text(f"本机指纹：{mine}", f"this device's fingerprint: {mine}"),
        Text(
            "本数据库持有督导密钥" if membership.is_supervisor(store) else "本数据库没有督导密钥",
            "this database holds a supervisor key"
            if membership.is_supervisor(store)
            else "this database holds no supervisor key",
        ),
        Text(
            "本数据库持有项目密钥（可以解开访员的数据包）"
            if membership.holds_project_keys(store)
            else "本数据库没有项目密钥",
            "this database holds the project's keys (it opens session packages)"
            if membership.holds_project_keys(store)
            else "this database does not hold the project's keys",
        ),
        Text("督导：", "supervisors:"),
    ]
    lines += [
        Text(f"    {s.name}  {s.keys.fingerprint}", f"    {s.name}  {s.keys.fingerprint}") for s in joined.supervisors
    ]
    return lines


def device_lines(store) -> list[Text]:
    devices = store.trust.devices()
    if not devices:
        return [Text("还没有收到过任何签名的数据包。", "No signed package has arrived yet.")]
    held: dict[str, int] = {}
    for item in store.trust.held():
        held[item.device_id] = held.get(item.device_id, 0) + 1
    lines = []
    for device in devices:
        state = _STATES.get(device.state, Text(device.state, device.state))
        label = f"（{device.device_label}）" if device.device_label else ""
        waiting = held.get(device.device_id, 0)
        lines.append(
            Text(
                f"{device.fingerprint}  {state.zh}  {device.fieldworker}{label}  首次收到 {device.first_seen}"
                + (f"  暂存数据包 {waiting} 个" if waiting else ""),
                f"{device.fingerprint}  {state.en}  {device.fieldworker}{' (' + device.device_label + ')' if label else ''}"
                f"  first seen {device.first_seen}" + (f"  {waiting} package(s) held" if waiting else ""),
            )
        )
    return lines


def device_by_fingerprint(store, fingerprint: str):
    wanted = fingerprint.strip().upper()
    return next((d for d in store.trust.devices() if d.fingerprint == wanted), None)

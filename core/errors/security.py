"""Projects, keys, signed and encrypted packages, supervisor rights; the project screens' files."""

from __future__ import annotations

from pathlib import Path

from yingzao.core.errors.base import Text, _both
from yingzao.core.errors.packages import PackageError
from yingzao.core.errors.store import StoreError

# -- projects, keys, signed and encrypted packages, supervisor rights (core/security/) ------------


class SecurityError(StoreError):
    """A project, key or passphrase that cannot be used; nothing was changed."""


_NOTHING_CHANGED = Text("没有任何改动。", "Nothing was changed.")


def _file_label(source: object) -> str:
    return Path(str(source)).name if source else ""


def no_device_keys(path: Path) -> SecurityError:
    return SecurityError(
        Text(
            f"{path.name} 还没有本机密钥（以只读方式打开）。", f"{path.name} has no device keys yet (opened read-only)."
        ),
        hint=Text("请以正常方式打开它一次，营造会生成本机密钥。", "Open it normally once; Yingzao then makes them."),
        code="no_device_keys",
    )


def project_name_required() -> SecurityError:
    return SecurityError(
        Text("请填写项目名称。", "The project needs a name."),
        hint=Text("例如“产业社区治理调研 2026”。", "For example “Industrial community governance study 2026”."),
        code="project_name_required",
    )


def already_in_project(path: Path, name: str) -> SecurityError:
    return SecurityError(
        Text(f"{path.name} 已属于项目“{name}”。", f"{path.name} already belongs to the project “{name}”."),
        hint=Text(
            "一个数据库只属于一个项目；另一个项目请使用新的数据库（--db 新文件）。" + _NOTHING_CHANGED.zh,
            "A database belongs to one project; use a new database (--db NEWFILE) for another. " + _NOTHING_CHANGED.en,
        ),
        code="already_in_project",
    )


def not_in_project(path: Path) -> SecurityError:
    return SecurityError(
        Text(f"{path.name} 不属于任何项目。", f"{path.name} does not belong to a project."),
        hint=Text(
            "研究者请先新建项目（文件 → 新建项目…，python main.py project init）；访员和督导请打开研究者给的 .yzproject 文件。",
            "Researchers first create one (File → New project…, python main.py project init); fieldworkers and "
            "supervisors open the .yzproject file the researcher gives them.",
        ),
        code="not_in_project",
    )


def no_project_keys(path: Path) -> SecurityError:
    return SecurityError(
        Text(f"{path.name} 没有项目密钥。", f"{path.name} does not hold the project's keys."),
        hint=Text(
            "只有建立项目的数据库（或导入了项目密钥文件 .yzkeys 的数据库）才能解开访员的数据包、修改督导名单。",
            "Only the database that made the project (or one that imported its .yzkeys file) can open session "
            "packages and change the supervisors.",
        ),
        code="no_project_keys",
    )


def wrong_project_passphrase() -> SecurityError:
    return SecurityError(
        Text("项目口令不正确。", "The project passphrase is not correct."),
        hint=Text(
            "请再试一次（注意输入法和大小写）。输错不会锁定任何数据。" + _NOTHING_CHANGED.zh,
            "Try again (mind the input method and capitals). Wrong tries lock nothing away. " + _NOTHING_CHANGED.en,
        ),
        code="wrong_project_passphrase",
    )


def project_keys_damaged(path: Path) -> SecurityError:
    return SecurityError(
        Text(
            f"{path.name} 中的项目密钥已损坏或不属于其项目。",
            f"The project keys in {path.name} are damaged or not its project's.",
        ),
        hint=Text(
            "请从备份的项目密钥文件（.yzkeys）重新导入。" + _NOTHING_CHANGED.zh,
            "Import them again from the project keys file (.yzkeys) you kept. " + _NOTHING_CHANGED.en,
        ),
        code="project_keys_damaged",
    )


def bad_project_file(source: object, why: str | Text) -> SecurityError:
    why = _both(why)
    return SecurityError(
        Text(
            f"{_file_label(source)} 不能作为项目文件使用：{why.zh}。",
            f"{_file_label(source)} cannot be used as a project file: {why.en}.",
        ),
        hint=Text(
            "请向研究者索取原始的 .yzproject 文件，并核对其指纹。" + _NOTHING_CHANGED.zh,
            "Ask the researcher for the original .yzproject file and compare its fingerprint. " + _NOTHING_CHANGED.en,
        ),
        code="bad_project_file",
    )


def not_a_keys_file(source: object) -> SecurityError:
    return SecurityError(
        Text(f"{_file_label(source)} 不是项目密钥文件。", f"{_file_label(source)} is not a project keys file."),
        hint=Text(
            "请选择研究者用“导出项目密钥”生成的 .yzkeys 文件。" + _NOTHING_CHANGED.zh,
            "Choose the .yzkeys file the researcher made with Export project keys. " + _NOTHING_CHANGED.en,
        ),
        code="not_a_keys_file",
    )


def keys_of_another_project(source: object, name: str) -> SecurityError:
    return SecurityError(
        Text(
            f"{_file_label(source)} 是另一个项目的密钥，不是“{name}”的。",
            f"{_file_label(source)} holds another project's keys, not those of “{name}”.",
        ),
        hint=Text(
            "请选择这个项目的密钥文件。" + _NOTHING_CHANGED.zh,
            "Choose this project's keys file. " + _NOTHING_CHANGED.en,
        ),
        code="keys_of_another_project",
    )


def not_a_key_card(source: object) -> SecurityError:
    return SecurityError(
        Text(f"{_file_label(source)} 不是营造的公钥卡片。", f"{_file_label(source)} is not a Yingzao key card."),
        hint=Text(
            "请让督导在其电脑上用“文件 → 项目 → 导出我的公钥…”（python main.py project key-card）生成 .yzkey 文件。",
            "Ask the supervisor to make a .yzkey file on their computer with File → Project → Export my public key… "
            "(python main.py project key-card).",
        ),
        code="not_a_key_card",
    )


def unknown_supervisor(fingerprint: str) -> SecurityError:
    return SecurityError(
        Text(
            f"项目中没有指纹为 {fingerprint} 的督导。",
            f"The project lists no supervisor with fingerprint {fingerprint}.",
        ),
        hint=Text("请在项目信息中核对督导名单。", "Check the supervisors in the project's details."),
        code="unknown_supervisor",
    )


_KEEP_PACKAGE = Text("主数据库没有被改动。", "The master database has not been changed.")


def package_needs_project_key(path: Path | str) -> PackageError:
    return PackageError(
        path,
        Text(
            "这个数据包已加密，需要项目密钥才能打开。",
            "this package is encrypted; it opens only with the project's key.",
        ),
        hint=Text(
            "请在持有项目密钥的数据库（研究者的主数据库）中合并，并输入项目口令。" + _KEEP_PACKAGE.zh,
            "Merge it into the database that holds the project's keys (the researcher's master) and give the "
            "project passphrase. " + _KEEP_PACKAGE.en,
        ),
        code="package_needs_project_key",
    )


def package_not_for_us(path: Path | str) -> PackageError:
    return PackageError(
        path,
        Text(
            "无法用本项目的密钥解开：它是为其他项目加密的，或者在生成后被改动过。",
            "it does not open with this project's key: it was encrypted for another project, or altered after it was made.",
        ),
        hint=Text(
            "请向访员重新索取数据包；若一再如此，请核对访员加入的是否是这个项目。" + _KEEP_PACKAGE.zh,
            "Ask the fieldworker for the package again; if this keeps happening, check that their laptop joined "
            "this project. " + _KEEP_PACKAGE.en,
        ),
        code="package_not_for_us",
    )


def package_altered(path: Path | str) -> PackageError:
    return PackageError(
        path,
        Text("签名不符：数据包在生成后被改动过。", "signature does not match: altered after it was made."),
        hint=Text(
            "不要合并这个文件。请向访员直接索取原始数据包，并告知项目负责人。" + _KEEP_PACKAGE.zh,
            "Do not merge this file. Get the original package from the fieldworker directly and tell the project "
            "lead. " + _KEEP_PACKAGE.en,
        ),
        code="package_altered",
    )


def package_of_another_project(path: Path | str) -> PackageError:
    return PackageError(
        path,
        Text("这个数据包属于另一个项目。", "this package belongs to another project."),
        hint=Text(
            "请把它合并到它所属项目的主数据库中。" + _KEEP_PACKAGE.zh,
            "Merge it into its own project's master. " + _KEEP_PACKAGE.en,
        ),
        code="package_of_another_project",
    )


def package_device_claimed(path: Path | str, device_id: str, fingerprint: str) -> PackageError:
    return PackageError(
        path,
        Text(
            f"它自称来自设备 {device_id[:8]}，但签名密钥（指纹 {fingerprint}）不是该设备的密钥。",
            f"it claims to come from device {device_id[:8]}, but its signing key (fingerprint {fingerprint}) is not "
            "that device's key.",
        ),
        hint=Text(
            "一台设备的编号不能被另一台设备冒用。不要合并这个文件，并告知项目负责人。" + _KEEP_PACKAGE.zh,
            "A device's id cannot be claimed by another device. Do not merge this file, and tell the project lead. "
            + _KEEP_PACKAGE.en,
        ),
        code="package_device_claimed",
    )


def package_from_refused_device(path: Path | str, fingerprint: str) -> PackageError:
    return PackageError(
        path,
        Text(
            f"它来自已被拒绝的设备（指纹 {fingerprint}）。",
            f"it comes from a device that was refused (fingerprint {fingerprint}).",
        ),
        hint=Text(
            "如果拒绝有误，请在“设备”中重新接受该设备，再合并。" + _KEEP_PACKAGE.zh,
            "If that was a mistake, accept the device again under Devices, then merge. " + _KEEP_PACKAGE.en,
        ),
        code="package_from_refused_device",
    )


def unsigned_package_refused(path: Path | str) -> PackageError:
    return PackageError(
        path,
        Text(
            "这是未签名的旧格式数据包：无法确认是谁生成的，也无法确认它未被改动。",
            "this is an unsigned package of an older format: who made it, and that it is unaltered, cannot be checked.",
        ),
        hint=Text(
            "只有确知来源时，才用“合并未签名的数据包”（--allow-unsigned）合并它；报告会注明。" + _KEEP_PACKAGE.zh,
            "Merge it only if you know where it came from, with Merge unsigned packages (--allow-unsigned); the "
            "report says so. " + _KEEP_PACKAGE.en,
        ),
        code="unsigned_package_refused",
    )


def review_package_not_from_supervisor(path: Path | str, fingerprint: str) -> PackageError:
    return PackageError(
        path,
        Text(
            f"这个审核数据包不是由项目的督导签名的（签名者指纹 {fingerprint}）。",
            f"this review package is not signed by a supervisor of the project (signer's fingerprint {fingerprint}).",
        ),
        hint=Text(
            "不要合并它，请告知项目负责人。若督导名单刚有变动，请先打开研究者给的最新 .yzproject 文件。"
            + _NOTHING_CHANGED.zh,
            "Do not merge it, and tell the project lead. If the supervisors changed recently, open the latest "
            ".yzproject file from the researcher first. " + _NOTHING_CHANGED.en,
        ),
        code="review_package_not_from_supervisor",
    )


def review_row_unsigned(path: Path | str, interview_id: str, at: str) -> PackageError:
    return PackageError(
        path,
        Text(
            f"访谈 {interview_id[:8]} 中有一条督导审核或评论（{at}）没有项目督导的有效签名。",
            f"interview {interview_id[:8]} carries a supervisor's decision or comment ({at}) that no supervisor of "
            "the project signed.",
        ),
        hint=Text(
            "审核决定只能由持有督导密钥的人作出。不要合并这个文件，并告知项目负责人。" + _KEEP_PACKAGE.zh,
            "Review decisions can only be made by holders of a supervisor key. Do not merge this file, and tell the "
            "project lead. " + _KEEP_PACKAGE.en,
        ),
        code="review_row_unsigned",
    )


def device_key_unknown(fieldworker: str) -> SecurityError:
    return SecurityError(
        Text(
            f"还不知道 {fieldworker or '该访员'} 的设备公钥，无法为其加密审核数据包。",
            f"The device key of {fieldworker or 'this fieldworker'} is not known yet: the review package cannot be "
            "encrypted to it.",
        ),
        hint=Text(
            "请先合并该访员签名的数据包并接受其设备，再导出审核数据包。",
            "Merge a signed package from that fieldworker and accept their device first, then export the review.",
        ),
        code="device_key_unknown",
    )


def unknown_device(fingerprint: str) -> SecurityError:
    return SecurityError(
        Text(f"没有指纹为 {fingerprint} 的设备。", f"No device has the fingerprint {fingerprint}."),
        hint=Text(
            "请用“设备”列表（python main.py devices list）核对指纹。",
            "Check the fingerprint in the device list (python main.py devices list).",
        ),
        code="unknown_device",
    )


def cannot_read_passphrase(path: Path, error: OSError) -> SecurityError:
    return SecurityError(
        Text(
            f"无法读取口令文件 {path}：{error.strerror or error}。",
            f"Cannot read the passphrase file {path}: {error.strerror or error}.",
        ),
        hint=Text("请检查文件是否存在、是否有读取权限。", "Check that the file exists and can be read."),
        code="cannot_read_passphrase",
    )


def project_passphrase_needed() -> SecurityError:
    return SecurityError(
        Text("需要项目口令。", "The project passphrase is needed."),
        hint=Text(
            "请用 --project-passphrase-file 文件（第一行）或环境变量 YINGZAO_PROJECT_PASSPHRASE 提供，或在终端中运行以便输入。"
            + _NOTHING_CHANGED.zh,
            "Give it with --project-passphrase-file FILE (its first line) or the environment variable "
            "YINGZAO_PROJECT_PASSPHRASE, or run the command in a terminal to type it. " + _NOTHING_CHANGED.en,
        ),
        code="project_passphrase_needed",
    )


def cannot_read_project_file(path: Path, error: OSError) -> SecurityError:
    return SecurityError(
        Text(f"无法读取 {path}：{error.strerror or error}。", f"Cannot read {path}: {error.strerror or error}."),
        hint=Text(
            "请检查文件是否存在、是否有读取权限。" + _NOTHING_CHANGED.zh,
            "Check that the file exists and can be read. " + _NOTHING_CHANGED.en,
        ),
        code="cannot_read_project_file",
    )


def update_not_audited(path: Path | str, interview_id: str, question: str, field: str) -> PackageError:
    return PackageError(
        path,
        Text(
            f"访谈 {interview_id[:8]} 的题目 {question} 的{_ANSWER_FIELD.get(field, Text(field, field)).zh}与主数据库不同，"
            "但数据包的审计记录里没有这次修改。",
            f"interview {interview_id[:8]} holds a {_ANSWER_FIELD.get(field, Text(field, field)).en} for question "
            f"{question} that differs from the master's, and its audit log records no such change.",
        ),
        hint=Text(
            "营造的每次修改都会写入审计记录：这个数据包是在营造之外被改过的。不要合并它，请向访员直接索取原始数据包。"
            + _KEEP_PACKAGE.zh,
            "Every change Yingzao makes is audited: this package was changed outside Yingzao. Do not merge it; get "
            "the original package from the fieldworker directly. " + _KEEP_PACKAGE.en,
        ),
        code="update_not_audited",
    )


_ANSWER_FIELD = {
    "value": Text("回答", "answer"),
    "marker": Text("标记（跳过/拒答/不知道）", "marker (skipped / refused / don't know)"),
    "note": Text("访员备注", "fieldworker's note"),
}


# -- project screens (ui/project_dialogs.py): the files they read and write ---------------------


def project_file_unreadable(path: Path, error: OSError) -> SecurityError:
    why = error.strerror or str(error)
    return SecurityError(
        Text(f"无法读取 {path}（{why}）。", f"{path} cannot be read ({why})."),
        hint=Text(
            "请检查 U 盘是否已连接、文件是否存在、您是否有读取权限。数据库没有任何改动。",
            "Check that the USB stick is connected, that the file exists and that you may read it. The database "
            "has not been changed.",
        ),
        code="project_file_unreadable",
    )


def project_file_not_saved(path: Path, error: OSError) -> SecurityError:
    why = error.strerror or str(error)
    return SecurityError(
        Text(f"无法保存到 {path}（{why}）。", f"Could not save to {path} ({why})."),
        hint=Text(
            "请换一个文件夹或文件名再保存（数据库中的项目不受影响，可在“项目信息”中再次保存）。",
            "Choose another folder or file name and save again (the project in the database is not affected; "
            "it can be saved again from Project details).",
        ),
        code="project_file_not_saved",
    )

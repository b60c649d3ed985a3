"""Exports: Excel, CSV, REFI-QDA, and the anonymisation they apply."""

from __future__ import annotations

from pathlib import Path

from yingzao.core.errors.base import Text, YingzaoError
from yingzao.core.errors.store import StoreError

# -- Excel export ------------------------------------------------------------------------------


class ExportError(YingzaoError):
    """An Excel export that could not be written; no file (and no half-written file) was left."""


class ExportCancelled(ExportError):
    """The user cancelled an export; nothing was written."""

    def __init__(self) -> None:
        super().__init__(
            Text("导出已取消；没有写入任何文件。", "Export cancelled; no file was written."),
            hint=Text("需要时可以重新导出。", "Export again whenever you need to."),
            code="export_cancelled",
        )


def export_database_missing(path: Path) -> ExportError:
    return ExportError(
        Text(f"{path}：没有这个数据库。", f"{path}: no such database."),
        hint=Text("请检查 --db 给出的路径。", "Check the path given with --db."),
        code="export_database_missing",
    )


def export_not_xlsx(path: Path) -> ExportError:
    return ExportError(
        Text(
            f"{path}：导出文件必须是以 .xlsx 结尾的 Excel 工作簿。",
            f"{path}: the export must be an Excel workbook ending in .xlsx.",
        ),
        hint=Text(
            f"请使用类似 {path.with_suffix('.xlsx').name} 的文件名。",
            f"Use a name like {path.with_suffix('.xlsx').name}.",
        ),
        code="export_not_xlsx",
    )


def export_folder_missing(path: Path) -> ExportError:
    return ExportError(
        Text(
            f"无法写入 {path}：文件夹 {path.parent} 不存在。",
            f"Cannot write {path}: the folder {path.parent} does not exist.",
        ),
        hint=Text("请选择一个已有的文件夹，或先创建它。", "Choose an existing folder, or create it first."),
        code="export_folder_missing",
    )


def export_not_writable(path: Path, error: OSError | None = None) -> ExportError:
    why = f" ({error.strerror})" if error is not None and error.strerror else ""
    return ExportError(
        Text(
            f"无法写入 {path}：您不能在 {path.parent} 中写入，或不能使用这个文件名{why}。",
            f"Cannot write {path}: you may not write in {path.parent} or to this name{why}.",
        ),
        hint=Text(
            "请选择另一个文件夹，例如“文档”。没有写入任何内容。",
            "Choose another folder, e.g. your Documents folder. Nothing was written.",
        ),
        code="export_not_writable",
    )


def export_file_in_use(path: Path) -> ExportError:
    return ExportError(
        Text(
            f"无法替换 {path}：该文件正在另一个程序（Excel 或 WPS？）中打开。",
            f"Cannot replace {path}: the file is open in another program (Excel or WPS?).",
        ),
        hint=Text(
            "请在那里关闭它后重新导出，或换一个文件名。原文件没有改变。",
            "Close it there and export again, or choose another file name. The old file is unchanged.",
        ),
        code="export_file_in_use",
    )


def export_failed(path: Path, error: Exception) -> ExportError:
    why = getattr(error, "strerror", None) or str(error)
    return ExportError(
        Text(f"写入 {path} 失败（{why}）。", f"Writing {path} failed ({why})."),
        hint=Text(
            "请检查磁盘剩余空间后再试。没有写入任何内容。",
            "Check there is free space on the disk and try again. Nothing was written.",
        ),
        code="export_failed",
    )


def export_unknown_community(wanted: list[str], known: list[str]) -> ExportError:
    return ExportError(
        Text(
            f"数据库中没有编号为 {', '.join(wanted)} 的社区。",
            f"No community with id {', '.join(wanted)} in this database.",
        ),
        hint=Text(
            f"已有的社区：{', '.join(known) or '暂无'}。", f"Known communities: {', '.join(known) or 'none yet'}."
        ),
        code="export_unknown_community",
    )


def export_bad_filter(values: list[str], roles: tuple[str, ...], statuses: tuple[str, ...]) -> ExportError:
    return ExportError(
        Text(f"未知的角色或状态：{', '.join(values)}。", f"Unknown role or status: {', '.join(values)}."),
        hint=Text(
            f"角色：{', '.join(roles)}；状态：{', '.join(statuses)}。",
            f"Roles: {', '.join(roles)}; statuses: {', '.join(statuses)}.",
        ),
        code="export_bad_filter",
    )


# -- export hardening --


def _joined(texts: list[Text]) -> Text:
    return Text("；".join(t.zh for t in texts), "; ".join(t.en for t in texts))


def export_database_damaged(path: Path, problems: list[Text]) -> ExportError:
    """Nothing could be exported: even the list of interviews cannot be read."""
    found = _joined(problems) if problems else Text("读取时出错", "reading it failed")
    return ExportError(
        Text(f"数据库 {path} 已损坏，无法导出：", f"The database {path} is damaged and cannot be exported: ")
        + found
        + Text("。", "."),
        hint=Text(
            "请用最近的备份（或访员电脑上的数据库、已导出的数据包）恢复。不要继续在此文件中录入。没有写入任何文件。",
            "Restore it from your latest backup (or the fieldworker's laptop, or the packages already exported). "
            "Do not keep entering data into this file. Nothing was written.",
        ),
        code="export_damaged",
    )


def export_damaged_not_anonymisable(what: Text, problems: list[Text]) -> ExportError:
    """A damaged database lost something an anonymised export must know to remove names."""
    return ExportError(
        Text("数据库已损坏（", "The database is damaged (")
        + _joined(problems)
        + Text("），无法读取", "): ")
        + what
        + Text(
            "，因此无法保证匿名化导出不泄露身份信息。",
            " cannot be read, so an anonymised export could not be sure to remove every identifying value.",
        ),
        hint=Text(
            "可以不勾选「匿名化」导出可读取的部分（仅供内部使用），或先用备份恢复数据库。没有写入任何文件。",
            "Export the readable part without anonymising (for internal use only), or restore the database from a "
            "backup first. Nothing was written.",
        ),
        code="export_damaged_anonymise",
    )


# -- REFI-QDA (.qdc, .qdpx) and CSV exports ---------------------------------------------------


def export_wrong_suffix(path: Path, suffix: str) -> ExportError:
    """A target whose name does not end as the chosen format's files do (.qdpx, .qdc)."""
    suffix = suffix if suffix.startswith(".") else f".{suffix}"
    return ExportError(
        Text(f"{path}：导出文件的名称必须以 {suffix} 结尾。", f"{path}: the export's file name must end in {suffix}."),
        hint=Text(
            f"请使用类似 {path.with_suffix(suffix).name} 的文件名。",
            f"Use a name like {path.with_suffix(suffix).name}.",
        ),
        code="export_wrong_suffix",
    )


def csv_folder_is_file(path: Path) -> ExportError:
    return ExportError(
        Text(
            f"{path} 是一个文件，不是文件夹；CSV 导出需要一个文件夹。",
            f"{path} is a file, not a folder; a CSV export needs a folder.",
        ),
        hint=Text(
            "请选择一个文件夹（不存在时会新建）。没有写入任何内容。",
            "Choose a folder (it is created if new). Nothing was written.",
        ),
        code="csv_folder_is_file",
    )


def qdpx_unreadable(path: Path, error: OSError) -> YingzaoError:
    why = error.strerror or str(error)
    return YingzaoError(
        Text(f"无法读取 {path}（{why}）。", f"{path} cannot be read ({why})."),
        hint=Text("请检查文件是否存在、是否有权限读取。", "Check that the file exists and that you may read it."),
        code="qdpx_unreadable",
    )


def qdpx_not_a_project(path: Path, what: Text) -> YingzaoError:
    """A file that is not a REFI-QDA project, or one damaged or built to harm the reader."""
    return YingzaoError(
        Text(
            f"{path.name} 不是可读取的 REFI-QDA 项目（.qdpx）：",
            f"{path.name} is not a readable REFI-QDA project (.qdpx): ",
        )
        + what
        + Text("。", "."),
        hint=Text(
            "请在原软件中重新导出 REFI-QDA 项目（.qdpx）。没有读取任何内容。",
            "Export the REFI-QDA project (.qdpx) again from the program that made it. Nothing was read.",
        ),
        code="qdpx_not_a_project",
    )


def qdpx_too_large(path: Path, what: Text) -> YingzaoError:
    return YingzaoError(
        Text(f"{path.name} 超出了读取上限：", f"{path.name} passes a limit of the reader: ") + what + Text("。", "."),
        hint=Text(
            "这样大的项目文件不像是正常导出的；请检查文件来源。没有读取任何内容。",
            "A project file this large is not what a normal export makes; check where the file came from. "
            "Nothing was read.",
        ),
        code="qdpx_too_large",
    )


def export_needs_one_target() -> ExportError:
    return ExportError(
        Text(
            "请给出 --out FILE.xlsx 或 --csv 文件夹（二者选一）。",
            "Give either --out FILE.xlsx or --csv FOLDER (one of them).",
        ),
        hint=Text(
            "例如：python main.py export --out 导出.xlsx，或 python main.py export --csv 导出CSV",
            "For example: python main.py export --out export.xlsx, or python main.py export --csv export-csv",
        ),
        code="export_needs_one_target",
    )


# -- anonymisation: the pseudonym table and the review before release (core/anonymity/) ----------


def bad_pseudonym_term(term: str) -> StoreError:
    return StoreError(
        Text(
            f"“{term}”不能作为要替换的词：词为空或超过 200 个字。",
            f"'{term}' cannot be a term: it is empty or longer than 200 characters.",
        ),
        hint=Text("请填写一个名称（人名、地名、机构名等）。", "Enter one name (of a person, place, organisation…)."),
        code="bad_pseudonym_term",
    )


def pseudonym_needs_replacement(term: str) -> StoreError:
    return StoreError(
        Text(f"“{term}”没有替换词。", f"'{term}' has no replacement."),
        hint=Text(
            "请填写匿名化导出中代替它的文字（如“Q市”“某通信企业”）；要保留原词，请选择“忽略”。",
            "Enter what anonymised exports show instead (e.g. 'Q city', 'a telecom company'); to keep the term as it is, choose Ignore.",
        ),
        code="pseudonym_needs_replacement",
    )


def pseudonym_same_as_term(term: str) -> StoreError:
    return StoreError(
        Text(f"“{term}”的替换词与原词相同。", f"The replacement of '{term}' is the term itself."),
        hint=Text(
            "要保留原词，请选择“忽略”（加入允许列表）。", "To keep the term as it is, choose Ignore (the allow-list)."
        ),
        code="pseudonym_same_as_term",
    )


def export_unreviewed_detections(terms: list[str], total: int) -> ExportError:
    """`terms`: the most frequent, each as "华为 ×20"; `total`: how many distinct terms there are."""
    shown = "、".join(terms[:8])
    shown_en = ", ".join(terms[:8])
    more_zh = f" 等 {total} 个" if total > len(terms[:8]) else ""
    more_en = f" and more ({total} in all)" if total > len(terms[:8]) else ""
    return ExportError(
        Text(
            f"匿名化导出未执行：文本中有尚未审核的可识别词：{shown}{more_zh}。没有写入任何文件。",
            f"The anonymised export did not run: the text holds identifying terms nobody has reviewed: {shown_en}{more_en}. No file was written.",
        ),
        hint=Text(
            "请先在“数据 → 审核匿名化…”中逐一接受（给出代称）或忽略；或在命令行加 --accept-detected，"
            "以「〔已删除〕」替换它们（关于表会注明）。",
            "Review them first in Data → Review anonymisation… (accept with a pseudonym, or ignore); or add "
            '--accept-detected on the command line to replace them with "[removed]" (the About sheet says so).',
        ),
        code="export_unreviewed_detections",
    )


def bad_date_precision(value: str) -> ExportError:
    return ExportError(
        Text(f"日期精度“{value}”无效。", f"Date precision '{value}' is not valid."),
        hint=Text("请选择 day（日）、month（月）或 year（年）。", "Choose day, month or year."),
        code="bad_date_precision",
    )

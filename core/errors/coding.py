"""The researcher's coding: codes, codings, memos, attribution, a codebook imported."""

from __future__ import annotations

from pathlib import Path

from yingzao.core.errors.base import Text, YingzaoError
from yingzao.core.errors.export import ExportCancelled, ExportError
from yingzao.core.errors.packages import PackageError
from yingzao.core.errors.store import StoreError

# -- the researcher's coding (core/coding/) ------------------------------------------------------


class CodingError(StoreError):
    """A coding, code or memo cannot be made or changed as asked."""


def coding_bad_family(family: str, families: tuple[str, ...]) -> CodingError:
    return CodingError(
        Text(f"编码族“{family}”不存在。", f"There is no code family '{family}'."),
        hint=Text(f"请选择 {', '.join(families)} 之一。", f"Choose one of {', '.join(families)}."),
        code="coding_bad_family",
    )


def coding_code_needs_label() -> CodingError:
    return CodingError(
        Text("编码需要一个名称。", "A code needs a name."),
        hint=Text("请填写中文或英文名称。", "Give it a Chinese or English name."),
        code="coding_code_needs_label",
    )


def coding_unknown_code(code_id: str) -> CodingError:
    return CodingError(
        Text(f"编码表中没有编码“{code_id}”。", f"The codebook has no code '{code_id}'."),
        hint=Text(
            "请检查拼写，或先在编码表中新建这个编码。", "Check the spelling, or create the code in the codebook first."
        ),
        code="coding_unknown_code",
    )


def coding_parent_family(parent: str, parent_family: str, family: str) -> CodingError:
    return CodingError(
        Text(
            f"上级编码“{parent}”属于 {parent_family}，而这个编码属于 {family}。",
            f"The parent code '{parent}' is in family {parent_family}, this code in {family}.",
        ),
        hint=Text("请选择同一编码族中的上级编码。", "Choose a parent in the same family."),
        code="coding_parent_family",
    )


def coding_parent_cycle(code_id: str, parent: str) -> CodingError:
    return CodingError(
        Text(
            f"不能把“{parent}”设为“{code_id}”的上级：它在“{code_id}”之下。",
            f"'{parent}' cannot be the parent of '{code_id}': it is below '{code_id}'.",
        ),
        hint=Text("请选择不在这个编码之下的上级编码。", "Choose a parent that is not below this code."),
        code="coding_parent_cycle",
    )


def coding_code_exists(code_id: str) -> CodingError:
    return CodingError(
        Text(f"编码“{code_id}”已经存在。", f"The code '{code_id}' already exists."),
        hint=Text("请换一个编号，或留空让程序生成。", "Choose another id, or leave it empty to have one made."),
        code="coding_code_exists",
    )


def coding_code_merged(code_id: str, into: str) -> CodingError:
    return CodingError(
        Text(f"编码“{code_id}”已并入“{into}”。", f"The code '{code_id}' was merged into '{into}'."),
        hint=Text(f"请使用“{into}”。", f"Use '{into}' instead."),
        code="coding_code_merged",
    )


def coding_merge_into_itself(code_id: str) -> CodingError:
    return CodingError(
        Text(f"不能把编码“{code_id}”并入它自己。", f"The code '{code_id}' cannot be merged into itself."),
        hint=Text("请选择另一个编码作为合并目标。", "Choose another code to merge it into."),
        code="coding_merge_into_itself",
    )


def coding_bad_colour(colour: str) -> CodingError:
    return CodingError(
        Text(f"颜色“{colour}”无效。", f"'{colour}' is not a colour."),
        hint=Text("请使用 #1f77b4 这样的颜色值。", "Use a colour written like #1f77b4."),
        code="coding_bad_colour",
    )


def coding_not_codable(code_id: str, status: str) -> CodingError:
    word = Text("已停用", "retired") if status == "retired" else Text("已合并", "merged")
    return CodingError(
        Text(
            f"编码“{code_id}”{word.zh}，不能再用于新的编码。",
            f"The code '{code_id}' is {word.en} and cannot be applied any more.",
        ),
        hint=Text("请选择一个在用的编码，或先恢复这个编码。", "Choose a code in use, or restore this one first."),
        code="coding_not_codable",
    )


def coding_span_outside(interview_id: str, question: str, start: int, end: int, length: int) -> CodingError:
    return CodingError(
        Text(
            f"访谈 {interview_id[:8]} 的问题“{question}”：片段 {start}–{end} 超出了文本（共 {length} 个字）。",
            f"Interview {interview_id[:8]}, question '{question}': the span {start}–{end} lies outside the"
            f" text ({length} characters).",
        ),
        hint=Text("请重新选择要编码的文字。", "Select the text to code again."),
        code="coding_span_outside",
    )


def coding_whole_answer_only(question: str) -> CodingError:
    return CodingError(
        Text(
            f"问题“{question}”是选择题，只能对整个回答编码。",
            f"Question '{question}' is a choice question: only its whole answer can be coded.",
        ),
        hint=Text("请选中整个回答后再编码。", "Select the whole answer, then code it."),
        code="coding_whole_answer_only",
    )


def coding_unknown(coding_id: str) -> CodingError:
    return CodingError(
        Text(
            f"找不到编码记录 {coding_id[:8]}（可能已被删除）。",
            f"No coding {coding_id[:8]} (it may have been removed).",
        ),
        hint=Text("请刷新页面后再试。", "Refresh the page and try again."),
        code="coding_unknown",
    )


def memo_empty() -> CodingError:
    return CodingError(
        Text("备忘录是空的。", "The memo is empty."),
        hint=Text("请写下内容；要删除备忘录请用“删除”。", "Write something; to remove a memo use Delete."),
        code="memo_empty",
    )


def memo_bad_target(about: str, about_id: str) -> CodingError:
    return CodingError(
        Text(f"备忘录的对象“{about}:{about_id}”不存在。", f"The memo's subject '{about}:{about_id}' does not exist."),
        hint=Text("请选择一个编码、访谈、社区或编码片段。", "Choose a code, an interview, a community or a coding."),
        code="memo_bad_target",
    )


def cannot_write(path: Path, error: OSError) -> YingzaoError:
    why = error.strerror or str(error)
    return YingzaoError(
        Text(f"无法写入 {path}（{why}）。", f"Cannot write {path} ({why})."),
        hint=Text(
            "请换一个文件夹或文件名，或在其他程序中关闭这个文件。",
            "Choose another folder or file name, or close the file in other programs.",
        ),
        code="cannot_write",
    )


def package_coding_refused(path: Path | str, interview_id: str, what: Text) -> PackageError:
    return PackageError(
        path,
        Text(
            f"数据包中访谈 {interview_id[:8]} 的编码无效：{what.zh}。数据库未作任何改动。",
            f"The package's coding of interview {interview_id[:8]} is invalid: {what.en}. Nothing was changed.",
        ),
        hint=Text(
            "请让制作数据包的研究者用最新版本的营造重新导出。",
            "Ask the researcher who made the package to export it again with the latest Yingzao.",
        ),
        code="package_coding_refused",
    )


def cannot_read(error: OSError) -> Text:
    """A form problem's words for a file the system would not let us read (a codebook, a workbook)."""
    why = error.strerror or str(error)
    return Text(f"无法读取（{why}）。", f"cannot be read ({why}).")


def export_interrupted() -> ExportError:
    """Ctrl+C during `export`: the same words as the dialog's Cancel."""
    return ExportCancelled()


# -- importing a codebook (REFI-QDA .qdc or a codebook CSV) into the database's codebook ----------


def codebook_import_refused(path: Path, what: Text) -> CodingError:
    """A file that is not a codebook this import reads: bad XML, a foreign file, one built to harm."""
    return CodingError(
        Text(f"{path.name} 不是可导入的编码表：", f"{path.name} is not a codebook that can be imported: ")
        + what
        + Text("。", "."),
        hint=Text(
            "请选择 REFI-QDA 编码表（.qdc，可从 NVivo、ATLAS.ti、MAXQDA、QualCoder 导出）或与 forms/codebook.csv "
            "同格式的 CSV 文件。编码表没有任何改动。",
            "Choose a REFI-QDA codebook (.qdc, exported from NVivo, ATLAS.ti, MAXQDA or QualCoder) or a CSV file "
            "in the format of forms/codebook.csv. The codebook was not changed.",
        ),
        code="codebook_import_refused",
    )


def codebook_import_unreadable(path: Path, error: OSError) -> CodingError:
    return CodingError(
        Text(f"无法读取 {path}：{error.strerror or error}。", f"Cannot read {path}: {error.strerror or error}."),
        hint=Text(
            "请检查文件是否存在、是否有读取权限。编码表没有任何改动。",
            "Check that the file exists and can be read. The codebook was not changed.",
        ),
        code="codebook_import_unreadable",
    )


# -- coding: which communities a coded passage is about (issue 17, point 2) -----------------------


def coding_attribution_refused(refused: list[str], allowed: list[str]) -> CodingError:
    given = "、".join(refused)
    choices_zh = "、".join(allowed) or "（无）"
    choices_en = ", ".join(allowed) or "(none)"
    return CodingError(
        Text(
            f"不能把这段编码归属到 {given}：这份访谈没有谈到它们。",
            f"This coding cannot be attributed to {', '.join(refused)}: the interview did not discuss them.",
        ),
        hint=Text(
            f"只能归属到这份访谈所属或谈到的社区：{choices_zh}；如谈到的社区有误，请先修改“谈到的社区”这道题的回答。",
            f"Attribute it only to the interview's own or discussed communities: {choices_en}; if the communities"
            " discussed are wrong, correct that answer first.",
        ),
        code="coding_attribution_refused",
    )


# -- review and coding of repeat groups (issue 18, point 4) ---------------------------------------


def coding_instance_list(repeat: str) -> CodingError:
    return CodingError(
        Text(
            f"“{repeat}”是重复组：它的回答只是各项的列表，不是受访者说的话，不能编码。",
            f"'{repeat}' is a repeat group: its answer is only the list of its entries, not what was said, and"
            " cannot be coded.",
        ),
        hint=Text("请对各项中的回答编码。", "Code the answers given in its entries."),
        code="coding_instance_list",
    )

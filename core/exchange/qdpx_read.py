"""Read a REFI-QDA project (`.qdpx`) — one Yingzao wrote, or one from another tool — into plain values.

    project = read_qdpx(path)

The file may come from anyone, so the reader trusts nothing in it:
- the zip: a cap on the number of members, on each member's and the total uncompressed size and on
  the compression ratio (a zip bomb is refused from its directory, and again while inflating, since a
  directory can lie); only `project.qde` and `Sources/…` members are read, never by a path outside;
- the XML: parsed by expat in chunks with any DOCTYPE refused (no entity can be declared, so none can
  expand, and nothing external is fetched), elements nested no deeper than a cap, text capped.
Every refusal is a `qdpx_not_a_project` or `qdpx_too_large` error; nothing is half-read.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from yingzao.core import errors
from yingzao.core.errors import Text

PROJECT_NS = "urn:QDA-XML:project:1.0"
MAX_MEMBERS = 200_000
MAX_MEMBER_BYTES = 512 * 1024 * 1024
MAX_TOTAL_BYTES = 4 * 1024 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed, for members over 1 MB
MAX_DEPTH = 64
MAX_TEXT = 16 * 1024 * 1024  # characters of one element's text
_CHUNK = 1 << 20


@dataclass
class ReadCoding:
    guid: str
    code_guid: str
    creating_user: str = ""
    created: str = ""
    notes: list[str] = field(default_factory=list)


@dataclass
class ReadSelection:
    guid: str
    start: int
    end: int
    codings: list[ReadCoding] = field(default_factory=list)


@dataclass
class ReadSource:
    guid: str
    name: str
    text: str = ""
    path: str = ""
    selections: list[ReadSelection] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)  # variable guid -> value as written


@dataclass
class ReadCode:
    guid: str
    name: str
    codable: bool
    parent: str | None
    colour: str | None = None
    description: str = ""
    notes: list[str] = field(default_factory=list)


@dataclass
class ReadVariable:
    guid: str
    name: str
    kind: str


@dataclass
class ReadCase:
    guid: str
    name: str
    values: dict[str, str] = field(default_factory=dict)  # variable guid -> value as written
    sources: list[str] = field(default_factory=list)


@dataclass
class ReadNote:
    guid: str
    name: str
    text: str = ""
    creating_user: str = ""
    created: str = ""


@dataclass
class QdpxProject:
    name: str = ""
    users: dict[str, str] = field(default_factory=dict)  # guid -> name
    codes: list[ReadCode] = field(default_factory=list)
    variables: dict[str, ReadVariable] = field(default_factory=dict)
    cases: list[ReadCase] = field(default_factory=list)
    sources: list[ReadSource] = field(default_factory=list)
    notes: dict[str, ReadNote] = field(default_factory=dict)
    links: list[tuple[str, str]] = field(default_factory=list)  # origin guid, target guid


class _Refused(Exception):
    def __init__(self, what: Text, *, too_large: bool = False) -> None:
        super().__init__(what.en)
        self.what, self.too_large = what, too_large


def read_qdpx(path: Path | str) -> QdpxProject:
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as archive:
            members = _check_members(archive)
            if "project.qde" not in members:
                raise _Refused(Text("没有 project.qde", "it holds no project.qde"))
            project = _parse(archive, members["project.qde"])
            for source in project.sources:
                if not source.text and source.path:
                    source.text = _source_text(archive, members, source.path)
            return project
    except OSError as error:
        raise errors.qdpx_unreadable(path, error) from error
    except (zipfile.BadZipFile, EOFError, NotImplementedError, RuntimeError) as error:
        raise errors.qdpx_not_a_project(path, Text("不是完好的 zip 文件", "it is not an intact zip file")) from error
    except _Refused as refused:
        if refused.too_large:
            raise errors.qdpx_too_large(path, refused.what) from None
        raise errors.qdpx_not_a_project(path, refused.what) from None


def _check_members(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise _Refused(Text(f"超过 {MAX_MEMBERS} 个文件", f"more than {MAX_MEMBERS} files"), too_large=True)
    total = 0
    members: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        total += info.file_size
        if info.file_size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES:
            raise _Refused(Text("解压后过大", "too large when unpacked"), too_large=True)
        if info.file_size > _CHUNK and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _Refused(
                Text("压缩比异常（zip 炸弹？）", "an abnormal compression ratio (a zip bomb?)"), too_large=True
            )
        name = info.filename
        if name.startswith(("/", "\\")) or ".." in name.replace("\\", "/").split("/"):
            continue  # never read by a path outside the archive
        members.setdefault(name, info)
    return members


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo):
    """The member's bytes in chunks, never more than its directory entry promised."""
    read = 0
    with archive.open(info) as member:
        while chunk := member.read(_CHUNK):
            read += len(chunk)
            if read > info.file_size or read > MAX_MEMBER_BYTES:
                raise _Refused(Text("解压后大于目录所记", "larger unpacked than its directory says"), too_large=True)
            yield chunk


def _source_text(archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], where: str) -> str:
    name = where.removeprefix("internal://")
    if name == where or "/" in name or "\\" in name or name.startswith("."):
        return ""  # an external path: not ours to open
    info = members.get(f"Sources/{name}")
    if info is None:
        raise _Refused(Text(f"缺少来源文件 Sources/{name}", f"the source file Sources/{name} is missing"))
    data = b"".join(_read_member(archive, info))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _Refused(Text(f"Sources/{name} 不是 UTF-8 文本", f"Sources/{name} is not UTF-8 text")) from error


def _parse(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> QdpxProject:
    builder = _Builder()
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = builder.refuse_doctype
    parser.EntityDeclHandler = builder.refuse_entity
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.text
    parser.buffer_text = True
    try:
        for chunk in _read_member(archive, info):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as error:
        raise _Refused(
            Text(f"project.qde 不是完好的 XML（{error}）", f"project.qde is not well-formed XML ({error})")
        ) from error
    if not builder.seen_root:
        raise _Refused(Text("project.qde 是空的", "project.qde is empty"))
    return builder.project


class _Builder:
    """Turns expat's events into a QdpxProject, element by element."""

    def __init__(self) -> None:
        self.project = QdpxProject()
        self.stack: list[str] = []
        self.codes: list[ReadCode] = []  # the open Code elements
        self.case: ReadCase | None = None
        self.source: ReadSource | None = None
        self.selection: ReadSelection | None = None
        self.coding: ReadCoding | None = None
        self.note: ReadNote | None = None
        self.variable_ref = ""
        self.text_parts: list[str] = []
        self.text_size = 0
        self.seen_root = False

    def refuse_doctype(self, *args: object) -> None:
        raise _Refused(
            Text("含有 DOCTYPE 声明（不接受实体定义）", "it has a DOCTYPE declaration (no entities accepted)")
        )

    def refuse_entity(self, *args: object) -> None:
        raise _Refused(Text("含有实体定义", "it declares entities"))

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        ns, _, name = tag.rpartition(" ")
        if not self.seen_root:
            if name != "Project" or ns != PROJECT_NS:
                raise _Refused(Text("根元素不是 REFI-QDA 的 Project", "its root element is not a REFI-QDA Project"))
            self.seen_root = True
            self.project.name = attrs.get("name", "")
        if len(self.stack) >= MAX_DEPTH:
            raise _Refused(Text(f"元素嵌套超过 {MAX_DEPTH} 层", f"elements nest deeper than {MAX_DEPTH}"))
        parent = self.stack[-1] if self.stack else ""
        self.stack.append(name)
        self.text_parts, self.text_size = [], 0
        guid = attrs.get("guid", "")
        if name == "User":
            self.project.users[guid] = attrs.get("name", "")
        elif name == "Code":
            code = ReadCode(
                guid,
                attrs.get("name", ""),
                attrs.get("isCodable", "true") in ("true", "1"),
                self.codes[-1].guid if self.codes else None,
                attrs.get("color"),
            )
            self.project.codes.append(code)
            self.codes.append(code)
        elif name == "Variable":
            self.project.variables[guid] = ReadVariable(guid, attrs.get("name", ""), attrs.get("typeOfVariable", ""))
        elif name == "Case":
            self.case = ReadCase(guid, attrs.get("name", ""))
            self.project.cases.append(self.case)
        elif name == "TextSource" and parent == "Sources":
            self.source = ReadSource(guid, attrs.get("name", ""), path=attrs.get("plainTextPath", ""))
            self.project.sources.append(self.source)
        elif name == "Note" and parent == "Notes":
            self.note = ReadNote(guid, attrs.get("name", ""), "", attrs.get("creatingUser", ""), "")
            self.note.created = attrs.get("creationDateTime", "")
            self.project.notes[guid] = self.note
        elif name == "PlainTextSelection" and self.source is not None:
            try:
                start, end = int(attrs["startPosition"]), int(attrs["endPosition"])
            except (KeyError, ValueError) as error:
                raise _Refused(Text("选段的位置不是整数", "a selection's position is not a whole number")) from error
            self.selection = ReadSelection(guid, start, end)
            self.source.selections.append(self.selection)
        elif name == "Coding" and self.selection is not None:
            self.coding = ReadCoding(guid, "", attrs.get("creatingUser", ""), attrs.get("creationDateTime", ""))
            self.selection.codings.append(self.coding)
        elif name == "CodeRef" and self.coding is not None and parent == "Coding":
            self.coding.code_guid = attrs.get("targetGUID", "")
        elif name == "NoteRef":
            target = attrs.get("targetGUID", "")
            holder = {"Coding": self.coding, "TextSource": self.source, "Code": self.codes[-1] if self.codes else None}
            owner = holder.get(parent)
            if owner is not None:
                owner.notes.append(target)
        elif name == "VariableRef":
            self.variable_ref = attrs.get("targetGUID", "")
        elif name == "SourceRef" and self.case is not None and parent == "Case":
            self.case.sources.append(attrs.get("targetGUID", ""))
        elif name == "Link":
            self.project.links.append((attrs.get("originGUID", ""), attrs.get("targetGUID", "")))

    def text(self, data: str) -> None:
        self.text_size += len(data)
        if self.text_size > MAX_TEXT:
            raise _Refused(Text("某个元素的文本过长", "one element's text is too long"), too_large=True)
        self.text_parts.append(data)

    def end(self, tag: str) -> None:
        name = self.stack.pop()
        parent = self.stack[-1] if self.stack else ""
        text = "".join(self.text_parts)
        self.text_parts, self.text_size = [], 0
        if name == "Code":
            self.codes.pop()
        elif name == "Description" and parent == "Code" and self.codes:
            self.codes[-1].description = text
        elif name == "PlainTextContent":
            if parent == "Note" and self.note is not None and len(self.stack) >= 2 and self.stack[-2] == "Notes":
                self.note.text = text
            elif parent == "TextSource" and self.source is not None:
                self.source.text = text
        elif name.endswith("Value") and parent == "VariableValue":
            owner = self.case if len(self.stack) >= 2 and self.stack[-2] == "Case" else self.source
            if owner is not None and self.variable_ref:
                owner.values[self.variable_ref] = text
        elif name == "Case":
            self.case = None
        elif name == "TextSource" and parent == "Sources":
            self.source = None
        elif name == "PlainTextSelection":
            self.selection = None
        elif name == "Coding":
            self.coding = None
        elif name == "Note" and parent == "Notes":
            self.note = None

"""What ODK and Kobo forms carry that Yingzao does not use: warned about, or refused when it matters.

The rule: what ODK Collect itself ignores, or what only changes how a form looks or where it is sent,
is a warning (the form loads; `check-form --strict` fails on it). What would change what the interview
asks or records is an error that names the feature. Each table below is the list a form author can
read to see which is which; docs/protocol-format.md repeats it.
"""

from __future__ import annotations

from yingzao.core import errors
from yingzao.core.errors import CodedProblem, Text

_MEDIA = Text("营造不显示图片、音频或视频", "Yingzao shows no pictures, audio or video")
_LOOKS = Text("只影响 ODK Collect 中的显示方式", "it only changes how ODK Collect shows the question")
_SERVER = Text(
    "它是 ODK/Kobo 服务器的设置；营造不向服务器提交", "it is for an ODK/Kobo server; Yingzao submits to none"
)
_ENCRYPTION = Text(
    "营造用项目密钥自行加密数据包，不用表单的公钥",
    "Yingzao encrypts its packages with the project's keys, not the form's public key",
)
_ENTITIES = Text(
    "实体列表（entities）是 ODK Central 服务器的功能；回答照常记录",
    "entity lists are an ODK Central server feature; the answers are recorded as usual",
)

# survey columns ODK knows whose absence changes nothing that is asked or recorded
SURVEY_IGNORED: dict[str, Text] = {
    "media": _MEDIA,
    "image": _MEDIA,
    "big-image": _MEDIA,
    "audio": _MEDIA,
    "video": _MEDIA,
    "guidance_hint": Text("营造不单独显示指导提示", "Yingzao shows no separate guidance hint"),
    "autoplay": _MEDIA,
    "style": _LOOKS,
    "body": _LOOKS,
    "intent": Text("营造不启动其他应用", "Yingzao starts no other app"),
    "save_to": _ENTITIES,
    "entity": _ENTITIES,
    "instance": Text("它只用于 ODK 的内部实例", "it is for ODK's own instances"),
    "note": Text("它是给表单作者的备注", "it is a note for the form's authors"),
    "comment": Text("它是给表单作者的备注", "it is a note for the form's authors"),
    "comments": Text("它是给表单作者的备注", "it is a note for the form's authors"),
}
# survey columns that would change what is asked or recorded if they were ignored: a row that fills
# one is refused (an empty column is harmless and only warned about)
SURVEY_REFUSED: dict[str, Text] = {
    "read_only": Text(
        "营造的问题总可以由访员填写，只读问题会被改掉",
        "a read-only question could be changed by the fieldworker in Yingzao",
    ),
    "trigger": Text(
        "营造不支持在另一个问题改变时重新计算（trigger）",
        "Yingzao does not recalculate when another question changes (trigger)",
    ),
    "bind": Text("营造无法照原样使用 XForm 的 bind 属性", "Yingzao cannot apply raw XForm bind attributes"),
}
CHOICES_MEDIA = frozenset({"media", "image", "big-image", "audio", "video"})
SETTINGS_IGNORED: dict[str, Text] = {
    "public_key": _ENCRYPTION,
    "submission_url": _SERVER,
    "auto_send": _SERVER,
    "auto_delete": _SERVER,
    "xml_root": Text("它只命名 ODK 提交的 XML 根元素", "it only names the root of ODK's submission XML"),
    "instance_name": Text("营造用受访社区和编号来命名访谈", "Yingzao names interviews by community and number"),
    "style": _LOOKS,
    "allow_choice_duplicates": Text(
        "营造仍要求列表中的选项名称唯一，重复的选项会被报告",
        "Yingzao still requires choice names to be unique within a list and reports duplicates",
    ),
    "namespaces": Text("它只用于 ODK 的 XML", "it is only for ODK's XML"),
    "clean_text_values": Text("营造总会去掉回答两端的空格", "Yingzao always trims answers"),
    "omit_instanceID": _SERVER,
}
SHEETS_IGNORED: dict[str, Text] = {
    "entities": _ENTITIES,
    "osm": Text("营造不支持 OpenStreetMap（osm）问题", "Yingzao has no OpenStreetMap (osm) questions"),
    "changelog": Text("它是表单的修改记录", "it is the form's change log"),
    "columns": Text("它是列的说明", "it documents the columns"),
}
_UNKNOWN = Text("它不是 XLSForm 的列", "it is not an XLSForm column")


def unknown_column(file: str, sheet: str, original: str, column: str) -> tuple[bool, CodedProblem | None]:
    """(keep the column's values, the warning to give) for a column the loader does not support.

    Survey columns that could matter are kept so each row that fills them is checked (`refused_cell`);
    choices columns other than media are kept as the choice's own columns, which a choice_filter reads."""
    if sheet == "survey":
        why = SURVEY_IGNORED.get(column) or SURVEY_REFUSED.get(column) or _UNKNOWN
        keep = column in SURVEY_REFUSED
        return keep, None if keep else errors.form_ignored_column(file, sheet, original, why)
    if sheet == "choices" or sheet == "external_choices":
        if column in CHOICES_MEDIA:
            return False, errors.form_ignored_column(file, sheet, original, _MEDIA)
        return True, None  # warned about after the survey is read, if no choice_filter uses it
    if sheet == "settings":
        return False, errors.form_ignored_setting(file, original, SETTINGS_IGNORED.get(column, _UNKNOWN))
    return False, errors.form_ignored_column(file, sheet, original, _UNKNOWN)


def refused_cell(file: str, row: int, column: str, value: str) -> CodedProblem | None:
    """The error for a row that fills a column whose meaning Yingzao cannot keep (None: no error)."""
    lowered = value.strip().lower()
    if not lowered or (column == "read_only" and lowered in ("no", "false", "false()", "0")):
        return None
    return errors.form_column_refused(file, row, column, SURVEY_REFUSED[column])


def unused_choice_column(file: str, sheet: str, column: str) -> CodedProblem:
    return errors.form_ignored_column(
        file,
        sheet,
        column,
        Text("没有 choice_filter 用到它", "no choice_filter uses it"),
    )


def extra_sheet(file: str, name: str) -> CodedProblem:
    return errors.form_ignored_sheet(
        file, name, SHEETS_IGNORED.get(name.lower(), Text("它不是 XLSForm 的工作表", "it is not an XLSForm sheet"))
    )


# --- types --------------------------------------------------------------------------------------

_ANOTHER_TYPE = Text(
    "它记录的内容营造无法记录；请换成营造支持的类型，或删除这一行",
    "it records something Yingzao cannot record; use a type Yingzao supports, or delete the row",
)
REFUSED_TYPES: dict[str, Text] = {
    "osm": Text(
        "OpenStreetMap（osm）问题会记录地图要素，营造无法记录",
        "OpenStreetMap (osm) questions record map features, which Yingzao cannot record",
    ),
    "start-geopoint": Text("营造不记录位置", "Yingzao records no location"),
    "background-audio": Text("营造不在后台录音", "Yingzao records no background audio"),
    "geopoint": Text("营造不记录位置", "Yingzao records no location"),
    "geotrace": Text("营造不记录位置", "Yingzao records no location"),
    "geoshape": Text("营造不记录位置", "Yingzao records no location"),
    "image": Text("营造不拍照", "Yingzao takes no photos"),
    "audio": Text("营造不录音", "Yingzao records no audio"),
    "video": Text("营造不录像", "Yingzao records no video"),
    "file": Text("营造不附加文件", "Yingzao attaches no files"),
    "barcode": Text("营造不扫描条码", "Yingzao scans no barcodes"),
    "range": Text("请改用带约束条件的 integer 或 decimal 问题", "use an integer or decimal question with a constraint"),
    "rank": Text("请改用几道 select_one 问题", "use select_one questions instead"),
    "datetime": Text("请改用一道 date 和一道 time 问题", "use a date and a time question"),
    "dateTime": Text("请改用一道 date 和一道 time 问题", "use a date and a time question"),
    "acknowledge": Text("请改用 select_one 问题", "use a select_one question"),
    "trigger": Text("请改用 select_one 问题", "use a select_one question"),
    "hidden": Text("请改用 calculate 行", "use a calculate row"),
    "xml-external": _ANOTHER_TYPE,
    "csv-external": _ANOTHER_TYPE,
    "begin_rank": _ANOTHER_TYPE,
}

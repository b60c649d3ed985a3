"""Survey-import sheets (`--layout wide`) and the CSV folder for R, Stata and pandas."""

from __future__ import annotations

import csv
import datetime as dt
import zipfile

import pytest
from openpyxl import load_workbook

from yingzao import main
from yingzao.core import errors
from yingzao.core.export import wide
from yingzao.core.export.csv_tables import export_csv
from yingzao.core.export.data import ExportFilters
from yingzao.core.export.refi_model import codes_from_codebook
from yingzao.core.export.workbook import ExportOptions, export_workbook
from yingzao.core.store.database import Store

from bench.make_data import synthetic_codings
from tests.export_study import CHENGDU, build_study, short


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    return build_study(tmp_path_factory.mktemp("wide") / "study.db")


@pytest.fixture(scope="module")
def book(study, tmp_path_factory):
    out = tmp_path_factory.mktemp("wide_out") / "wide.xlsx"
    export_workbook(study.path, out, ExportOptions(layout="wide"), tz=CHENGDU)
    return load_workbook(out)


def _rows(sheet):
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def test_first_sheet_is_one_row_per_interview_with_unique_ids_in_column_a(book, study):
    assert book.sheetnames == ["官员访谈提纲", "街道工作人员访谈提纲", "社区干部访谈提纲", "社区概况", "说明"]
    first = list(book.worksheets[0].iter_rows(values_only=True))
    assert first[0][0] == "访谈" and [r[0] for r in first[1:]] == [short(study, "O1")]
    cadres = _rows(book["社区干部访谈提纲"])
    ids = [r["访谈"] for r in cadres]
    assert ids == [short(study, "K1"), short(study, "K2")] and len(set(ids)) == len(ids)


def test_question_columns_hold_choice_labels_and_zero_one_columns(book, study):
    k1 = next(r for r in _rows(book["社区干部访谈提纲"]) if r["访谈"] == short(study, "K1"))
    needs = next(h for h in k1 if h.startswith("居民和员工向社区提出最多的需求") and ": " not in h)
    assert "住房" in k1[needs]
    assert k1[f"{needs}: 住房/住宿"] == 1
    assert k1[f"{needs}: 购物餐饮等生活消费"] == 0
    k2 = next(r for r in _rows(book["社区干部访谈提纲"]) if r["访谈"] == short(study, "K2"))
    assert k2[f"{needs}: 住房/住宿"] is None  # unanswered is not "no"


def test_attributes_follow_the_questions(book, study):
    o1 = _rows(book["官员访谈提纲"])[0]
    headers = list(o1)
    assert headers.index("社区") > headers.index("您是否同意接受本次访谈？")
    assert (o1["社区"], o1["受访者类型"], o1["访员"]) == ("A社区", "官员", "李研究")
    assert o1["访谈日期"] == dt.datetime(2021, 3, 2)
    assert o1["社区概况记录·特色做法"] == "“3T”模式：ROT、BOT、COT"


def test_anonymised_wide_layout_leaves_identifying_columns_out(study, tmp_path):
    out = tmp_path / "anon.xlsx"
    export_workbook(study.path, out, ExportOptions(anonymize=True, layout="wide"))
    with zipfile.ZipFile(out) as archive:
        everything = "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    for value in [*study.identifying, *study.fieldworkers]:
        assert value not in everything, value


def test_a_question_past_the_cell_limit_continues_in_overflow_columns(tmp_path, library_store):
    store, library = library_store
    protocol = library.by_role("cadre")[0]
    interview = store.start_interview(protocol.sha256)
    question = next(q for q in protocol.questions if q.type == "text" and not q.identifying)
    store.save_answer(interview, question.name, "长" * 40_000)
    store.close()
    out = tmp_path / "long.xlsx"
    result = export_workbook(store.path, out, ExportOptions(layout="wide"))
    assert result.overflow_cells == 1
    row = _rows(load_workbook(out).worksheets[0])[0]
    first, second = (h for h in row if h.startswith(question.labels["zh"]))
    assert second == f"{first}（续2）" and len(row[first]) + len(row[second]) == 40_000


def test_too_many_columns_are_cut_and_said(monkeypatch, study, tmp_path):
    monkeypatch.setattr(wide, "MAX_COLUMNS", 10)
    out = tmp_path / "cut.xlsx"
    export_workbook(study.path, out, ExportOptions(layout="wide", lang="en"))
    read = load_workbook(out)
    assert read.worksheets[0].max_column == 10
    about = list(read["About"].iter_rows(values_only=True))
    assert any("columns past Excel's 16,384 not written" in (r[1] or "") for r in about)


# -- CSV ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def csv_folder(study, tmp_path_factory, codebook_codes):
    with Store(study.path, read_only=True) as store:
        codings = list(synthetic_codings(store, [c.id for c in codebook_codes if c.codable], per_text=2))
    folder = tmp_path_factory.mktemp("csv") / "out"
    result = export_csv(study.path, folder, ExportOptions(), codings=codings, tz=CHENGDU)
    return folder, result, codings


@pytest.fixture(scope="module")
def codebook_codes():
    from yingzao.core import paths
    from yingzao.core.forms.codebook import load_codebook

    return codes_from_codebook(load_codebook(paths.CODEBOOK_PATH), "zh")


def _csv(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_csv_folder_holds_every_table_and_a_data_dictionary(csv_folder):
    folder, _result, _ = csv_folder
    names = sorted(p.name for p in folder.iterdir())
    assert {"interviews.csv", "answers.csv", "codings.csv", "codebook.csv", "README.txt"} <= set(names)
    assert {"wide_yz_official.csv", "wide_yz_cadre.csv"} <= set(names)
    readme = (folder / "README.txt").read_text(encoding="utf-8-sig")
    for column in ("interview_id", "value_label", "start", "code_label", "codable"):
        assert f"  {column}:" in readme


def test_csv_interviews_and_answers_with_codes_labels_and_iso_dates(csv_folder, study):
    folder, _result, _ = csv_folder
    interviews = {r["interview_id"]: r for r in _csv(folder / "interviews.csv")}
    assert set(interviews) == set(study.ids.values())
    o1 = interviews[study.ids["O1"]]
    assert (o1["interview_date"], o1["started"][:10], o1["role"]) == ("2021-03-02", "2021-03-02", "official")
    answers = [r for r in _csv(folder / "answers.csv") if r["interview_id"] == study.ids["K1"]]
    needs = next(r for r in answers if r["question"] == "srv_top_needs")
    assert needs["value"] == "housing health" and "住房" in needs["value_label"]
    wide_cadre = _csv(folder / "wide_yz_cadre.csv")
    k1 = next(r for r in wide_cadre if r["interview_id"] == study.ids["K1"])
    column = next(h for h in k1 if h.endswith(": 住房/住宿"))
    assert k1[column] == "1"


def test_csv_codings_hold_the_coded_passage(csv_folder, study):
    folder, result, codings = csv_folder
    rows = _csv(folder / "codings.csv")
    assert len(rows) == result.codings == len(codings)
    with Store(study.path, read_only=True) as store:
        for row in rows[:50]:
            answer = store.answer(row["interview_id"], row["question"])
            text = answer.value if row["target"] == "answer" else answer.note
            assert row["text"] == text[int(row["start"]) : int(row["end"])]


def test_csv_anonymised_like_the_workbook(study, tmp_path):
    folder = tmp_path / "anon"
    export_csv(study.path, folder, ExportOptions(anonymize=True))
    everything = "".join(p.read_text(encoding="utf-8-sig") for p in folder.iterdir())
    for value in [*study.identifying, *study.fieldworkers, "清源社区"]:
        assert value not in everything, value
    assert "R01" in (folder / "interviews.csv").read_text(encoding="utf-8-sig")


def test_csv_cancel_leaves_no_file_and_a_file_is_not_a_folder(study, tmp_path):
    folder = tmp_path / "out"
    with pytest.raises(errors.ExportCancelled):
        export_csv(study.path, folder, ExportOptions(), cancelled=lambda: True)
    assert list(folder.iterdir()) == []
    a_file = tmp_path / "file.csv"
    a_file.write_text("x", encoding="utf-8")
    with pytest.raises(errors.ExportError) as refused:
        export_csv(study.path, a_file)
    assert refused.value.code == "csv_folder_is_file"


def test_csv_filters_apply(study, tmp_path):
    folder = tmp_path / "b"
    export_csv(study.path, folder, ExportOptions(ExportFilters(communities=("B",))))
    assert {r["community"] for r in _csv(folder / "interviews.csv")} == {"B社区"}


# -- the command line --------------------------------------------------------------------------


def test_cli_writes_qdc_qdpx_wide_and_csv(study, tmp_path, capsys):
    assert main.main(["qdc", "--out", str(tmp_path / "c.qdc"), "--lang", "en"]) == 0
    assert main.main(["qdpx", "--db", str(study.path), "--out", str(tmp_path / "p.qdpx"), "--anonymize"]) == 0
    assert "已匿名化" in capsys.readouterr().out
    assert main.main(["export", "--db", str(study.path), "--out", str(tmp_path / "w.xlsx"), "--layout", "wide"]) == 0
    assert load_workbook(tmp_path / "w.xlsx").sheetnames[0] == "官员访谈提纲"
    assert main.main(["export", "--db", str(study.path), "--csv", str(tmp_path / "csv")]) == 0
    assert (tmp_path / "csv" / "answers.csv").exists()


def test_cli_refuses_both_or_neither_target_and_a_bad_name(study, tmp_path, capsys):
    assert main.main(["export", "--db", str(study.path)]) == 2
    assert "--csv" in capsys.readouterr().err
    assert main.main(["qdpx", "--db", str(study.path), "--out", str(tmp_path / "p.zip")]) == 1
    assert ".qdpx" in capsys.readouterr().err and not (tmp_path / "p.zip").exists()

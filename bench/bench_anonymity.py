"""Benchmark of the anonymisation on a generated corpus with planted identifiers.

The corpus: 60 cadre interviews in communities whose real names, streets, parks and enterprises are
in the community profiles, each with 8 open answers and a note holding planted identifiers of every
kind — mobile and landline numbers in varied spacing and separators (full-width too), ID-card
numbers with a valid check digit (some spaced), e-mail, WeChat and QQ ids, licence plates, street
addresses, respondents' full names and forms of address (陈书记, 老陈, 小陈, the given name), titles
after unknown surnames (王主任), and the places and organisations of the profiles — ≥ 500 in all —
plus the study's own pseudonyms (A社区, B社区, L街道, Q镇, R05), which must survive.

- anonymisation_recall: planted items gone from the anonymised export, after the review a researcher
  makes (every detection accepted with its suggestion, as *Review anonymisation* offers it);
- anonymisation_recall_unreviewed: the same with no review, exported with --accept-detected;
- over_redactions: pseudonyms of the study's own missing from the export (target 0).
"""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

from bench.run import ROOT  # noqa: F401 - puts the checkout on sys.path

INTERVIEWS = 60
PSEUDONYMS = ("A社区", "B社区", "L街道", "Q镇", "X市", "B社区工作站")
GIVEN = ("志明", "建华", "秀英", "海燕", "国强", "丽娟", "德明", "春梅", "晓东", "玉兰")
SURNAMES = "陈王李张刘杨黄赵吴周徐孙马朱胡郭何高林罗"
STRANGERS = ("王主任", "张经理", "刘书记", "赵站长", "孙老师", "周主任", "吴局长")
PLACES = {
    "A": ("邛崃", "天府现代种业园", "羊安街道", "隆鑫农业"),
    "B": ("西园街道", "清河生态公园", "京东方", "华为", "破土咖啡"),
}
FILLER = (
    "社区综合党委每季度召开联席会议",
    "流水线上的年轻员工压力大",
    "院落活动越来越多",
    "企业参与服务供给",
    "居民议事会还在完善",
)


def _id_number(rng: random.Random) -> str:
    body = f"510{rng.randint(100, 199)}{rng.randint(1960, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(100, 999)}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]
    number = body + check
    return f"{number[:6]} {number[6:14]} {number[14:]}" if rng.random() < 0.3 else number


def _phone(rng: random.Random) -> str:
    digits = f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}"
    form = rng.randrange(5)
    if form == 0:
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    if form == 1:
        return f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"
    if form == 2:
        return f"+86 {digits}"
    if form == 3:
        return digits.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    return digits


def _planted(rng: random.Random, person: tuple[str, str], community: str) -> list[str]:
    surname, given = person
    return [
        _phone(rng),
        rng.choice(
            [f"028-{rng.randint(8000, 8999)} {rng.randint(1000, 9999)}", f"(028){rng.randint(80000000, 89999999)}"]
        ),
        _id_number(rng),
        f"{rng.choice(['chen', 'wang', 'li'])}.{rng.randint(10, 99)}@example.com",
        rng.choice([f"wx_{given[0].encode().hex()[:4]}{rng.randint(100, 999)}", f"wxid_{rng.randint(10**8, 10**9)}"]),
        f"{rng.randint(10000, 99999999)}",  # a QQ number, written after "QQ："
        f"川A{rng.choice('·')}{rng.randint(10000, 99999)}",
        f"西园路{rng.randint(1, 300)}号{rng.randint(1, 9)}栋{rng.randint(1, 4)}单元",
        surname + given,
        rng.choice([f"{surname}书记", f"老{surname}", f"小{surname}", given, f"{surname}主任"]),
        rng.choice(STRANGERS),
        *rng.sample(PLACES[community], 2),
    ]


KINDS = (
    "mobile",
    "landline",
    "ID card",
    "e-mail",
    "WeChat",
    "QQ",
    "plate",
    "address",
    "full name",
    "form of address",
    "title + unknown surname",
    "place / organisation",
)
_LEADS = {0: "电话", 1: "座机", 2: "身份证", 3: "邮箱", 4: "微信：", 5: "QQ：", 6: "车牌", 7: "住在"}


def build(path: Path, seed: int = 15) -> dict[tuple[str, str], list[str]]:
    """The corpus database; returns, per (interview, question), the planted items."""
    from yingzao.core.forms.library import load_library
    from yingzao.core.store.database import Store

    rng = random.Random(seed)
    planted: dict[tuple[str, str], list[str]] = {}
    with Store(path, user="研究者") as store:
        library = load_library(store)
        store.add_community("A", "羊安社区")
        store.add_community("B", "西园社区")
        profile = library.by_role("profile")[0]
        for letter, (city, park, street, firm) in (("A", PLACES["A"]), ("B", PLACES["B"][:4])):
            interview = store.start_interview(profile.sha256, community_id=letter)
            store.save_answer(interview, "city_district", f"成都市{city}")
            store.save_answer(interview, "park_name", park)
            store.save_answer(interview, "function_zone", street)
            store.save_answer(interview, "leading_enterprises", "、".join(PLACES[letter][2:]) + f"、{firm}")
            store.finalize(interview)
        cadre = library.by_role("cadre")[0]
        texts = [q.name for q in cadre.questions if q.type == "text" and not q.identifying][:8]
        for number in range(INTERVIEWS):
            community = "AB"[number % 2]
            person = (SURNAMES[number % len(SURNAMES)], GIVEN[number % len(GIVEN)])
            store.user = f"访员{number % 5 + 1}"
            interview = store.start_interview(cadre.sha256, community_id=community, fieldworker=f"访员{number % 5 + 1}")
            store.save_answer(interview, "consent", "yes")
            store.save_answer(interview, "resp_name", "".join(person))
            items = _planted(rng, person, community)
            for index, question in enumerate(texts):
                chosen = items[index :: len(texts)]
                parts = []
                for item in chosen:
                    lead = _LEADS.get(items.index(item), "")
                    parts.append(f"{rng.choice(FILLER)}，{lead}{item}，{rng.choice(PSEUDONYMS)}也一样")
                store.save_answer(interview, question, "；".join(parts) + "。")
                planted[(interview, question)] = chosen
            store.finalize(interview)
    return planted


def _answers(out: Path) -> dict[tuple[str, str], str]:
    """The Answers sheet of an export: (interview, question) -> the answer's text."""
    import openpyxl

    book = openpyxl.load_workbook(out, read_only=True)
    rows = book.worksheets[2].iter_rows(values_only=True)
    header = next(rows)
    at = [header.index(name) for name in ("访谈", "题目名", "回答")]
    return {(row[at[0]], row[at[1]]): str(row[at[2]] or "") for row in rows}


def _remaining(out: Path, planted: dict[tuple[str, str], list[str]], shorts: dict[str, str]) -> int:
    """Planted items still in the export's cells they were planted in."""
    cells = _answers(out)
    return sum(item in cells.get((shorts[i], q), "") for (i, q), items in planted.items() for item in items)


def bench_anonymisation() -> list[str]:
    from yingzao.core.anonymity.review import accept, review
    from yingzao.core.export.workbook import ExportOptions, export_workbook
    from yingzao.core.store.database import Store

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "corpus.db"
        planted = build(db)
        total = sum(len(items) for items in planted.values())
        with Store(db, read_only=True) as store:
            shorts = {i.id: i.id.replace("-", "")[:8] for i in store.interviews()}
            pseudonyms_in = _pseudonyms(store, planted)
        unreviewed = Path(tmp) / "unreviewed.xlsx"
        export_workbook(db, unreviewed, ExportOptions(anonymize=True, accept_detected=True))
        left_unreviewed = _remaining(unreviewed, planted, shorts)
        with Store(db, user="研究者") as store:
            for detection in review(store):
                if detection.status == "unreviewed":
                    accept(store, detection.term, detection.suggestion, detection.category)
        reviewed = Path(tmp) / "reviewed.xlsx"
        export_workbook(db, reviewed, ExportOptions(anonymize=True))  # refused if anything were left unreviewed
        left = _remaining(reviewed, planted, shorts)
        lost = pseudonyms_in - _pseudonyms_out(reviewed, planted, shorts)
    return [
        f"anonymisation_corpus: {total} planted identifiers in {len(planted)} answers ({len(KINDS)} kinds: {', '.join(KINDS)})",
        f"anonymisation_recall: {100 * (total - left) / total:.1f} % (target: >= 99 %; {left} left after the review)",
        f"anonymisation_recall_unreviewed: {100 * (total - left_unreviewed) / total:.1f} %"
        f" (no review, --accept-detected; {left_unreviewed} left)",
        f"over_redactions: {lost} (target: 0; the study's own pseudonyms missing from the export, of {pseudonyms_in})",
    ]


def _pseudonyms(store, planted: dict[tuple[str, str], list[str]]) -> int:
    count = 0
    for interview, question in planted:
        answer = store.answer(interview, question)
        text = str(answer.value if answer else "")
        count += sum(text.count(p) for p in PSEUDONYMS if p != "B社区")  # B社区 is inside B社区工作站
    return count


def _pseudonyms_out(out: Path, planted: dict[tuple[str, str], list[str]], shorts: dict[str, str]) -> int:
    cells = _answers(out)
    texts = [cells.get((shorts[i], q), "") for i, q in planted]
    return sum(text.count(p) for text in texts for p in PSEUDONYMS if p != "B社区")


BENCHMARKS = {"anonymisation": bench_anonymisation}

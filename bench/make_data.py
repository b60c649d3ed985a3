"""Fill a database with SYNTHETIC interviews on the shipped protocols, through the core API.

    python bench/make_data.py --db PATH --interviews N [--seed S]

Everything it writes is marked synthetic: the database setting `synthetic_data`, fieldworkers named
合成访员NN, communities named 合成社区X, and every text answer starting with 【合成数据】.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from yingzao.core.forms.engine import InterviewSession
from yingzao.core.forms.library import load_library
from yingzao.core.forms.protocol import Protocol
from yingzao.core.store.database import Store

MARK = "【合成数据】"
PHRASES = [
    "社区综合党委每季度召开党建联席会议，协调园区企业和属地街道的事项",
    "我们通过院落党群服务中心把企业员工中的党员组织起来",
    "土地流转以后，村民的就业转型和集体经济收益是大家最关心的",
    "管委会落地社区之后，企业办事不出园区，审批快了很多",
    "流水线上的年轻员工压力大，心理驿站提供免费的咨询和调解",
    "楼层长、楼栋长、院落长负责收集居民需求，组织院落活动",
    "资产资源管理合作社统一调配各村社区的资金和资源",
    "企业老总兼任社区党委委员，企业资源与社区共享",
    "修建生态公园和休闲步道以后，员工下班有了去处",
    "劳务合作社推动五百多人实现了就近就业",
    "规划里对产业社区的服务场景和文化场景都有具体目标",
    "一院一品让每个院落都有自己的特色，员工的归属感增强了",
    "政府在组织、空间、服务和主体培育四个方面都发挥推动作用",
    "居民议事会的制度还在完善，参与的人还不够多",
    "银行和企业金融交流平台帮助企业在疫情期间获得贷款支持",
]


def synthetic_text(rng: random.Random) -> str:
    """60-600 characters, as a fieldworker's notes of one open answer run."""
    target = rng.choice([60, 120, 200, 300, 450, 600])
    parts = [MARK]
    while sum(len(p) for p in parts) < target:
        parts.append(rng.choice(PHRASES) + rng.choice(["。", "；", "，而且", "。另外，"]))
    return "".join(parts)[:target]


def synthetic_value(protocol: Protocol, question, rng: random.Random) -> object:
    if question.type == "text":
        if question.appearance == "multiline" or not question.identifying:
            return synthetic_text(rng)
        return f"{MARK}受访者{rng.randint(1, 999):03d}"
    if question.type == "integer":
        return rng.randint(0, 40)
    if question.type == "decimal":
        return round(rng.uniform(0.5, 10), 2)
    if question.type == "date":
        return (dt.date(2020, 10, 1) + dt.timedelta(days=rng.randint(0, 200))).isoformat()
    if question.type == "time":
        return f"{rng.randint(8, 18):02d}:{rng.choice(['00', '15', '30', '45'])}"
    choices = [c.name for c in protocol.choices.get(question.list_name or "", ())]
    if question.type == "select_one":
        return "yes" if question.name.startswith("consent") and "yes" in choices else rng.choice(choices)
    if question.type == "select_multiple":
        return rng.sample(choices, k=rng.randint(1, min(3, len(choices))))
    return None


def fill(store: Store, interviews: int, seed: int = 1, progress: bool = False, completed_share: float = 0.7) -> None:
    rng = random.Random(seed)
    library = load_library(store)
    store.set_setting("synthetic_data", "yes: made by bench/make_data.py, not field data")
    for letter in "ABCDEF":
        store.add_community(f"SYN-{letter}", f"合成社区{letter}")
    protocols = [p for p in library.protocols if p.role != "profile"]
    started = time.perf_counter()
    done = 0
    while done < interviews:
        with store.transaction():
            for _ in range(min(100, interviews - done)):
                protocol = rng.choice(protocols)
                store.user = f"合成访员{rng.randint(1, 12):02d}"
                interview = store.start_interview(protocol.sha256, community_id=f"SYN-{rng.choice('ABCDEF')}")
                completed = rng.random() < completed_share
                questions = protocol.answerable
                if not completed:  # a draft stops somewhere along the way
                    questions = questions[: rng.randint(2, len(questions))]
                for question in questions:
                    store.save_answer(interview, question.name, synthetic_value(protocol, question, rng))
                store.set_progress(interview, InterviewSession(store, interview).progress())
                if completed:
                    store.finalize(interview)
                done += 1
        if progress:
            print(f"\r{done}/{interviews} interviews ({time.perf_counter() - started:.0f} s)", end="", file=sys.stderr)
    if progress:
        print(file=sys.stderr)


def synthetic_codings(store: Store, code_ids: list[str], per_text: int, seed: int = 1):
    """SYNTHETIC codings through the REFI-QDA seam (`QdaCoding`): `per_text` random spans on every text
    answer and every note of the database, each with a random code and coder. Yields them interview by
    interview, so a caller can stream them."""
    from yingzao.core.export.refi_model import QdaCoding, stable_guid

    rng = random.Random(seed)
    coders = ["合成研究员A", "合成研究员B"]
    moment = dt.datetime(2021, 5, 1, 9, 0)
    protocols: dict[str, Protocol] = {}
    for interview in store.interviews():
        protocol = protocols.get(interview.protocol_sha256)
        if protocol is None:
            protocol = protocols[interview.protocol_sha256] = store.protocol(interview.protocol_sha256)
        for answer in store.answers(interview.id).values():
            texts = []
            is_text = protocol.has_question(answer.question) and protocol.question(answer.question).type == "text"
            if isinstance(answer.value, str) and is_text:
                texts.append(("answer", answer.value))
            if answer.note:
                texts.append(("note", answer.note))
            for target, text in texts:
                for n in range(per_text):
                    start = rng.randrange(len(text) + 1)
                    end = rng.randrange(start, len(text) + 1)
                    key = f"{interview.id}/{answer.question}/{target}/{n}"
                    yield QdaCoding(
                        stable_guid("synthetic-coding", key),
                        interview.id,
                        answer.question,
                        target,
                        start,
                        end,
                        rng.choice(code_ids),
                        rng.choice(coders),
                        moment,
                    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--interviews", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--completed-share",
        type=float,
        default=0.7,
        help="share of interviews finalised (the rest stay drafts); default 0.7",
    )
    args = parser.parse_args()
    with Store(args.db, user="合成数据") as store:
        fill(store, args.interviews, args.seed, progress=True, completed_share=args.completed_share)
        print(f"{args.db}: {store.count_interviews()} interviews (synthetic)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

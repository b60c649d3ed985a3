"""A small study database with known answers, built through the core API, for the export tests.

Communities A and B are entered as community profiles with the paper's facts (§三(二)); C has a
real-looking name so anonymisation has a community name to remove. Interviews:

- O1  official, community A, approved — names its own respondent inside an answer;
- S1  street staff, community A, draft — a "don't know" marker and a note;
- K1  cadre, community B, completed;
- K2  cadre, community C, consent refused.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from pathlib import Path

from yingzao.core.coding.codebook import research_codebook
from yingzao.core.coding.suggestions import accept_all
from yingzao.core.forms.library import Library, load_library
from yingzao.core.store.database import Store

START = dt.datetime(2021, 3, 2, 2, 0, tzinfo=dt.UTC)  # 10:00 in Chengdu
CHENGDU = dt.timezone(dt.timedelta(hours=8))


def ticking_clock(start: dt.datetime = START, step: float = 60.0):
    """A store clock that moves one minute per call: started_at and saves are predictable."""
    counter = itertools.count()

    def clock() -> str:
        moment = start + dt.timedelta(seconds=step * next(counter))
        return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")

    return clock


@dataclass
class Study:
    path: Path
    ids: dict[str, str] = field(default_factory=dict)  # O1, S1, K1, K2, PA, PB -> interview id
    identifying: list[str] = field(default_factory=list)  # every value that must not leave in an anonymised export
    fieldworkers: tuple[str, ...] = ("李研究", "赵调研")


def _protocol(library: Library, role: str):
    return library.by_role(role)[0]


def build_study(path: Path) -> Study:
    study = Study(path)
    with Store(path, user="李研究", clock=ticking_clock()) as store:
        library = load_library(store)
        store.add_community("A", "A社区")
        store.add_community("B", "B社区")
        store.add_community("C", "清源社区")
        official, street, cadre = (_protocol(library, r) for r in ("official", "street_staff", "cadre"))
        profile = _protocol(library, "profile")

        def interview(key: str, protocol, community: str, fieldworker: str, answers: dict, **extra) -> str:
            store.user = fieldworker
            interview_id = store.start_interview(protocol.sha256, community_id=community, fieldworker=fieldworker)
            for name, value in answers.items():
                store.save_answer(interview_id, name, value)
            for name, marker in extra.get("markers", {}).items():
                store.save_answer(interview_id, name, marker=marker)
            for name, note in extra.get("notes", {}).items():
                store.save_answer(interview_id, name, note=note)
            for name, seconds in extra.get("seconds", {}).items():
                store.add_question_time(interview_id, name, seconds)
            study.ids[key] = interview_id
            return interview_id

        o1 = interview(
            "O1",
            official,
            "A",
            "李研究",
            {
                "consent": "yes",
                "consent_record": "yes",
                "resp_name": "王建国",
                "resp_organisation": "成都市民政局基层政权处",
                "resp_position": "基层政权处副处长",
                "resp_tenure_years": 6,
                "resp_gender": "male",
                "resp_case": "A",
                "interview_place": "市民政局三楼会议室",
                "interview_date": "2021-03-02",
                "interview_start_time": "10:00",
                "resp_phone": "13800138000",
                "act_party_structure": "产业功能区综合党委每季度至少召开一次党建联席会议，王建国同志牵头协调管委会、属地街道和园区企业。",
                "act_market_role": "平台公司负责园区道路和人才公寓建设，企业参与服务供给。",
                "act_actors_involved": ["party", "street"],
                "fac_industry_type": "种业园区需要大量土地建设实验田和种质资源库，社区营造首先要储备空间。",
                "scn_service": "安居和看病是员工最关心的，人才住房正在建设。",
                "scn_innovation_governance": "创业创新场景主要是孵化器。",
                "scn_governance": "融合治理还在摸索。",
                "pol_num_communities": 7,
                "close_additional": "=SUM(A1) 不是公式，只是受访者的原话",
                "close_referrals": "建议访谈西园街道的陈志明主任，电话13911112222",
            },
            markers={"fac_environment": "refused"},
            notes={"act_gov_mobilisation": "受访者提到清源社区的做法\x0b值得跟进"},
            seconds={"act_party_structure": 95.0, "act_market_role": 40.0},
        )
        store.finalize(o1)
        store.set_status(o1, "approved")

        interview(
            "S1",
            street,
            "A",
            "赵调研",
            {
                "consent": "yes",
                "resp_name": "李强",
                "resp_position": "L街道党工委委员",
                "resp_phone": "02888886666",
                "st_area_party_committee": "片区综合党委由L街道党工委班子成员任书记，A社区、F社区、H村和M村党组织负责人任委员。",
                "res_collective_assets": "资产资源管理合作社统一调配资金和资源，集体土地流转给园区开发公司。",
            },
            markers={"lab_dispute_count": "dont_know"},
            notes={"st_area_party_committee": "现场看了党委架构图"},
        )

        k1 = interview(
            "K1",
            cadre,
            "B",
            "赵调研",
            {
                "consent": "yes",
                "resp_name": "张丽",
                "resp_organisation": "高新西区西园街道第五院落工作站",
                "resp_position": "工作站站长",
                "resp_phone": "13912345678",
                "interview_date": "2021-04-08",
                "cad_staff_count": 12,
                "srv_targeted": "心理驿站为流水线员工提供免费的矛盾调解、心理咨询和法律咨询。",
                "srv_top_needs": ["housing", "health"],
                "par_autonomy_orgs": "从员工中选举楼层长、楼栋长、院落长，三长队伍收集居民需求、组织院落活动。",
                "case_enterprise_engagement": "京东方和华为参与社区建设，企业老总兼任社区党委委员。",
                "sp_smart": "华为5G信号在院落免费全覆盖。",
            },
        )
        store.finalize(k1)

        k2 = interview("K2", cadre, "C", "李研究", {"consent": "no"})
        store.finalize(k2, outcome="consent_refused")

        pa = interview(
            "PA",
            profile,
            "A",
            "李研究",
            {
                "case_letter": "A",
                "case_name": "A社区",
                "city_district": "成都市邛崃市",
                "street_town": "L街道",
                "founded_date": "2020-06-01",
                "construction_mode": "cluster",
                "unit_type": "community",
                "industry_type": "agri_seed",
                "park_name": "天府现代种业园",
                "park_planned_area": 100,
                "area_km2": 2.85,
                "resident_groups": 17,
                "pop_resident": 6338,
                "pop_managed": 10000,
                "pop_groups": ["local_residents"],
                "infra_stage": "building",
                "governing_body": "residents_committee",
                "social_network": "partial_acquaintance",
                "gov_mobilises": "market",
                "practices": "“3T”模式：ROT、BOT、COT",
            },
        )
        store.finalize(pa)
        pb = interview(
            "PB",
            profile,
            "B",
            "赵调研",
            {
                "case_letter": "B",
                "case_name": "B社区",
                "city_district": "成都市高新区",
                "street_town": "高新西区西园街道",
                "construction_mode": "cluster",
                "unit_type": "community",
                "industry_type": "electronics",
                "leading_enterprises": "京东方（BOE）柔性屏生产线、华为5G技术研究所",
                "enterprise_count": 150,
                "area_km2": 6,
                "pop_resident": 0,
                "pop_registered": 0,
                "pop_floating": 70000,
                "pop_groups": ["industrial_workers"],
                "dorm_courtyards": 3,
                "infra_stage": "complete",
                "governing_body": "workstation",
                "self_gov_orgs": ["three_chiefs", "volunteers"],
                "social_network": "strangers",
                "gov_mobilises": "residents",
            },
        )
        store.finalize(pb)

        # every value an anonymised export must not contain, read back through the core API
        for key in ("O1", "S1", "K1", "K2"):
            interview_id = study.ids[key]
            protocol = store.protocol(store.interview(interview_id).protocol_sha256)
            for name, answer in store.answers(interview_id).items():
                if protocol.question(name).identifying and answer.value:
                    study.identifying.append(str(answer.value))
        study.identifying += [*list(study.fieldworkers), "清源社区"]

        # a researcher reviews the protocol's suggestions: every one accepted, so the reading sheets
        # have whole answers as evidence (the coding tests code passages of their own)
        store.user = "陈研究员"
        book = research_codebook(store, library.codebook)
        for key in ("O1", "S1", "K1"):
            accept_all(store, book, study.ids[key])
    return study


# -- reading an exported workbook back, as a researcher reads it --------------------------------


def table(sheet) -> list[dict]:
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def about(sheet) -> dict[str, list]:
    found: dict[str, list] = {}
    for item, details in sheet.iter_rows(min_row=2, values_only=True):
        found.setdefault(item, []).append(details)
    return found


def row_of(rows: list[dict], column: str, value) -> dict:
    matches = [r for r in rows if r[column] == value]
    assert len(matches) == 1, (column, value, [r[column] for r in rows])
    return matches[0]


def short(study: Study, key: str) -> str:
    return study.ids[key].replace("-", "")[:8]

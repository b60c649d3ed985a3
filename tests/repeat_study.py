"""A small protocol with a repeat ("for each organisation in the community…"), for the tests of what
review and coding do with repeat groups: codes on a repeated question, codes on its choices, a
required repeated question and a text question asked once."""

from __future__ import annotations

from pathlib import Path

from yingzao.core.forms.engine import InterviewSession
from yingzao.core.forms.loader import load_protocol_workbook
from yingzao.core.forms.protocol import Protocol
from yingzao.core.store.database import Store

from tests.forms import write_xlsform

ORGS_FORM = """
| survey |
| | type | name | label::中文 (zh) | label::English (en) | required | codes | identifying |
| | begin_group | about | 社区概况 | The community | | | |
| | text | intro | 请介绍一下社区的情况。 | Tell me about the community. | | DIM.SPACE | no |
| | end_group | | | | | | |
| | begin_group | orgs_part | 社区组织 | Organisations | | | |
| | begin_repeat | orgs | 各个组织 | Each organisation | | | |
| | text | org_name | 组织名称？ | Organisation's name? | yes | | no |
| | select_one kind | org_kind | 组织类型？ | Kind of organisation? | | | |
| | text | org_story | 这个组织做了什么？ | What has it done? | | DIM.SUBJECT | no |
| | end_repeat | | | | | | |
| | end_group | | | | | | |
| | begin_group | close | 结束 | Closing | | | |
| | text | closing | 还有什么要补充的？ | Anything to add? | | | no |
| | end_group | | | | | | |
| choices |
| | list_name | name | label::中文 (zh) | label::English (en) | codes |
| | kind | gov | 街道办事处 | Street office | ACT.GOV |
| | kind | firm | 企业 | Firm | ACT.MARKET |
| settings |
| | form_id | version |
| | orgs_form | 1 |
"""


def add_orgs_protocol(store: Store, folder: Path) -> Protocol:
    protocol, workbook = load_protocol_workbook(write_xlsform(folder / "orgs_form.xlsx", ORGS_FORM))
    store.add_protocol(protocol, workbook)
    return protocol


def orgs_interview(
    store: Store, protocol: Protocol, organisations: list[dict[str, str]], *, community_id: str | None = None
) -> tuple[str, list[str]]:
    """An interview whose repeat holds one instance per dict (question name -> answer), filled as
    the interview screen does; returns (interview id, instance ids in order)."""
    interview_id = store.start_interview(protocol.sha256, community_id=community_id)
    session = InterviewSession(store, interview_id)
    made = []
    for answers in organisations:
        instance = session.add_instance("orgs")
        made.append(instance)
        for name, value in answers.items():
            if name.endswith(":note"):
                session.set_note(f"{name[: -len(':note')]}#{instance}", value)
            else:
                session.set_value(f"{name}#{instance}", value)
    return interview_id, made

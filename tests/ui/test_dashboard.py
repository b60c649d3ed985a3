"""The progress dashboard: the painted chart and coverage grid show the core's numbers."""

from __future__ import annotations

from yingzao.core.forms.library import load_library
from yingzao.ui.dashboard import DashboardView
from yingzao.ui.i18n import Translator


def test_the_dashboard_counts_and_shows_the_gaps(qtbot, library_store):
    store, _ = library_store
    library = load_library(store)
    store.add_community("A", "A社区")
    store.add_community("B", "B社区")
    protocol = library.by_role("cadre")[0]
    org = next(q.name for q in protocol.answerable if "DIM.ORG" in q.codes and q.type == "text")
    done = store.start_interview(protocol.sha256, community_id="A")
    store.save_answer(done, org, "三级综合党委")
    store.finalize(done)
    store.start_interview(protocol.sha256, community_id="B")
    tr = Translator("zh")
    view = DashboardView(store, library.codebook, tr)
    qtbot.addWidget(view)
    view.resize(1280, 800)
    with qtbot.waitSignal(view.refreshed, timeout=10_000):
        view.show()
    assert view.chart.lines == [
        ("A社区", "社区干部", {"draft": 0, "completed": 1, "approved": 0, "rejected": 0}),
        ("B社区", "社区干部", {"draft": 1, "completed": 0, "approved": 0, "rejected": 0}),
    ]
    grid = view.grid
    assert grid.rows == ["A社区", "B社区"] and len(grid.columns) == 12 and grid.columns[0] == "组织创新"
    assert [f for f, _ in grid.families] == ["营造维度", "动力机制", "精细化治理影响因素"]
    assert grid.cell_text(0, 0) == "1" and grid.cell_text(1, 0) == "—"
    assert "B社区 尚无证据：组织创新、空间环境建设" in view.gaps.text()
    assert not view.grab().isNull()  # paints without error
    tr.set_language("en")
    assert grid.columns[0] == "Organisational innovation" and "B社区 has no evidence yet for" in view.gaps.text()
    assert view.chart.lines[0][1] == "Community cadre"
    with qtbot.waitSignal(view.refreshed, timeout=10_000):
        view.refresh_button.click()
    view.shutdown()

"""The command line's `forms` command: a team's own XLSForms added to a database, listed, removed.
main.py parses the arguments and hands them here; the work is the core's (core/forms/added.py)."""

from __future__ import annotations

import argparse
import sys


def forms(args: argparse.Namespace) -> int:
    from yingzao.core import paths
    from yingzao.core.errors import Text, YingzaoError
    from yingzao.core.forms import added
    from yingzao.core.forms.check import summary
    from yingzao.core.store.database import Store

    db = args.forms_db or args.db or paths.default_database()
    step = args.forms_command
    failed = False
    try:
        with Store(db, read_only=step == "list") as store:
            if step == "add":
                for path in args.paths:
                    try:
                        form, warnings = added.add_form(store, path)
                    except YingzaoError as error:  # a FormError lists every problem at its place
                        failed = True
                        for problem in getattr(error, "problems", []) or [error]:
                            print(str(problem), file=sys.stderr)
                        continue
                    for line in summary(store.protocol(form.sha256)):
                        print(line)
                    for warning in warnings:
                        print(str(Text("  警告：", "  warning: ")) + str(warning))
                    print(
                        Text(
                            f"  已添加：新访谈可以选用“{form.title}”。",
                            f"  added: new interviews can use “{form.title}”.",
                        )
                    )
            elif step == "list":
                listed = added.added_forms(store)
                if not listed:
                    print(Text("这个数据库没有添加自己的访谈提纲。", "This database has no forms of its own added."))
                for form in listed:
                    print(f"{form.form_id}\t{form.version or '—'}\t{form.title}\t{form.source_name}")
            elif step == "remove":
                if added.remove_form(store, args.form_id):
                    print(
                        Text(
                            f"已不再提供 {args.form_id}；用它做过的访谈保持不变。",
                            f"{args.form_id} is no longer offered; the interviews taken with it are kept as they are.",
                        )
                    )
                else:
                    print(
                        Text(
                            f"没有添加过 id 为 {args.form_id} 的访谈提纲（python main.py forms list 列出已添加的）。",
                            f"No form with id {args.form_id} was added (python main.py forms list shows those added).",
                        ),
                        file=sys.stderr,
                    )
                    return 2
    except YingzaoError as error:
        print(str(error), file=sys.stderr)
        return 2
    return 2 if failed else 0

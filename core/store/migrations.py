"""Schema versions of the database, applied in order on open, all in one transaction.

Each migration is a list of SQL statements; `PRAGMA user_version` records how far a file has come.
Append new migrations to the end; never edit one that has shipped.
"""

from __future__ import annotations

APPLICATION_ID = 0x597A3031  # "Yz01": marks a SQLite file as Yingzao's

MIGRATIONS: list[list[str]] = [
    # 1: settings, protocols, communities, interviews, answers, audit log
    [
        """CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT
        )""",
        """CREATE TABLE protocols (
            sha256 TEXT PRIMARY KEY,
            form_id TEXT NOT NULL,
            version TEXT NOT NULL,
            role TEXT NOT NULL,
            title TEXT NOT NULL,
            source_name TEXT NOT NULL,
            definition TEXT NOT NULL,       -- the parsed Protocol as JSON
            workbook BLOB,                  -- the exact .xlsx it was parsed from
            loaded_at TEXT NOT NULL
        )""",
        "CREATE INDEX protocols_form ON protocols(form_id, version)",
        """CREATE TABLE communities (
            id TEXT PRIMARY KEY,            -- case letter as the paper uses it: A, B, ...
            name TEXT NOT NULL,
            created_at TEXT NOT NULL
        )""",
        """CREATE TABLE interviews (
            id TEXT PRIMARY KEY,            -- UUID
            protocol_sha256 TEXT NOT NULL REFERENCES protocols(sha256),
            protocol_id TEXT NOT NULL,
            protocol_version TEXT NOT NULL,
            respondent_role TEXT NOT NULL,
            community_id TEXT REFERENCES communities(id),
            fieldworker TEXT NOT NULL,
            device_id TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'draft',
            started_at TEXT NOT NULL,
            ended_at TEXT,
            updated_at TEXT NOT NULL,
            last_question TEXT
        )""",
        "CREATE INDEX interviews_status ON interviews(status, updated_at)",
        "CREATE INDEX interviews_community ON interviews(community_id, respondent_role)",
        """CREATE TABLE answers (
            interview_id TEXT NOT NULL REFERENCES interviews(id),
            question TEXT NOT NULL,
            value,                          -- no declared type: keeps TEXT, INTEGER and REAL as given
            marker TEXT CHECK (marker IN ('skipped', 'refused', 'dont_know')),
            note TEXT,
            updated_at TEXT NOT NULL,
            updated_by TEXT NOT NULL,
            PRIMARY KEY (interview_id, question)
        ) WITHOUT ROWID""",
        """CREATE TABLE audit (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            user TEXT NOT NULL,
            device_id TEXT NOT NULL,
            interview_id TEXT NOT NULL,
            question TEXT,                  -- NULL for changes to the interview itself
            field TEXT NOT NULL,            -- value, marker, note, status, created, ...
            old,
            new
        )""",
        "CREATE INDEX audit_interview ON audit(interview_id, id)",
        # The audit log is append-only: the database itself refuses edits and deletions.
        """CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
           BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
        """CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
           BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    ],
    # 2: paradata (time spent on each question) and the outcome of an interview
    [
        """CREATE TABLE paradata (
            interview_id TEXT NOT NULL REFERENCES interviews(id),
            question TEXT NOT NULL,
            seconds REAL NOT NULL DEFAULT 0,   -- time the question had the focus, summed over visits
            visits INTEGER NOT NULL DEFAULT 0,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (interview_id, question)
        ) WITHOUT ROWID""",
        "ALTER TABLE interviews ADD COLUMN outcome TEXT",  # NULL, or 'consent_refused'
        # share of relevant questions answered, kept by the interview screen for fast listing
        "ALTER TABLE interviews ADD COLUMN progress INTEGER NOT NULL DEFAULT 0",
    ],
    # 3: session packages, merge provenance and conflicts (see docs/package-format.md, core/merge.py)
    [
        """CREATE TABLE IF NOT EXISTS packages (
            id TEXT PRIMARY KEY,            -- SHA-256 of the package's manifest.json
            file_name TEXT NOT NULL,
            kind TEXT NOT NULL,
            format_version INTEGER NOT NULL,
            app_version TEXT NOT NULL,
            device_id TEXT NOT NULL,        -- the laptop that made it
            fieldworker TEXT NOT NULL,
            created_at TEXT NOT NULL,
            merged_at TEXT NOT NULL,
            merged_by TEXT NOT NULL,
            report TEXT NOT NULL            -- this package's line of the merge report, as JSON
        )""",
        """CREATE TABLE IF NOT EXISTS interview_sources (
            interview_id TEXT NOT NULL,
            package_id TEXT NOT NULL REFERENCES packages(id),
            device_id TEXT NOT NULL,
            content_sha256 TEXT NOT NULL,   -- the version of the interview this package carried
            outcome TEXT NOT NULL,          -- added, updated, duplicate, older, conflict
            merged_at TEXT NOT NULL,
            PRIMARY KEY (interview_id, package_id)
        ) WITHOUT ROWID""",
        "CREATE INDEX IF NOT EXISTS interview_sources_hash ON interview_sources(interview_id, content_sha256)",
        """CREATE TABLE IF NOT EXISTS conflicts (
            interview_id TEXT PRIMARY KEY,
            status TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
            opened_at TEXT NOT NULL,
            resolved_at TEXT,
            resolved_by TEXT,
            resolution TEXT                 -- JSON: what the researcher chose
        )""",
        # every version of a conflicted interview, whole, so nothing is lost whichever is chosen
        """CREATE TABLE IF NOT EXISTS conflict_versions (
            interview_id TEXT NOT NULL,
            content_sha256 TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('open', 'set_aside')),
            data TEXT NOT NULL,             -- the version as JSON: interview, answers, audit, paradata
            added_at TEXT NOT NULL,
            PRIMARY KEY (interview_id, content_sha256)
        ) WITHOUT ROWID""",
        """CREATE TABLE IF NOT EXISTS exports (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            user TEXT NOT NULL,
            file_name TEXT NOT NULL,
            package_id TEXT NOT NULL,
            selection TEXT NOT NULL,        -- 'changed' or 'all'
            audit_high INTEGER NOT NULL,    -- highest audit id when packed: later rows = changed since
            interviews INTEGER NOT NULL
        )""",
    ],
    # 4: supervisor review — comments, review packages sent back, data-quality flags (core/review.py)
    [
        # A comment is also an audit row (field 'comment', see core/review.py), so it travels with the
        # interview's content hash; this table is what the screens read, keyed by a uuid that is the
        # same on every laptop.
        """CREATE TABLE IF NOT EXISTS comments (
            id TEXT PRIMARY KEY,            -- UUID, stable across databases
            interview_id TEXT NOT NULL,
            question TEXT,                  -- NULL: on the whole interview
            parent_id TEXT,                 -- NULL, or the comment this one replies to
            author TEXT NOT NULL,
            author_role TEXT NOT NULL,
            device_id TEXT NOT NULL,
            at TEXT NOT NULL,
            text TEXT NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS comments_question ON comments(interview_id, question)",
        """CREATE TABLE IF NOT EXISTS review_exports (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            user TEXT NOT NULL,
            file_name TEXT NOT NULL,
            package_id TEXT NOT NULL,
            fieldworker TEXT NOT NULL,      -- '' when every fieldworker's reviews were packed
            selection TEXT NOT NULL,        -- 'reviewed' (since the last review export) or 'all'
            audit_high INTEGER NOT NULL,
            interviews INTEGER NOT NULL
        )""",
        # which interviews each review package carried: a comment on an interview already sent back
        # would not reach the fieldworker and would conflict with the revision (core/review.py)
        """CREATE TABLE IF NOT EXISTS review_export_items (
            export_id INTEGER NOT NULL REFERENCES review_exports(id),
            interview_id TEXT NOT NULL,
            PRIMARY KEY (export_id, interview_id)
        ) WITHOUT ROWID""",
        "CREATE INDEX IF NOT EXISTS review_export_items_interview ON review_export_items(interview_id)",
        # derived, local cache (like interviews.progress): recomputed when the data changed
        """CREATE TABLE IF NOT EXISTS quality_flags (
            interview_id TEXT NOT NULL,
            flag TEXT NOT NULL,
            detail TEXT NOT NULL,           -- JSON: which questions or sections, or the durations
            PRIMARY KEY (interview_id, flag)
        ) WITHOUT ROWID""",
    ],
    # 5: the audit log refuses REPLACE too (an INSERT OR REPLACE deletes the old row without firing
    # the delete trigger), and the database gets an identity of its own, to tell its -wal file from
    # one that does not belong to it (core/store.py); a merged package's device label, so that an
    # export names other laptops as their users named them rather than by id (core/export_data.py)
    [
        """CREATE TRIGGER audit_no_replace BEFORE INSERT ON audit
           WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM audit WHERE id = NEW.id)
           BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
        "INSERT OR IGNORE INTO settings (key, value) VALUES ('database_id', lower(hex(randomblob(16))))",
        "ALTER TABLE packages ADD COLUMN device_label TEXT NOT NULL DEFAULT ''",  # '' : a package without one
    ],
    # 6: the researcher's coding (core/coding/): codes the researcher owns (an overlay on the shipped
    # codebook), codings over spans of answers and notes, memos, decisions on the protocol's suggested
    # codes, their own append-only log, and a full-text index of every answer and note.
    # Offsets are in Unicode code points of the answer's stored text (or its note).
    [
        # a code the researcher added or changed; shipped codes without a row here are as shipped
        """CREATE TABLE IF NOT EXISTS codes (
            id TEXT PRIMARY KEY,
            family TEXT NOT NULL,
            parent TEXT NOT NULL DEFAULT '',
            label_zh TEXT NOT NULL,
            label_en TEXT NOT NULL,
            definition_zh TEXT NOT NULL DEFAULT '',
            definition_en TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT '',  -- '', 'unrecovered', 'retired'
            colour TEXT NOT NULL DEFAULT '',  -- '#rrggbb' or '' (the family's)
            updated_at TEXT NOT NULL,
            updated_by TEXT NOT NULL,
            device_id TEXT NOT NULL
        ) WITHOUT ROWID""",
        # a code merged into another: its codings moved, its id still resolves
        """CREATE TABLE IF NOT EXISTS code_aliases (
            alias TEXT PRIMARY KEY,
            code TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            updated_by TEXT NOT NULL,
            device_id TEXT NOT NULL
        ) WITHOUT ROWID""",
        """CREATE TABLE IF NOT EXISTS codings (
            id TEXT PRIMARY KEY,            -- UUID, the same on every laptop
            interview_id TEXT NOT NULL,
            question TEXT NOT NULL,
            target TEXT NOT NULL CHECK (target IN ('answer', 'note')),
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            quote TEXT NOT NULL,            -- the text as it was coded
            code TEXT NOT NULL,
            coder TEXT NOT NULL,
            origin TEXT NOT NULL CHECK (origin IN ('coded', 'suggestion')),
            memo TEXT NOT NULL DEFAULT '',
            pinned INTEGER NOT NULL DEFAULT 0,        -- a key quote
            pinned_for TEXT NOT NULL DEFAULT '',      -- '' or the community of the cell it is key for
            state TEXT NOT NULL CHECK (state IN ('live', 'deleted')),
            anchor TEXT NOT NULL DEFAULT 'ok' CHECK (anchor IN ('ok', 'check', 'text_changed')),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            updated_by TEXT NOT NULL,
            device_id TEXT NOT NULL
        ) WITHOUT ROWID""",
        "CREATE INDEX IF NOT EXISTS codings_answer ON codings(interview_id, question, target)",
        # live codings by code: a matrix query reads only this index (`state` is in it too, or SQLite
        # would read each row to check it: 10x slower at 300,000 codings)
        "CREATE INDEX IF NOT EXISTS codings_code ON codings(code, interview_id, coder, state) WHERE state = 'live'",
        "CREATE INDEX IF NOT EXISTS codings_anchor ON codings(anchor) WHERE anchor <> 'ok'",
        """CREATE TABLE IF NOT EXISTS memos (
            id TEXT PRIMARY KEY,            -- UUID
            about TEXT NOT NULL CHECK (about IN ('code', 'interview', 'community', 'coding')),
            about_id TEXT NOT NULL,
            text TEXT NOT NULL,
            author TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('live', 'deleted')),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            updated_by TEXT NOT NULL,
            device_id TEXT NOT NULL
        ) WITHOUT ROWID""",
        "CREATE INDEX IF NOT EXISTS memos_about ON memos(about, about_id)",
        # a researcher's decision on a code the protocol suggests for an answer: accepting makes a
        # coding (origin 'suggestion'); rejecting is recorded here so it is not suggested again
        """CREATE TABLE IF NOT EXISTS suggestion_decisions (
            interview_id TEXT NOT NULL,
            question TEXT NOT NULL,
            code TEXT NOT NULL,
            decision TEXT NOT NULL CHECK (decision IN ('rejected', 'open')),
            updated_at TEXT NOT NULL,
            updated_by TEXT NOT NULL,
            device_id TEXT NOT NULL,
            PRIMARY KEY (interview_id, question, code)
        ) WITHOUT ROWID""",
        """CREATE TABLE IF NOT EXISTS coding_audit (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            user TEXT NOT NULL,
            device_id TEXT NOT NULL,
            kind TEXT NOT NULL,             -- code, alias, coding, memo, decision
            record_id TEXT NOT NULL,
            action TEXT NOT NULL,           -- created, changed, deleted, merged (from a package), ...
            old TEXT,                       -- the record before, as JSON
            new TEXT                        -- the record after, as JSON
        )""",
        "CREATE INDEX IF NOT EXISTS coding_audit_record ON coding_audit(kind, record_id, id)",
        """CREATE TRIGGER coding_audit_no_update BEFORE UPDATE ON coding_audit
           BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
        """CREATE TRIGGER coding_audit_no_delete BEFORE DELETE ON coding_audit
           BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
        """CREATE TRIGGER coding_audit_no_replace BEFORE INSERT ON coding_audit
           WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM coding_audit WHERE id = NEW.id)
           BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
        # every answer's and note's text, kept by triggers whatever writes the answers (an edit, a
        # merge, a conflict resolution), indexed by FTS5 with the trigram tokenizer: Chinese has no
        # spaces, and trigrams find 议事会 inside 居民议事会制度. The migration's last statement fills
        # it from the answers a database already holds.
        """CREATE TABLE IF NOT EXISTS search_text (
            id INTEGER PRIMARY KEY,
            interview_id TEXT NOT NULL,
            question TEXT NOT NULL,
            target TEXT NOT NULL,
            text TEXT NOT NULL,
            UNIQUE (interview_id, question, target)
        )""",
        "CREATE VIRTUAL TABLE IF NOT EXISTS search_text_fts USING fts5(text, content='search_text',"
        " content_rowid='id', tokenize='trigram')",
        # the index is brought up to date from this journal before each search (core/coding/search.py):
        # with trusted_schema off, as every connection here runs, a trigger may not write a virtual table
        """CREATE TABLE IF NOT EXISTS search_pending (
            seq INTEGER PRIMARY KEY,
            op TEXT NOT NULL CHECK (op IN ('insert', 'delete')),
            row_id INTEGER NOT NULL,
            text TEXT NOT NULL
        )""",
        """CREATE TRIGGER search_text_ai AFTER INSERT ON search_text BEGIN
             INSERT INTO search_pending (op, row_id, text) VALUES ('insert', new.id, new.text);
           END""",
        """CREATE TRIGGER search_text_ad AFTER DELETE ON search_text BEGIN
             INSERT INTO search_pending (op, row_id, text) VALUES ('delete', old.id, old.text);
           END""",
        # an INSERT OR REPLACE of an answer fires no delete trigger: the insert trigger clears first
        """CREATE TRIGGER answers_text_ai AFTER INSERT ON answers BEGIN
             DELETE FROM search_text WHERE interview_id = new.interview_id AND question = new.question;
             INSERT INTO search_text (interview_id, question, target, text)
               SELECT new.interview_id, new.question, 'answer', new.value
               WHERE typeof(new.value) = 'text' AND new.value <> '';
             INSERT INTO search_text (interview_id, question, target, text)
               SELECT new.interview_id, new.question, 'note', new.note
               WHERE typeof(new.note) = 'text' AND new.note <> '';
             UPDATE codings SET anchor = 'check'
               WHERE interview_id = new.interview_id AND question = new.question AND anchor = 'ok';
           END""",
        """CREATE TRIGGER answers_text_au AFTER UPDATE ON answers
           WHEN old.value IS NOT new.value OR old.note IS NOT new.note BEGIN
             DELETE FROM search_text WHERE interview_id = new.interview_id AND question = new.question;
             INSERT INTO search_text (interview_id, question, target, text)
               SELECT new.interview_id, new.question, 'answer', new.value
               WHERE typeof(new.value) = 'text' AND new.value <> '';
             INSERT INTO search_text (interview_id, question, target, text)
               SELECT new.interview_id, new.question, 'note', new.note
               WHERE typeof(new.note) = 'text' AND new.note <> '';
             UPDATE codings SET anchor = 'check'
               WHERE interview_id = new.interview_id AND question = new.question AND anchor = 'ok';
           END""",
        """CREATE TRIGGER answers_text_ad AFTER DELETE ON answers BEGIN
             DELETE FROM search_text WHERE interview_id = old.interview_id AND question = old.question;
             UPDATE codings SET anchor = 'check'
               WHERE interview_id = old.interview_id AND question = old.question AND anchor = 'ok';
           END""",
        """INSERT INTO search_text (interview_id, question, target, text)
           SELECT interview_id, question, 'answer', value FROM answers WHERE typeof(value) = 'text' AND value <> ''
           UNION ALL
           SELECT interview_id, question, 'note', note FROM answers WHERE typeof(note) = 'text' AND note <> ''""",
    ],
    # 7: pseudonyms — the researcher's anonymisation table (core/anonymity/table.py): a real term and
    # what an anonymised export shows instead ('replace'), a term reviewed and kept ('allow': the
    # allow-list), or a decision taken back ('removed', kept so a merge cannot bring the old one back).
    # One row per term; a merge keeps the latest decision (core/exchange/pseudonyms.py).
    [
        """CREATE TABLE IF NOT EXISTS pseudonyms (
            term TEXT PRIMARY KEY,
            decision TEXT NOT NULL CHECK (decision IN ('replace', 'allow', 'removed')),
            replacement TEXT NOT NULL DEFAULT '',
            category TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL,
            updated_by TEXT NOT NULL,
            device_id TEXT NOT NULL
        ) WITHOUT ROWID""",
    ],
    # 8: who may do what (core/security/): the devices a project database has seen sign packages, with
    # the researcher's decision on each; packages held until their device is accepted (their verified
    # content, decrypted: they are kept only in the master that holds the project key); and the
    # signatures of supervisors' review decisions and comments, one per audit row, which travel with
    # the interviews so that every database can check them (core/review/signatures.py).
    [
        """CREATE TABLE IF NOT EXISTS devices (
            device_id TEXT PRIMARY KEY,
            signing_key TEXT NOT NULL,          -- base64 Ed25519 public key: the device's identity
            recipient TEXT NOT NULL,            -- age X25519 recipient: review packages are encrypted to it
            fingerprint TEXT NOT NULL,
            fieldworker TEXT NOT NULL DEFAULT '',
            device_label TEXT NOT NULL DEFAULT '',
            state TEXT NOT NULL CHECK (state IN ('pending', 'accepted', 'refused')),
            first_seen TEXT NOT NULL,
            decided_at TEXT,
            decided_by TEXT
        ) WITHOUT ROWID""",
        """CREATE TABLE IF NOT EXISTS held_packages (
            package_id TEXT PRIMARY KEY,        -- SHA-256 of the package's manifest
            device_id TEXT NOT NULL REFERENCES devices(device_id),
            file_name TEXT NOT NULL,
            received_at TEXT NOT NULL,
            content BLOB NOT NULL               -- the package as its device signed it, decrypted
        )""",
        "CREATE INDEX IF NOT EXISTS held_packages_device ON held_packages(device_id)",
        """CREATE TABLE IF NOT EXISTS review_signatures (
            row_sha256 TEXT PRIMARY KEY,        -- SHA-256 of the canonical audit row it signs
            interview_id TEXT NOT NULL,
            signer TEXT NOT NULL,               -- base64 Ed25519 public key of a supervisor
            signature TEXT NOT NULL
        ) WITHOUT ROWID""",
        "CREATE INDEX IF NOT EXISTS review_signatures_interview ON review_signatures(interview_id)",
    ],
    # 9: which communities a coded passage is about (core/coding/codings.py `attribute`): space-separated
    # community ids; '' is not attributed, and counts for every community its interview is credited to.
    # A city official's answer comparing A and B can then be split between them.
    [
        "ALTER TABLE codings ADD COLUMN communities TEXT NOT NULL DEFAULT ''",
    ],
    # 10: the attributed codings, few among hundreds of thousands, found without reading the others: a
    # matrix by community narrows their counts to the communities they are about (core/coding/matrix.py).
    [
        "CREATE INDEX IF NOT EXISTS codings_attributed ON codings(interview_id) WHERE communities <> ''",
    ],
    # 11: each searchable text's last two characters: a search for two characters finds, through the
    # trigram index, every text where they begin a trigram, and through this one those ending with them
    # (core/store/codings.py `fts_two_characters`), instead of reading every text.
    [
        "CREATE INDEX IF NOT EXISTS search_text_ending ON search_text(substr(text, -2))",
    ],
]

LATEST = len(MIGRATIONS)

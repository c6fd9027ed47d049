"""What init_db makes for the agents' queue: its indexes and the counting triggers.

Counting a million rows by type and state on every queue page would cost as much as
the table is large. Instead the table `dossier_count` holds the counts, and triggers
on `dossier` keep it exact: whatever code creates a dossier or changes its state
(submission, expiry, agent transitions, schedules, a bulk load in SQL), the database
adds and subtracts in the same transaction. An UPDATE touches the two counters in
the order of their (type, state) keys, so two transactions moving dossiers between
the same two states both ways cannot deadlock. Here rather than in storage/queue
because init_db (storage/orm/db.py) makes them, and storage/queue reads through db.py.
"""

from __future__ import annotations

from pony.orm import Database

# A message that is an applicant's reply no agent has seen (storage/queue/listing.py
# reads these terms, exactly, so the database uses the partial index below)
UNSEEN_REPLY = "unseen_since IS NOT NULL"

# Indexes the queue reads through (name, table, columns, and the rows a partial index
# holds: its WHERE clause, "" for every row).
QUEUE_INDEXES: tuple[tuple[str, str, str, str], ...] = (
    ("ix_dossier_queue", "dossier", "type_id, status, id", ""),
    ("ix_dossier_search_word", "dossier_search_word", "word, dossier_id", ""),
    ("ix_dossier_assigned", "dossier", "assigned_agent_id, id", ""),  # "attribués à moi"
    # the applicants' replies no agent has seen (storage/queue/listing.py UNSEEN): few
    # rows among every message, counted on every queue page
    ("ix_message_unseen_reply", "message", "dossier_id", UNSEEN_REPLY),
)

_TRIGGERS = ("dossier_count_insert", "dossier_count_update", "dossier_count_delete")

_SQLITE_ADD = ('INSERT INTO dossier_count (type_id, status, n) VALUES ({row}.type_id, '
               '{row}.status, 1) ON CONFLICT (type_id, status) DO UPDATE SET n = n + 1;')
_SQLITE_SUB = ("UPDATE dossier_count SET n = n - 1 "
               "WHERE type_id = {row}.type_id AND status = {row}.status;")
_SQLITE = (
    "CREATE TRIGGER dossier_count_insert AFTER INSERT ON dossier BEGIN "
    + _SQLITE_ADD.format(row="NEW") + " END",
    "CREATE TRIGGER dossier_count_update AFTER UPDATE OF type_id, status ON dossier "
    "WHEN OLD.type_id IS NOT NEW.type_id OR OLD.status IS NOT NEW.status BEGIN "
    + _SQLITE_SUB.format(row="OLD") + " " + _SQLITE_ADD.format(row="NEW") + " END",
    "CREATE TRIGGER dossier_count_delete AFTER DELETE ON dossier BEGIN "
    + _SQLITE_SUB.format(row="OLD") + " END",
)

_POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION guichet_dossier_count() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF OLD.type_id = NEW.type_id AND OLD.status = NEW.status THEN
      RETURN NULL;
    END IF;
    IF (NEW.type_id, NEW.status) < (OLD.type_id, OLD.status) THEN
      INSERT INTO dossier_count (type_id, status, n) VALUES (NEW.type_id, NEW.status, 1)
        ON CONFLICT (type_id, status) DO UPDATE SET n = dossier_count.n + 1;
      UPDATE dossier_count SET n = n - 1
        WHERE type_id = OLD.type_id AND status = OLD.status;
      RETURN NULL;
    END IF;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE dossier_count SET n = n - 1 WHERE type_id = OLD.type_id AND status = OLD.status;
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    INSERT INTO dossier_count (type_id, status, n) VALUES (NEW.type_id, NEW.status, 1)
      ON CONFLICT (type_id, status) DO UPDATE SET n = dossier_count.n + 1;
  END IF;
  RETURN NULL;
END
$f$
"""
_POSTGRES = (
    "CREATE TRIGGER dossier_count_insert AFTER INSERT ON dossier "
    "FOR EACH ROW EXECUTE FUNCTION guichet_dossier_count()",
    "CREATE TRIGGER dossier_count_update AFTER UPDATE OF type_id, status ON dossier "
    "FOR EACH ROW EXECUTE FUNCTION guichet_dossier_count()",
    "CREATE TRIGGER dossier_count_delete AFTER DELETE ON dossier "
    "FOR EACH ROW EXECUTE FUNCTION guichet_dossier_count()",
)

_FILL = ("INSERT INTO dossier_count (type_id, status, n) "
         "SELECT type_id, status, COUNT(*) FROM dossier GROUP BY type_id, status")


def _installed(db: Database, kind: str) -> set[str]:
    """The names of the counting triggers already on `dossier`."""
    cursor = db.get_connection().cursor()
    if kind == "postgres":
        cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = 'dossier'::regclass")
    else:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    return {str(name) for (name,) in cursor.fetchall()} & set(_TRIGGERS)


def install_queue_schema(db: Database, kind: str) -> None:
    """Inside init_db's session and creation lock (`kind`: "sqlite" or "postgres"):
    make the queue's indexes when missing, and when the triggers are not all there
    (a new database, or one made before counting), drop those present, count the
    dossiers already stored into `dossier_count` and create the triggers, in one
    transaction: no dossier is counted twice or missed."""
    for name, table, columns, where in QUEUE_INDEXES:
        db.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ({columns})'
                   + (f" WHERE {where}" if where else ""))
    if len(_installed(db, kind)) == len(_TRIGGERS):
        return
    cursor = db.get_connection().cursor()  # raw: Pony would read `$f$` as a parameter
    for name in _TRIGGERS:
        cursor.execute(f"DROP TRIGGER IF EXISTS {name}"
                       + (" ON dossier" if kind == "postgres" else ""))
    cursor.execute("DELETE FROM dossier_count")
    cursor.execute(_FILL)
    if kind == "postgres":
        cursor.execute(_POSTGRES_FUNCTION)
    for statement in _POSTGRES if kind == "postgres" else _SQLITE:
        cursor.execute(statement)

"""Schedules: what happens to dossiers with time alone (issue 17).

Reminders to drafts before their deadline, `by: schedule` transitions once a dossier
has waited long enough in a state, and the retention purge of personal data. The
background worker runs them every few minutes (`run_schedules`), as does
`guichet schedules run`; each job is done once per dossier, even with several workers
or processes, by a claim row inserted first (claims.py).
"""

from storage.schedules.retention import purge_personal_data
from storage.schedules.runner import ScheduleReport, run_schedules

__all__ = ["ScheduleReport", "purge_personal_data", "run_schedules"]

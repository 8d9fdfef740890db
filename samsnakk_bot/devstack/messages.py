"""What ``samsnakk dev`` tells a developer when it cannot go on: one line, Norwegian and English.

Operator texts for the dev stack only; nothing here reaches a bruker or staff.
"""

from __future__ import annotations

MISSING_EXTRA = (
    "Samsnakk dev trenger {what}, som ikke er installert her: kjør scripts/dev{flag} "
    "(eller pip install -e '.[synapse]'). / "
    "Samsnakk dev needs {what}, which is not installed here: run scripts/dev{flag} "
    "(or pip install -e '.[synapse]')."
)
IN_USE = (
    "{data_dir} er i bruk av en dev-stack som kjører (PID {pid}, {url}); stopp den først. / "
    "{data_dir} is in use by a running dev stack (PID {pid}, {url}); stop it first."
)
OTHER_KIND = (
    "{data_dir} hører til en dev-stack {kind}; velg en annen --data-dir. / "
    "{data_dir} belongs to a dev stack {kind_en}; choose another --data-dir."
)
START_WORKERS_FIRST = (
    "Start stacken først (samsnakk dev --workers --data-dir {data_dir}), og legg til "
    "brukere mens den kjører. / Start the stack first (samsnakk dev --workers --data-dir "
    "{data_dir}), and add users while it runs."
)
USING_RUNNING = "Using the running dev stack (PID {pid}, {url})."

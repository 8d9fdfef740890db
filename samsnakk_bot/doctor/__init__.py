"""``samsnakk doctor``: is a running deployment wired up the way Samsnakk needs it?"""

from samsnakk_bot.doctor.checks import collect, run_doctor
from samsnakk_bot.doctor.report import CheckResult, Status, exit_code, format_report

__all__ = ["CheckResult", "Status", "collect", "exit_code", "format_report", "run_doctor"]

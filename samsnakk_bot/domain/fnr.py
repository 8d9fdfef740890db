"""Norwegian national identity numbers: fødselsnummer and D-nummer, checked and never shown.

Pure. A number is checked and handed back as its 11 digits; nothing here keeps, logs or prints
it, and the problems name what is wrong without repeating the number.

The control digits come from python-stdnum. Its ``validate`` is not used: it also refuses a
birth date in the future and a century its individual-number ranges cannot place, which would
turn away numbers this check has always let through (D104). The date check here is the lenient
one: some century makes the date real.
"""

from __future__ import annotations

import re
from enum import Enum

from stdnum.no.fodselsnummer import calc_check_digit1, calc_check_digit2

# What people put between the date and the personal number: "010190 12345", "010190-12345".
_SEPARATORS = re.compile(r"[\s.\-]")
_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


class FnrProblem(Enum):
    NOT_ELEVEN_DIGITS = "not_eleven_digits"
    NO_SUCH_DATE = "no_such_date"
    BAD_CONTROL_DIGITS = "bad_control_digits"


def with_control_digits(first_nine: str) -> str | None:
    """The whole number for nine digits, or None when no valid number starts with them."""
    # stdnum answers "10" where no single control digit fits.
    k1 = calc_check_digit1(first_nine)
    if len(k1) != 1:
        return None
    k2 = calc_check_digit2(first_nine + k1)
    return None if len(k2) != 1 else f"{first_nine}{k1}{k2}"


def _date_exists(day: int, month: int, two_digit_year: int) -> bool:
    """Some century makes DDMMYY a real date (29 February only in years divisible by 4)."""
    if not 1 <= month <= 12 or day < 1:
        return False
    if month == 2 and day == 29:
        return two_digit_year % 4 == 0
    return day <= _DAYS[month - 1]


def is_d_number(digits: str) -> bool:
    """A D-nummer (for people without a fødselsnummer) has 4 added to its first digit."""
    return digits[0] in "4567"


def parse_fnr(text: str) -> str | FnrProblem:
    """``010190 12345`` → ``"01019012345"`` when the date and both control digits hold."""
    digits = _SEPARATORS.sub("", text)
    if len(digits) != 11 or not (digits.isascii() and digits.isdigit()):
        return FnrProblem.NOT_ELEVEN_DIGITS
    day, month, year = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    if is_d_number(digits):
        day -= 40
    if not _date_exists(day, month, year):
        return FnrProblem.NO_SUCH_DATE
    if with_control_digits(digits[:9]) != digits:
        return FnrProblem.BAD_CONTROL_DIGITS
    return digits

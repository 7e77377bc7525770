"""Variable substitution (VarSubstitutionInterceptor, #9): the variables a job sees, in
the reference's precedence, and their values put into its code (CustomVariableUtils.scala,
VariableUtils.scala:100-449). docs/reference/linkis-interceptors.md §8.

Every failure is one of three kinds, as the entrance tells them apart when it reports
them (§8.9): a coded `VariableError` (Linkis' LinkisCommonErrorException), a
`java.JavaError` (NumberFormatException, ParseException, ...), or an
`operations.OperationFailedError` from `&{...}`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Context, Decimal, DivisionByZero, InvalidOperation, localcontext
from typing import Protocol

from linkis_mock.sim.linkis.interceptors import dates, java, operations
from linkis_mock.sim.linkis.interceptors.dates import CodedVariableError as VariableError
from linkis_mock.sim.linkis.interceptors.dates import HourValue, Moment
from linkis_mock.sim.linkis.interceptors.languages import (
    JAVA,
    JSON,
    PYTHON,
    SCALA,
    SHELL,
    SQL,
    language_of,
)
from linkis_mock.sim.linkis.messages import (
    EXPRESSION_NOT_RIGHT,
    OPERATOR_NOT_SUPPORTED,
    SET_LINE_AMBIGUOUS,
    SET_LINE_INCOMPLETE,
    VARIABLE_IS_NULL,
)

__all__ = ["VariableError", "substitute"]

RUN_DATE, RUN_TODAY_H, RUN_TODAY_HOUR = "run_date", "run_today_h", "run_today_hour"
# `${name}` and `${name <op> operand}` (VariableUtils.scala:48-49), and its parts (:55-56);
# Java's \s is ASCII.
CODE_VARIABLE = re.compile(
    r"\$\{\s*[A-Za-z][A-Za-z0-9_.]*\s*[+\-*/]?\s*[A-Za-z0-9_.]*\s*\}", re.ASCII
)
EXPRESSION = re.compile(r"(\s*[A-Za-z][A-Za-z0-9_.]*\s*)([+\-*/]?)(\s*[A-Za-z0-9_.]*\s*)", re.ASCII)
# A line that defines a variable, anywhere in it (VariableUtils.scala:394-416).
SET_LINE = {
    language: re.compile(rf"\s*{re.escape(prefix)}@set\s*{java.ANY}+\s*", re.ASCII)
    for language, prefix in ((SQL, "--"), (PYTHON, "#"), (SHELL, "#"), (SCALA, "//"), (JAVA, "!!"))
}
HOUR_CLASS = "org.apache.linkis.common.variable.HourType"
VALUE_CLASSES = {
    "NumberValue": "org.apache.linkis.common.variable.BigDecimalValue",
    "TextValue": "org.apache.linkis.common.variable.StringType",
}
DECIMAL128_DIGITS = 34  # scala.math.BigDecimal's default MathContext
LONG_MIN, LONG_MAX = -(2**63), 2**63 - 1


class Value(Protocol):
    def value(self) -> str: ...

    def calculate(self, signal: str, operand: str) -> str: ...


class TextValue:
    """StringType: `+` concatenates."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def value(self) -> str:
        return self.text

    def calculate(self, signal: str, operand: str) -> str:
        if signal != "+":
            raise VariableError(20049, OPERATOR_NOT_SUPPORTED.format("String class", signal))
        return self.text + operand


# A number whose plain text would be longer than this many digits is refused, as the JVM
# runs out of memory writing 10^999999999 (the mock refuses far sooner).
PLAIN_DIGITS_MAX = 1_000_000


def plain(number: Decimal) -> str:
    """How BigDecimalValue writes a number: a whole one within a long as an integer, any
    other with toPlainString."""
    exponent = number.as_tuple().exponent
    if (
        not isinstance(exponent, int)
        or max(abs(exponent), abs(number.adjusted())) > PLAIN_DIGITS_MAX
    ):
        raise java.JavaError("OutOfMemoryError", "Java heap space")
    if number == number.to_integral_value() and LONG_MIN <= int(number) <= LONG_MAX:
        return str(int(number))
    return format(number, "f")


class NumberValue:
    """BigDecimalValue: `+ - * /` in decimal, to 34 significant digits (or as many as the
    number has, scala.math.BigDecimal.exact), half-even."""

    __slots__ = ("number",)

    def __init__(self, number: Decimal) -> None:
        self.number = number

    def value(self) -> str:
        return plain(self.number)

    def calculate(self, signal: str, operand: str) -> str:
        right = java.big_decimal(operand)
        if right is None:
            raise java.JavaError("NumberFormatException")  # JDK 8's BigDecimal: no message
        digits = max(DECIMAL128_DIGITS, len(self.number.as_tuple().digits))
        context = Context(prec=digits, Emax=10**17, Emin=-(10**17))
        context.traps[InvalidOperation] = context.traps[DivisionByZero] = True
        try:
            with localcontext(context):
                result = {
                    "+": lambda: self.number + right,
                    "-": lambda: self.number - right,
                    "*": lambda: self.number * right,
                    "/": lambda: self.number / right,
                }[signal]()
        except (DivisionByZero, InvalidOperation):
            undefined = self.number.is_zero()
            raise java.JavaError(
                "ArithmeticException", "Division undefined" if undefined else "Division by zero"
            ) from None
        return plain(result)


def typed(text: str) -> Value:
    """A variable's value: a number when BigDecimal reads it and it does not start with 0
    (so `007` and `0.5` stay text), text otherwise (VariableUtils.scala:123-130)."""
    number = None if text.startswith("0") else java.big_decimal(text)
    return TextValue(text) if number is None else NumberValue(number)


def code_variables(code: str, language: str) -> dict[str, str]:
    """The `@set name=value` lines of the code, the last of a name winning; 20044 and
    20045 for lines with more or fewer than one `=` (VariableUtils.scala:387-449)."""
    pattern = SET_LINE.get(language)
    found: dict[str, str] = {}
    if pattern is None or "@set" not in code:
        return found
    for line in java.split_on(code, "\n"):
        if not pattern.search(line):
            continue
        parts = java.split_on(line[:-1] if line.endswith(";") else line, "=")
        if len(parts) > 2:
            raise VariableError(20044, SET_LINE_AMBIGUOUS.format(line))
        if len(parts) < 2:
            raise VariableError(20045, SET_LINE_INCOMPLETE.format(line))
        name_parts = java.split_on(parts[0], "@set")
        if len(name_parts) == 2:
            found[java.trim(name_parts[1])] = java.trim(parts[1])
    return found


def _class_cast(value: Value) -> java.JavaError:
    source = VALUE_CLASSES.get(type(value).__name__, type(value).__name__)
    return java.JavaError("ClassCastException", f"{source} cannot be cast to {HOUR_CLASS}")


def _known(
    code: str, language: str, variables: Mapping[str, str]
) -> tuple[dict[str, Value], str | None]:
    """The variables by name, in precedence (code `@set` > `user` > the variables map), and
    `run_date` as given, if it was."""
    known: dict[str, Value] = {}
    run_date: str | None = None

    def put(source: Mapping[str, str]) -> None:
        nonlocal run_date
        for key, value in source.items():
            if key in known or not value:
                continue
            if key == RUN_DATE:
                run_date = value
                known[key] = dates.DayValue(value)
            else:
                known[key] = typed(value)

    put(code_variables(code, language))
    if "user" in variables:
        known["user"] = TextValue(variables["user"])
    put(variables)
    return known, run_date


def _add_date_built_ins(
    known: dict[str, Value], variables: Mapping[str, str], run_date: str, now: Moment, full: bool
) -> None:
    """initAllDateVars: run_date is read (and fails) whether the code uses it or not; the
    other built-ins overwrite what the user gave under their names. `full`: put them in
    (only code with `${` can use them)."""
    dates.parse(dates.YMD, run_date)
    for name in (RUN_TODAY_H, RUN_TODAY_HOUR):
        given = variables.get(name)
        if given is not None and not java.is_blank(given):
            known[name] = HourValue(given)
    if full:
        known.update(dates.built_ins(run_date))
    for name in (RUN_TODAY_H, RUN_TODAY_HOUR):
        hour = known.get(name)
        if hour is None:
            hour = HourValue(dates.current_hour(now, dates.run_today(run_date)))
            known[name] = hour
        elif not isinstance(hour, HourValue):  # set by the code's @set: a String or number
            raise _class_cast(hour)
        known[f"{name}_std"] = HourValue(hour.value(), std=True)


def replace_variables(code: str, known: Mapping[str, Value]) -> str:
    """parserVar: each `${...}` by its value or expression's result, an undefined name left
    as written, then the whole code stripped. The text between tokens comes from Java's
    split, which drops trailing empty parts: code ending in two adjacent tokens fails with
    ArrayIndexOutOfBoundsException, as in Linkis (VariableUtils.scala:313-376)."""
    codes = java.split(CODE_VARIABLE, code)
    out: list[str] = []
    index = 0
    for match in CODE_VARIABLE.finditer(code):
        token = match.group()
        expression = EXPRESSION.search(token)
        if expression is None:  # cannot happen: a token holds a name
            continue
        index += 1
        name, signal, right = expression.groups()
        if not java.trim(name):
            raise VariableError(20041, VARIABLE_IS_NULL.format(token))
        variable = known.get(java.trim(name))
        if variable is None:
            out.append(_text_before(codes, index) + token)
            continue
        result = variable.value()
        if java.trim(signal):
            if not java.trim(right):
                raise VariableError(20042, EXPRESSION_NOT_RIGHT.format(token))
            operand_name = java.trim(right)
            operand = known.get(operand_name)
            result = variable.calculate(
                java.trim(signal), operand.value() if operand is not None else operand_name
            )
        out.append(_text_before(codes, index) + result)
    if index == len(codes) - 1:
        out.append(codes[index])
    return java.strip("".join(out))


def _text_before(codes: list[str], index: int) -> str:
    if index - 1 >= len(codes):
        raise java.JavaError("ArrayIndexOutOfBoundsException", str(index - 1))
    return codes[index - 1]


def substitute(code: str, code_type: str | None, variables: Mapping[str, str], now: Moment) -> str:
    """VariableUtils.replace(code, codeType, variables): `variables` is the merged map
    (global variables, `params.variable`, then `user`, `execute_user`, `submit_user`)."""
    language = language_of(code_type)
    if not language:
        return code
    known, run_date = _known(code, language, variables)
    if run_date is None:
        run_date = dates.yesterday(now)
        known[RUN_DATE] = dates.DayValue(run_date)
    _add_date_built_ins(known, variables, run_date, now, full="${" in code)
    replaced = replace_variables(code, known) if "${" in code else java.strip(code)
    if language != JSON and "&{" not in replaced:
        return replaced
    # run_date's day with the time of day now (wds.linkis.variable.operation.use.now=true)
    moment = operations.DateTime(dates.parse(dates.YMD, run_date).days, now.ms_of_day)
    if language == JSON:
        return operations.replace_json(moment, replaced)
    return operations.replace(moment, replaced)
